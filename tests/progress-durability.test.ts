import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyNotebooksToScratch, Lab, startLab } from './helpers/lab';

/**
 * What the progress store guarantees under load and crashes (issue 15, item 3): concurrent saves
 * from many clients and from two servers sharing one data folder lose nothing; a server killed
 * mid-save never corrupts progress.json, loses no acknowledged update, and leaves no stale
 * temporary file behind.
 */
describe('progress under concurrency and SIGKILL', () => {
  const api = (lab: Lab, path: string, init: RequestInit = {}) => fetch(`${lab.url}/distlab/${path}?token=${lab.token}`, init);
  const save = (lab: Lab, events: unknown[]) => api(lab, 'progress', { method: 'POST', body: JSON.stringify({ events }) });

  it('2,000 concurrent saves from 50 clients through two servers sharing one data folder lose nothing', async () => {
    const rootDir = copyNotebooksToScratch();
    const first = await startLab({ rootDir });
    const second = await startLab({ rootDir, homeDir: first.homeDir });
    try {
      const clients = Array.from({ length: 50 }, async (_, client) => {
        for (let i = 0; i < 40; i++) {
          const response = await save(i % 2 === 0 ? first : second, [{ id: 'shared', type: 'attempt', correct: false }, { id: `client-${client}`, type: 'attempt', correct: i === 39 }]);
          expect(response.status).toBe(200);
        }
      });
      await Promise.all(clients);
      for (const lab of [first, second]) {
        const { questions } = await (await api(lab, 'progress')).json();
        expect(questions.shared.attempts).toBe(2000);
        for (let client = 0; client < 50; client++) expect(questions[`client-${client}`]).toMatchObject({ attempts: 40, state: 'correct' });
      }
      const folder = join(first.homeDir, 'data', 'distlab');
      expect(readdirSync(folder).filter((name) => name.startsWith('.progress-'))).toEqual([]);
    } finally {
      await first.stop();
      await second.stop();
      rmSync(rootDir, { recursive: true, force: true });
    }
  });

  it('SIGKILL during saves, again and again: progress.json stays valid, no acknowledged update is lost, no stale temporary file is left', async () => {
    const rootDir = copyNotebooksToScratch();
    let lab = await startLab({ rootDir });
    const homeDir = lab.homeDir;
    const folder = join(homeDir, 'data', 'distlab');
    const acknowledged = new Map<string, number>();
    try {
      // Large responses make each write long enough for a kill to land inside it.
      const essays = Array.from({ length: 12 }, (_, i) => ({ id: `essay-${i}`, type: 'response', response: `essay ${i} `.repeat(2000).slice(0, 19_000) }));
      expect((await save(lab, essays)).status).toBe(200);
      for (let round = 0; round < 12; round++) {
        const current = lab;
        let stop = false;
        const clients = Array.from({ length: 6 }, async (_, client) => {
          const id = `kill-${client}`;
          while (!stop) {
            try {
              const response = await save(current, [{ id, type: 'attempt', correct: false }, { ...essays[(round + client) % essays.length], response: `round ${round} client ${client} `.repeat(900).slice(0, 19_000) }]);
              if (response.status === 200) acknowledged.set(id, (acknowledged.get(id) ?? 0) + 1);
            } catch {
              return; // the server is gone
            }
          }
        });
        await new Promise((r) => setTimeout(r, 150 + ((round * 37) % 200)));
        await current.kill('SIGKILL');
        stop = true;
        await Promise.all(clients);
        // progress.json is whole after every kill.
        const stored = JSON.parse(readFileSync(join(folder, 'progress.json'), 'utf8'));
        for (const [id, count] of acknowledged) expect(stored.questions[id].attempts, `round ${round}, ${id}`).toBeGreaterThanOrEqual(count);
        lab = await startLab({ rootDir, homeDir });
      }
      expect(acknowledged.size).toBe(6);
      // One ordinary save after the restart, then nothing of the killed writers is left.
      expect((await save(lab, [{ id: 'after-kills', type: 'hint', hint: 1 }])).status).toBe(200);
      const { questions } = await (await api(lab, 'progress')).json();
      for (const [id, count] of acknowledged) expect(questions[id].attempts).toBeGreaterThanOrEqual(count);
      expect(readdirSync(folder).filter((name) => name.startsWith('.progress-'))).toEqual([]);
    } finally {
      await lab.stop();
      rmSync(rootDir, { recursive: true, force: true });
    }
  });
});
