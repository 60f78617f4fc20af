// The Raft model: etcd's defaults, timeouts in [T, 2T), persistent vs volatile state, the experiments etcd is compared with, and CAP's registers under the linearizability checker.
import { describe, expect, it } from 'vitest';
import * as dl from 'distlab';

describe('Raft model', () => {
  it("has etcd's names and defaults, and names bad input", () => {
    const c = dl.raftCluster();
    expect([c.members, c.heartbeatIntervalMs, c.electionTimeoutMs, c.checkQuorum]).toEqual([['n1', 'n2', 'n3'], 100, 1000, true]);
    expect(() => dl.raftCluster({ heartbeatIntervalMs: 100, electionTimeoutMs: 100 })).toThrow('invalid electionTimeoutMs: 100 (expected more than heartbeatIntervalMs (100 ms))');
    expect(() => dl.raftCluster({ memberCount: 0 })).toThrow('invalid memberCount: 0 (expected an integer 1..9)');
    expect(() => dl.raftQuorumExperiment({ memberCount: 3, upCount: 4 })).toThrow('invalid upCount: 4 (expected 1..memberCount (3))');
  });

  it('elects its first leader after a timeout drawn in [T, 2T), and the leader heartbeats every heartbeatIntervalMs', () => {
    const T = 1000;
    const firsts: number[] = [];
    for (let seed = 1; seed <= 100; seed++) {
      const c = dl.raftCluster({ seed, networkLatency: 1, trace: false });
      c.run({ untilMs: 3 * T });
      firsts.push(c.observations.leaders[0].timeMs);
    }
    // A candidate needs one round trip (2 ms) for its votes.
    for (const t of firsts) expect(t >= T && t < 2 * T + 2).toBe(true);
    // The first of three timeouts is spread over the range, not pinned to one end.
    expect(Math.min(...firsts)).toBeLessThan(T + 100);
    expect(Math.max(...firsts)).toBeGreaterThan(T + 400);
    const c = dl.raftCluster({ seed: 2, networkLatency: 1 });
    c.run({ untilMs: 4000 });
    const leader = c.leader()!;
    const beats = c.sim.trace.events().filter((e) => e.type === 'send' && e.node === leader && e.label === 'Heartbeat' && e.timeMs > 3000 && e.timeMs <= 4000);
    expect(beats.length).toBe(10 * 2);
  });

  it('keeps currentTerm, votedFor, the log and the commit index over a crash, and loses the rest', () => {
    const c = dl.raftCluster({ seed: 3, clientCount: 1, networkLatency: 1 });
    c.workload({ untilMs: 3000, thinkMs: 20 });
    c.run({ untilMs: 2500 });
    const follower = c.members.find((m) => m !== c.leader())!;
    const before = structuredClone(c.durableOf(follower));
    const applied = [...c.sim.stateOf(follower).machine.kv.entries()];
    c.sim.crash(follower);
    c.run({ untilMs: 2600 });
    expect(c.durableOf(follower)).toEqual(before);
    c.sim.restart(follower);
    c.run({ untilMs: 2600.001 });
    const s = c.sim.stateOf(follower);
    expect(s.role).toBe('follower');
    expect(s.leader).toBeNull();
    // The state machine is rebuilt from the log up to the persisted commit index.
    expect(s.commitIndex).toBe(before.commitIndex);
    expect([...s.machine.kv.entries()]).toEqual(applied);
    expect(c.durableOf(follower).currentTerm).toBe(before.currentTerm);
  });

  it('fails over in about an election timeout after the leader dies (etcd defaults, 20 trials)', () => {
    const r = dl.raftFailoverExperiment({ seed: 1 });
    expect(r.seeds).toEqual(Array.from({ length: 20 }, (_, i) => 1 + i));
    expect(r.points).toHaveLength(20);
    for (const p of r.points) {
      // The first follower to time out, in [T, 2T) after the last heartbeat; the write commits a round trip later.
      expect(p.failoverMs).toBeGreaterThanOrEqual(p.electionMs);
      expect(p.electionMs).toBeGreaterThan(1000 - 100);
      expect(p.failoverMs).toBeLessThan(2000 + 250);
      expect(p.newLeader).not.toBe(p.killedLeader);
    }
    const sorted = r.points.map((p) => p.failoverMs).sort((a, b) => a - b);
    expect(r.medianMs).toBe((sorted[9] + sorted[10]) / 2);
    // Halving the election timeout roughly halves the failover.
    const fast = dl.raftFailoverExperiment({ seed: 1, electionTimeoutMs: 500 });
    expect(fast.medianMs).toBeLessThan(r.medianMs * 0.7);
  });

  it('serves writes and linearizable reads only with a majority up; serializable reads always', () => {
    for (const memberCount of [3, 5]) {
      const r = dl.raftQuorumExperiment({ memberCount, attempts: 4, seed: 1 });
      expect(r.points.map((p) => p.membersUp)).toEqual(Array.from({ length: memberCount }, (_, i) => memberCount - i));
      for (const p of r.points) {
        const quorate = p.membersUp >= Math.floor(memberCount / 2) + 1;
        expect(p.writesOk, `${p.membersUp} of ${memberCount}`).toBe(quorate ? 4 : 0);
        expect(p.linearizableReadsOk).toBe(quorate ? 4 : 0);
        expect(p.serializableReadsOk).toBe(4);
        if (!quorate) for (const w of p.writeFailures) expect(w).toMatch(/^(timeout|refused): /);
      }
    }
    const one = dl.raftQuorumExperiment({ memberCount: 5, upCount: 2, attempts: 2 });
    expect(one.points.map((p) => [p.membersUp, p.writesOk, p.serializableReadsOk])).toEqual([[2, 0, 2]]);
  });

  it('a leader cut off in a minority steps down within two election timeouts with check-quorum, never without', () => {
    const r = dl.raftMinorityLeaderExperiment({ memberCount: 5, seed: 1 });
    expect(r.minority).toHaveLength(2);
    expect(r.minority[0]).toBe(r.oldLeader);
    expect(r.steppedDownAfterMs).toBeGreaterThanOrEqual(1000);
    expect(r.steppedDownAfterMs).toBeLessThanOrEqual(2000 + 1);
    expect(r.newLeaderAfterMs).toBeGreaterThanOrEqual(1000);
    expect(r.majority).toContain(r.newLeader);
    expect(r.minorityPut.outcome).not.toBe('ok');
    expect(r.minorityLinearizableGet.outcome).not.toBe('ok');
    expect([r.minoritySerializableGet.outcome, r.minoritySerializableGet.value]).toEqual(['ok', 'before']);
    expect(r.majorityPut.outcome).toBe('ok');
    expect(Object.values(r.afterHeal)).toEqual(Array(5).fill('majority'));
    const trace = r.trace.events();
    expect(trace.some((e) => e.type === 'local' && e.label === 'step-down' && e.node === r.oldLeader)).toBe(true);

    const without = dl.raftMinorityLeaderExperiment({ memberCount: 3, seed: 1, checkQuorum: false, watchMs: 5000 });
    expect(without.steppedDownAfterMs).toBeNull();
    expect(without.minorityPut.outcome).toBe('timeout');
    expect(without.majorityPut.outcome).toBe('ok');
  });
});

describe("CAP's registers under the linearizability checker", () => {
  it('the CP register is linearizable; the AP register is not, and its stale read is shown', () => {
    const cp = dl.replicatedRegisterExperiment({ mode: 'CP' });
    const cpCheck = dl.checkLinearizable(cp.history, { initialValue: '0' });
    expect(cpCheck.ok, cpCheck.summary).toBe(true);
    expect(cp.history.length).toBe(cp.requests.length);
    expect(cp.history.some((o) => o.outcome !== 'ok')).toBe(true);

    const ap = dl.replicatedRegisterExperiment({ mode: 'AP' });
    const apCheck = dl.checkLinearizable(ap.history, { initialValue: '0' });
    expect(apCheck.ok).toBe(false);
    const cx = apCheck.counterexample!;
    expect(cx.blocked.kind).toBe('read');
    // A stale read: a different value was acknowledged before the read began.
    const newer = cx.operations.find((o) => o.kind === 'write' && o.completeMs! < cx.blocked.invokeMs && o.value !== cx.blocked.value && cx.possibleValues.includes(o.value));
    expect(newer).toBeDefined();
    expect(cx.operations.length).toBeLessThanOrEqual(4);
    expect(ap.summary.staleReads).toBeGreaterThan(0);
  });
});

describe('Raft cluster input', () => {
  it('names a bad workload option', () => {
    const c = dl.raftCluster({ clientCount: 2 });
    expect(() => c.workload({ untilMs: 100, writeFraction: 2 })).toThrow('invalid writeFraction: 2 (expected 0..1)');
    expect(() => c.workload({ untilMs: 100, keys: [] })).toThrow('invalid keys: [] (expected a non-empty array of strings)');
    expect(() => c.workload({} as never)).toThrow('invalid untilMs: undefined (expected a number of ms (required))');
    expect(() => c.submit('c9', { kind: 'read' })).toThrow('invalid client: "c9" (expected one of c1, c2)');
  });
});
