// Raft's safety properties over 1,000 seeds with faults; a deliberately broken Raft is caught, with its seed and a diagram.
import { describe, expect, it } from 'vitest';
import * as dl from 'distlab';
import { checkRaftSafety, raftFaultRun, RAFT_SAFETY_OPTIONS, type RaftSafetyOptions } from '../src/topics/raft/raft-checkers';
import type { RaftObservations } from '../src/topics/raft/raft';

const defaults = RAFT_SAFETY_OPTIONS.parse({}) as Required<RaftSafetyOptions>;

describe('Raft safety', () => {
  it('holds on 1,000 seeds with crashes and restarts, partitions, loss and delay', () => {
    const r = dl.raftSafetyCheck({ seeds: 1000 });
    expect(r.summary).toMatch(/^ok: /);
    expect(r.ok).toBe(true);
    expect(r.seeds).toHaveLength(1000);
    for (const row of r.rows) expect(row).toEqual({ property: row.property, passed: 1000, failed: 0 });
    expect(r.rows.map((row) => row.property)).toEqual([...dl.RAFT_SAFETY_PROPERTIES]);
    // The runs were rough: many faults and re-elections per run, and work got done through them.
    expect(r.totals.faults).toBeGreaterThan(10 * 1000);
    expect(r.totals.leaders).toBeGreaterThan(3 * 1000);
    expect(r.totals.commits).toBeGreaterThan(30 * 1000);
  });

  it('catches Raft without the up-to-date rule of voting, with the seed and a space-time diagram of the replayed run', () => {
    const r = dl.raftSafetyCheck({ seeds: 200, failuresMax: 2 }, { breakage: { ignoreLogUpToDate: true } });
    expect(r.ok).toBe(false);
    expect(r.failures.length).toBe(2);
    const f = r.failures[0];
    expect(['leader completeness', 'state machine safety']).toContain(f.property);
    expect(r.summary).toContain(`at seed ${f.seed}`);
    // The seed replays the failure: the same run fails the same way, and correct Raft passes it.
    const again = raftFaultRun(f.seed, defaults, false, { breakage: { ignoreLogUpToDate: true } }).cluster;
    expect(checkRaftSafety(again.observations, f.seed).find((c) => c.name === f.property)!.counterexample!.message).toBe(f.message);
    const correct = raftFaultRun(f.seed, defaults, false).cluster;
    expect(checkRaftSafety(correct.observations, f.seed).every((c) => c.ok)).toBe(true);
    // The diagram: the events of the finding are in the trace, and the window around them draws.
    expect(f.events.length).toBeGreaterThan(0);
    const seqs = new Set(f.trace.events().map((e) => e.seq));
    for (const e of f.events) expect(seqs.has(e.seq)).toBe(true);
    const fromMs = Math.max(0, f.events[0].timeMs - 200);
    const toMs = f.events[f.events.length - 1].timeMs + 50;
    const figure = dl.spaceTimeDiagram(f.trace, { fromMs, toMs, eventsMax: 2000, title: `seed ${f.seed}: ${f.property}` });
    const svg = figure.svg();
    for (const node of ['n1', 'n2', 'n3']) expect(svg).toContain(`>${node}</text>`);
    expect(svg).toContain(`seed ${f.seed}`);
    // Every event drawn, not the binned summary of a crowded window.
    expect(svg).not.toContain('SUMMARY VIEW');
  });

  const base = (): RaftObservations => ({ leaders: [], commits: [], firstApply: new Map(), applyConflicts: [], stepDowns: [], logSamples: [] });

  it('each checker fails on a run that breaks its property', () => {
    const two = base();
    two.leaders.push({ node: 'n1', term: 3, timeMs: 10, log: [] }, { node: 'n2', term: 3, timeMs: 20, log: [] });
    expect(checkRaftSafety(two, 9).map((c) => c.ok)).toEqual([false, true, true, true]);
    expect(checkRaftSafety(two, 9)[0].summary).toBe('FAILED election safety: n1 (at 10.0 ms) and n2 (at 20.0 ms) are both leader of term 3 (seed=9)');

    const logs = base();
    logs.logSamples.push({ timeMs: 5, logs: { n1: [{ term: 1, uid: 1 }, { term: 2, uid: 2 }], n2: [{ term: 1, uid: 7 }, { term: 2, uid: 2 }] } });
    expect(checkRaftSafety(logs, 9).map((c) => c.ok)).toEqual([true, false, true, true]);

    const lost = base();
    lost.commits.push({ node: 'n1', term: 2, index: 1, uid: 5, entryTerm: 2, timeMs: 10 });
    lost.leaders.push({ node: 'n2', term: 3, timeMs: 30, log: [] });
    expect(checkRaftSafety(lost, 9).map((c) => c.ok)).toEqual([true, true, false, true]);

    const applied = base();
    applied.applyConflicts.push({ index: 4, first: { node: 'n1', uid: 5, timeMs: 10 }, node: 'n3', uid: 6, timeMs: 40 });
    expect(checkRaftSafety(applied, 9).map((c) => c.ok)).toEqual([true, true, true, false]);
  });

  it('client histories of faulty runs are linearizable', () => {
    let operations = 0;
    for (let seed = 1; seed <= 100; seed++) {
      const c = raftFaultRun(seed, defaults, false).cluster;
      const r = dl.checkLinearizable(c.history);
      expect(r.ok, `seed ${seed}: ${r.summary}`).toBe(true);
      operations += r.operationCount;
    }
    expect(operations).toBeGreaterThan(5000);
  });
});
