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
