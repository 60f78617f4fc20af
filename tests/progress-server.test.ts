import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Lab, startLab } from './helpers/lab';
import { ROOT, VENV_PYTHON } from './helpers/paths';

describe('the progress server extension (/distlab/progress) in a real Jupyter server', () => {
  let lab: Lab;
  const api = (path: string, init: RequestInit = {}) => fetch(`${lab.url}/distlab/${path}?token=${lab.token}`, init);

  beforeAll(async () => {
    lab = await startLab();
  });
  afterAll(async () => {
    await lab?.stop();
  });

  it('merges concurrent saves without losing one, in JUPYTER_DATA_DIR', async () => {
    const posts = Array.from({ length: 40 }, (_, i) =>
      api('progress', { method: 'POST', body: JSON.stringify({ events: [{ id: 'q-concurrent', type: 'attempt', correct: i === 39 }, { id: `q-${i % 4}`, type: 'hint', hint: 1 }] }) })
    );
    for (const response of await Promise.all(posts)) expect(response.status).toBe(200);
    const { questions } = await (await api('progress')).json();
    expect(questions['q-concurrent']).toMatchObject({ attempts: 40, correct: true, state: 'correct' });
    expect(questions['q-2']).toMatchObject({ hints: 1, state: 'hinted' });
    const file = join(lab.homeDir, 'data', 'distlab', 'progress.json');
    expect(existsSync(file)).toBe(true);
    // The report's Python API reads the same file.
    const out = execFileSync(VENV_PYTHON, ['-c', `import json,sys; sys.path.insert(0, ${JSON.stringify(join(ROOT, 'extension'))}); from distlab_jupyterlab.progress import load_progress; print(json.dumps(load_progress(${JSON.stringify(file)})["q-concurrent"]))`], { encoding: 'utf8' });
    expect(JSON.parse(out)).toMatchObject({ attempts: 40, state: 'correct' });
  });

  it('stores a free response (text or table rows) as answered, refuses one over 20 kB with a clear message, and keeps hand ticks', async () => {
    const rows = [{ component: 'web app', 'runs-where': 'VM in eu-west-1a', 'communicates-via': 'HTTPS <b>&amp;</b> "quotes"' }];
    const save = (events: unknown[]) => api('progress', { method: 'POST', body: JSON.stringify({ events }) });
    expect((await save([{ id: 'r-table', type: 'response', response: rows }, { id: 'r-text', type: 'response', response: 'é'.repeat(10_000) }])).status).toBe(200);
    let { questions } = await (await api('progress')).json();
    expect(questions['r-table']).toMatchObject({ state: 'answered', response: rows });
    expect(questions['r-text'].state).toBe('answered');
    // 20,001 bytes of UTF-8 text: refused, and the stored response is unchanged.
    const tooLong = await save([{ id: 'r-text', type: 'response', response: 'x'.repeat(20_001) }]);
    expect(tooLong.status).toBe(400);
    expect(await tooLong.text()).toContain('response too long: 20001 bytes (limit 20000 bytes, about 20 kB)');
    const tooLongTable = await save([{ id: 'r-table', type: 'response', response: Array.from({ length: 3 }, () => ({ component: 'y'.repeat(7000) })) }]);
    expect(tooLongTable.status).toBe(400);
    for (const response of [42, { component: 'x' }, [{ component: 7 }], ['row']]) {
      const bad = await save([{ id: 'r-table', type: 'response', response }]);
      expect(bad.status, JSON.stringify(response)).toBe(400);
      expect(await bad.text()).toContain('invalid response');
    }
    ({ questions } = await (await api('progress')).json());
    expect(questions['r-text'].response).toBe('é'.repeat(10_000));
    expect(questions['r-table'].response).toEqual(rows);
    // Clearing the text makes it unanswered again.
    await save([{ id: 'r-text', type: 'response', response: '  ' }]);
    // Checklist: ticks by hand, untick.
    await save([{ id: 'takeaways', type: 'tick', item: 'cap', ticked: true }, { id: 'takeaways', type: 'tick', item: 'pacelc', ticked: true }, { id: 'takeaways', type: 'tick', item: 'cap', ticked: false }]);
    ({ questions } = await (await api('progress')).json());
    expect(questions['r-text'].state).toBe('unanswered');
    expect(questions.takeaways).toMatchObject({ ticked: ['pacelc'], state: 'answered' });
    expect((await save([{ id: 'takeaways', type: 'tick' }])).status).toBe(400);
  });

  it('rejects malformed events with a clear message, lists questions, and resets only on DELETE', async () => {
    const bad = await api('progress', { method: 'POST', body: JSON.stringify({ events: [{ id: 'x', type: 'guess' }] }) });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("invalid event type: 'guess'");
    const { modules } = await (await api('questions')).json();
    const start = modules.find((m: { path: string }) => m.path === '00-start-here.ipynb');
    expect(start.questions.map((q: { id: string }) => q.id)).toEqual(['start-rtt-vs-memory', 'start-slowest-operation']);
    expect((await api('progress', { method: 'DELETE' })).status).toBe(200);
    expect((await (await api('progress')).json()).questions).toEqual({});
  });
});
