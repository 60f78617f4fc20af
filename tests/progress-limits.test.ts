import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Lab, startLab } from './helpers/lab';

/**
 * Issue 15, item 3: the progress store bounds every field, the number of question ids and the
 * file, answers malformed bodies with a 400 and a clear message, does its file work off the
 * server's event loop, and recovers a damaged progress.json from its last good copy.
 */
describe('the progress store refuses what it must not keep, and recovers a damaged file', () => {
  let lab: Lab;
  const api = (path: string, init: RequestInit = {}) => fetch(`${lab.url}/distlab/${path}?token=${lab.token}`, init);
  const save = (events: unknown) => api('progress', { method: 'POST', body: typeof events === 'string' ? events : JSON.stringify({ events }) });
  const folder = () => join(lab.homeDir, 'data', 'distlab');
  const file = () => join(folder(), 'progress.json');
  const fileBytes = () => (existsSync(file()) ? readFileSync(file()) : Buffer.alloc(0));

  /** Milliseconds /api/status takes, sampled every 20 ms while `during` runs; the worst one. */
  async function worstStatusMs(during: Promise<unknown>): Promise<number> {
    let done = false;
    const finished = during.finally(() => (done = true));
    let worst = 0;
    do {
      const started = performance.now();
      await fetch(`${lab.url}/api/status?token=${lab.token}`);
      worst = Math.max(worst, performance.now() - started);
      await new Promise((r) => setTimeout(r, 20));
    } while (!done);
    await finished;
    return worst;
  }

  beforeAll(async () => {
    lab = await startLab();
  });
  afterAll(async () => {
    await lab?.stop();
  });

  it('keeps every endpoint behind Jupyter\'s auth, and its POST and DELETE behind XSRF', async () => {
    const endpoints: [string, string][] = [['GET', 'progress'], ['POST', 'progress'], ['DELETE', 'progress'], ['DELETE', 'progress/notices'], ['GET', 'questions']];
    const body = (method: string) => (method === 'POST' ? JSON.stringify({ events: [{ id: 'auth-q', type: 'attempt', correct: true }] }) : undefined);
    for (const [method, path] of endpoints) {
      const response = await fetch(`${lab.url}/distlab/${path}`, { method, body: body(method) });
      expect([401, 403], `${method} ${path} without a token`).toContain(response.status);
    }
    // A browser's session: the login cookie without the XSRF header is refused for changes.
    const login = await fetch(`${lab.url}/lab?token=${lab.token}`, { redirect: 'manual' });
    const cookies = login.headers.getSetCookie().map((c) => c.split(';')[0]);
    const xsrf = cookies.find((c) => c.startsWith('_xsrf='))?.slice('_xsrf='.length) ?? '';
    expect(xsrf).not.toBe('');
    const withCookie = (method: string, path: string, headers: Record<string, string> = {}) =>
      fetch(`${lab.url}/distlab/${path}`, { method, body: body(method), headers: { Cookie: cookies.join('; '), ...headers } });
    expect((await withCookie('GET', 'progress')).status).toBe(200);
    for (const [method, path] of endpoints.filter(([m]) => m !== 'GET')) {
      expect((await withCookie(method, path)).status, `${method} ${path} without XSRF`).toBe(403);
    }
    expect((await withCookie('POST', 'progress', { 'X-XSRFToken': xsrf })).status).toBe(200);
    expect((await (await api('progress')).json()).questions['auth-q'].attempts).toBe(1);
    expect((await api('progress', { method: 'DELETE' })).status).toBe(200);
  });

  it('answers oversized bodies with a 400 and leaves the file and the server latency as they were', async () => {
    expect((await save([{ id: 'limits-base', type: 'attempt', correct: true }])).status).toBe(200);
    const before = fileBytes();
    const nested = (depth: number) => JSON.parse('['.repeat(depth) + ']'.repeat(depth));
    const bodies: [string, string][] = [
      ['a 10 MB exercise result', JSON.stringify({ events: [{ id: 'exercise:quorum-size', type: 'exercise', correct: false, seed: 1, result: 'a'.repeat(10_000_000) }] })],
      ['a 10 MB seed object', JSON.stringify({ events: [{ id: 'exercise:quorum-size', type: 'exercise', correct: false, seed: { blob: 'x'.repeat(10_000_000) }, result: 'ab' }] })],
      ['100,000 new question ids', JSON.stringify({ events: Array.from({ length: 100_000 }, (_, i) => ({ id: `q${i}`, type: 'hint', hint: 1 })) })],
      ['nested seeds in a 93 KB body', JSON.stringify({ events: Array.from({ length: 100 }, (_, i) => ({ id: `exercise:nested-${i}`, type: 'exercise', correct: false, seed: nested(450), result: `${i}` })) })]
    ];
    for (const [what, body] of bodies) {
      let response: Response | undefined;
      const worst = await worstStatusMs(save(body).then((r) => (response = r)));
      expect(response?.status, what).toBe(400);
      expect(await response?.text(), what).toMatch(/too large|too long|too many|invalid seed|limit/);
      expect(fileBytes().equals(before), `${what}: progress.json unchanged`).toBe(true);
      expect(worst, `${what}: /api/status while it was refused`).toBeLessThan(1500);
    }
    // An ordinary save is still quick.
    const started = performance.now();
    expect((await save([{ id: 'limits-base', type: 'hint', hint: 1 }])).status).toBe(200);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(statSync(file()).size).toBeLessThan(10_000);
  });

  it('caps the number of question ids the file keeps (a documented constant)', async () => {
    // A body within the size limit, each request within the event limit: ids pile up until the cap.
    let refused: Response | null = null;
    for (let batch = 0; batch < 40 && refused === null; batch++) {
      const response = await save(Array.from({ length: 100 }, (_, i) => ({ id: `many-${batch}-${i}`, type: 'hint', hint: 1 })));
      if (response.status !== 200) refused = response;
    }
    expect(refused?.status).toBe(400);
    expect(await refused?.text()).toMatch(/at most 1000 questions/);
    const { questions } = await (await api('progress')).json();
    expect(Object.keys(questions).length).toBeLessThanOrEqual(1000);
    // Questions already kept still save.
    expect((await save([{ id: 'limits-base', type: 'attempt', correct: false }])).status).toBe(200);
    expect((await api('progress', { method: 'DELETE' })).status).toBe(200);
  });

  it('does its file work off the event loop: /api/status stays quick during a burst of saves of a large file', async () => {
    // About 1.5 MB of free responses, the kind of file a learner may really have.
    for (let i = 0; i < 15; i++) {
      const events = Array.from({ length: 5 }, (_, j) => ({ id: `essay-${i}-${j}`, type: 'response', response: `${i}-${j} `.repeat(4000).slice(0, 19_000) }));
      expect((await save(events)).status).toBe(200);
    }
    expect(statSync(file()).size).toBeGreaterThan(1_000_000);
    const burst = Promise.all(Array.from({ length: 30 }, (_, i) => save([{ id: 'burst', type: 'attempt', correct: i === 29 }])));
    const worst = await worstStatusMs(burst);
    for (const response of await burst) expect(response.status).toBe(200);
    expect((await (await api('progress')).json()).questions.burst.attempts).toBe(30);
    expect(worst).toBeLessThan(400);
    expect((await api('progress', { method: 'DELETE' })).status).toBe(200);
  });

  it('answers malformed bodies with a 400 and a clear message, and stores nothing of them', async () => {
    expect((await save([{ id: 'limits-base', type: 'attempt', correct: true }])).status).toBe(200);
    const before = fileBytes();
    const cases: [string, string | unknown[], RegExp][] = [
      ['hint null', [{ id: 'q', type: 'hint', hint: null }], /invalid hint: null/],
      ['hint 1e400', '{"events": [{"id": "q", "type": "hint", "hint": 1e400}]}', /invalid hint/],
      ['hint 1e9', [{ id: 'q', type: 'hint', hint: 1e9 }], /invalid hint/],
      ['hint true', [{ id: 'q', type: 'hint', hint: true }], /invalid hint/],
      ['a 100,000-deep body', '{"events": ' + '['.repeat(100_000) + ']'.repeat(100_000) + '}', /nested too deeply|invalid body/],
      ['correct "no"', [{ id: 'q', type: 'attempt', correct: 'no' }], /invalid correct: 'no'/],
      ['correct 1', [{ id: 'exercise:quorum-size', type: 'exercise', correct: 1, seed: 1, result: 'ab' }], /invalid correct/],
      ['an HTML seed', [{ id: 'exercise:quorum-size', type: 'exercise', correct: false, seed: '<img src=x onerror=alert(1)>', result: 'ab' }], /invalid seed/],
      ['a fractional seed', [{ id: 'exercise:quorum-size', type: 'exercise', correct: false, seed: 1.5, result: 'ab' }], /invalid seed/],
      ['an unsafe seed', [{ id: 'exercise:quorum-size', type: 'exercise', correct: false, seed: 2 ** 60, result: 'ab' }], /invalid seed/],
      ['a result that is not a short hex string', [{ id: 'exercise:quorum-size', type: 'exercise', correct: false, seed: 1, result: '<b>x</b>' }], /invalid result/],
      ['an id with markup', [{ id: '<b>q</b>', type: 'attempt', correct: true }], /invalid event id/],
      ['a tick item of 10 kB', [{ id: 'takeaways', type: 'tick', item: 'x'.repeat(10_000) }], /invalid tick/],
      ['ticked "yes"', [{ id: 'takeaways', type: 'tick', item: 'cap', ticked: 'yes' }], /invalid ticked/],
      ['too many events', Array.from({ length: 1000 }, () => ({ id: 'q', type: 'hint', hint: 1 })), /too many events/],
      ['not JSON', '{"events": [', /invalid body/],
      ['not UTF-8', '\xff\xfe{"events": []}', /invalid body|UTF-8/],
      ['NaN', '{"events": [{"id": "q", "type": "hint", "hint": NaN}]}', /invalid/]
    ];
    for (const [what, events, message] of cases) {
      const body = what === 'not UTF-8' ? Buffer.from([0xff, 0xfe, ...Buffer.from('{"events": []}')]) : typeof events === 'string' ? events : JSON.stringify({ events });
      const response = await api('progress', { method: 'POST', body });
      expect(response.status, what).toBe(400);
      expect(await response.text(), what).toMatch(message);
    }
    expect(fileBytes().equals(before)).toBe(true);
    // The file is written compactly.
    expect(fileBytes().toString('utf8')).not.toContain('\n ');
  });

  it('recovers a truncated, empty, non-UTF-8 or wrong-shape progress.json from the last good copy, sets it aside and says so', async () => {
    const damages: [string, (good: Buffer) => Buffer][] = [
      ['truncated', (good) => good.subarray(0, Math.floor(good.length / 2))],
      ['empty', () => Buffer.alloc(0)],
      ['not UTF-8', (good) => Buffer.concat([Buffer.from([0xff, 0xfe, 0x00]), good])],
      ['wrong shape (a list)', () => Buffer.from('[1, 2, 3]')],
      ['wrong shape (questions a list)', () => Buffer.from('{"version": 1, "questions": []}')],
      ['wrong shape (a record of the wrong type)', () => Buffer.from('{"version": 1, "questions": {"damaged-q": {"state": "correct", "attempts": "many"}}}')]
    ];
    for (const [what, damage] of damages) {
      expect((await api('progress', { method: 'DELETE' })).status).toBe(200);
      expect((await save([{ id: 'earned', type: 'attempt', correct: true }])).status).toBe(200);
      expect((await save([{ id: 'earned-too', type: 'hint', hint: 2 }])).status).toBe(200);
      const good = fileBytes();
      const damaged = damage(good);
      writeFileSync(file(), damaged);
      const response = await api('progress');
      expect(response.status, what).toBe(200);
      const body = await response.json();
      // Recovered from the last good copy: at most the last save is missing, and nothing is empty.
      expect(body.questions.earned, what).toMatchObject({ state: 'correct', correct: true });
      expect(body.notices?.length, what).toBeGreaterThan(0);
      const notice = body.notices[body.notices.length - 1];
      expect(notice.message, what).toMatch(/could not be read/);
      expect(notice.damagedFile, what).toMatch(/progress\.damaged-[0-9TZ-]+\.json$/);
      expect(notice.message, what).toContain(notice.damagedFile);
      // The damaged file is set aside byte for byte, never overwritten.
      expect(readFileSync(notice.damagedFile).equals(damaged), what).toBe(true);
      // The next save keeps what was recovered.
      expect((await save([{ id: 'after', type: 'attempt', correct: false }])).status, what).toBe(200);
      const { questions, notices } = await (await api('progress')).json();
      expect(questions.earned.state, what).toBe('correct');
      expect(questions.after.state, what).toBe('incorrect');
      expect(notices.some((n: { damagedFile: string }) => n.damagedFile === notice.damagedFile), `${what}: the notice lasts until dismissed`).toBe(true);
    }
    // Dismissing the notices (the panel's button) keeps the progress.
    expect((await api('progress/notices', { method: 'DELETE' })).status).toBe(200);
    const { questions, notices } = await (await api('progress')).json();
    expect(notices).toEqual([]);
    expect(questions.earned.state).toBe('correct');
    expect(readdirSync(folder()).filter((name) => name.startsWith('progress.damaged-')).length).toBe(damages.length);
  });
});
