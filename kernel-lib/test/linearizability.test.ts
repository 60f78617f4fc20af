import { describe, expect, it } from 'vitest';
import { checkLinearizable, type RegisterOperation } from '../src/checkers/linearizability';
import { RaftCluster } from '../src/topics/raft/raft';
import { Rng } from '../src/core/rng';

/** The definition, by brute force: some subset of the unknown writes plus every ok op, in some order that respects real time, is a legal register run. */
function oracle(history: RegisterOperation[], initial: string | null = null): boolean {
  const ok = history.filter((o) => o.outcome === 'ok');
  const maybe = history.filter((o) => o.outcome === 'unknown' && o.kind === 'write');
  for (let mask = 0; mask < 1 << maybe.length; mask++) {
    const ops = [...ok, ...maybe.filter((_, i) => mask & (1 << i))];
    const used = new Array(ops.length).fill(false);
    const order: RegisterOperation[] = [];
    // An unknown operation may take effect after its client gave up: only an ok one's completion orders.
    const precedes = (a: RegisterOperation, b: RegisterOperation) => a.outcome === 'ok' && a.completeMs! < b.invokeMs;
    const extend = (value: string | null): boolean => {
      if (order.length === ops.length) return true;
      for (let i = 0; i < ops.length; i++) {
        if (used[i]) continue;
        // Every op that must precede ops[i] in real time is already placed.
        if (ops.some((p, j) => !used[j] && j !== i && precedes(p, ops[i]))) continue;
        const o = ops[i];
        if (o.kind === 'read' && o.value !== value) continue;
        used[i] = true;
        order.push(o);
        if (extend(o.kind === 'write' ? o.value : value)) return true;
        order.pop();
        used[i] = false;
      }
      return false;
    };
    if (extend(initial)) return true;
  }
  return false;
}

function randomHistory(rng: Rng, n: number): RegisterOperation[] {
  const ops: RegisterOperation[] = [];
  let written = 0;
  for (let i = 0; i < n; i++) {
    const invokeMs = rng.int(20);
    const duration = 1 + rng.int(6);
    const write = rng.next() < 0.5;
    const r = rng.next();
    const outcome: RegisterOperation['outcome'] = r < 0.75 ? 'ok' : r < 0.9 ? 'unknown' : 'fail';
    const value = write ? `w${++written}` : rng.next() < 0.2 ? null : `w${1 + rng.int(Math.max(1, Math.ceil(n / 2)))}`;
    ops.push({ clientId: i, kind: write ? 'write' : 'read', key: 'x', value, invokeMs, ...(outcome === 'unknown' && rng.next() < 0.5 ? {} : { completeMs: invokeMs + duration }), outcome: outcome === 'ok' || outcome === 'fail' ? outcome : 'unknown' } as RegisterOperation);
  }
  return ops;
}

const op = (clientId: number, kind: 'read' | 'write', value: string | null, invokeMs: number, completeMs: number | undefined, outcome: RegisterOperation['outcome'] = 'ok', key = 'x'): RegisterOperation =>
  ({ clientId, kind, key, value, invokeMs, ...(completeMs === undefined ? {} : { completeMs }), outcome });

describe('checkLinearizable', () => {
  it('agrees with a brute-force search over orders on 3,000 small random histories', () => {
    const rng = new Rng(7, 1);
    let yes = 0;
    let no = 0;
    for (let t = 0; t < 3000; t++) {
      const h = randomHistory(rng, 2 + rng.int(6));
      const expected = oracle(h);
      const got = checkLinearizable(h);
      expect(got.ok, JSON.stringify(h)).toBe(expected);
      if (expected) yes++;
      else no++;
      if (!got.ok) {
        // The window is itself not linearizable, by the oracle.
        expect(oracle(got.counterexample!.operations)).toBe(false);
      }
    }
    // Both answers occur often enough for the agreement to mean something.
    expect(yes).toBeGreaterThan(300);
    expect(no).toBeGreaterThan(300);
  });

  it('rejects a stale read and names it, with the value the register must hold', () => {
    const h = [op(1, 'write', 'a', 0, 10), op(2, 'write', 'b', 20, 30), op(3, 'read', 'a', 40, 50), op(4, 'read', 'b', 41, 49)];
    const r = checkLinearizable(h);
    expect(r.ok).toBe(false);
    const cx = r.counterexample!;
    expect(cx.blocked).toBe(h[2]);
    expect(cx.possibleValues).toEqual(['b']);
    // The window: the two writes and the stale read; the correct read is not needed.
    expect(cx.operations).toEqual([h[0], h[1], h[2]]);
    expect(cx.message).toContain('returning "a"');
    expect(r.summary).toMatch(/^not linearizable/);
  });

  it('lets an unknown write take effect late, or never; a failed one never', () => {
    const late = [op(1, 'write', 'a', 0, undefined, 'unknown'), op(2, 'read', null, 5, 6), op(3, 'read', 'a', 100, 101)];
    expect(checkLinearizable(late).ok).toBe(true);
    const never = [op(1, 'write', 'a', 0, 3, 'unknown'), op(2, 'read', null, 100, 101)];
    expect(checkLinearizable(never).ok).toBe(true);
    const failed = [op(1, 'write', 'a', 0, 3, 'fail'), op(2, 'read', 'a', 100, 101)];
    expect(checkLinearizable(failed).ok).toBe(false);
    // A read cannot see an unknown write before it was invoked.
    const early = [op(2, 'read', 'a', 0, 1), op(1, 'write', 'a', 5, undefined, 'unknown')];
    expect(checkLinearizable(early).ok).toBe(false);
  });

  it('checks keys independently and reports the failing key', () => {
    const h = [op(1, 'write', '1', 0, 1, 'ok', 'a'), op(1, 'write', '2', 0, 1, 'ok', 'b'), op(2, 'read', '1', 5, 6, 'ok', 'b'), op(2, 'read', '1', 5, 6, 'ok', 'a')];
    const r = checkLinearizable(h);
    expect(r.keyCount).toBe(2);
    expect(r.counterexample?.key).toBe('b');
    expect(checkLinearizable(h, { initialValue: '1' }).ok).toBe(false);
  });

  it('checks a 5,000+ operation history of 8 concurrent clients on a Raft cluster with a leader crash; one stale read planted in it is found', () => {
    const c = new RaftCluster({ memberCount: 3, clientCount: 8, trace: false, seed: 11, networkLatency: 1, clientTimeoutMs: 300 });
    c.workload({ untilMs: 8000, keys: ['x'], thinkMs: 2 });
    c.sim.crash('n1', { atMs: 3000, restartAfterMs: 1500 });
    c.run({ untilMs: 9000 });
    const h = c.history;
    expect(h.length).toBeGreaterThanOrEqual(5000);
    // Concurrency: many operations overlap another client's.
    const overlapping = h.filter((a, i) => i > 0 && h[i - 1].completeMs !== undefined && h[i - 1].completeMs! > a.invokeMs).length;
    expect(overlapping).toBeGreaterThan(h.length / 4);
    expect(h.some((o) => o.outcome === 'unknown' && o.kind === 'write')).toBe(true);
    const r = checkLinearizable(h);
    expect(r.ok, r.summary).toBe(true);
    expect(r.operationCount).toBe(h.length);
    // Plant a stale read: a late read returns a value overwritten long before.
    const writes = h.filter((o) => o.kind === 'write' && o.outcome === 'ok');
    const old = writes[10];
    const reads = h.filter((o) => o.kind === 'read' && o.outcome === 'ok' && o.invokeMs > 7000);
    const planted = reads[0];
    const bad = h.map((o) => (o === planted ? { ...o, value: old.value } : o));
    const b = checkLinearizable(bad);
    expect(b.ok).toBe(false);
    expect(b.counterexample!.blocked.invokeMs).toBe(planted.invokeMs);
    expect(b.counterexample!.operations.length).toBeLessThan(20);
    expect(oracle(b.counterexample!.operations)).toBe(false);
  });

  it('names a bad operation and its field', () => {
    expect(() => checkLinearizable([{ clientId: 1, kind: 'write', key: 'x', value: 'a', invokeMs: 5, completeMs: 2, outcome: 'ok' }])).toThrow('invalid history[0].completeMs: 2 (expected a number of ms, at least invokeMs (5))');
    expect(() => checkLinearizable([{ clientId: 1, kind: 'cas' as never, key: 'x', value: 'a', invokeMs: 5, outcome: 'ok' }])).toThrow(`invalid history[0].kind: "cas" (expected 'read' or 'write')`);
    expect(() => checkLinearizable([], { initialValue: 3 as never })).toThrow('invalid initialValue: 3 (expected a string or null)');
  });
});
