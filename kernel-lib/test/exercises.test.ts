import { describe, expect, it } from 'vitest';
import * as dl from 'distlab';
import { MIME_CHECK } from '../src/exercises/exercise';

const lamportRight = (local: number, message: number) => Math.max(local, message) + 1;

describe('exercise checks', () => {
  it('pass a correct Lamport receive rule and fail common wrong ones with a seed and a diagram', () => {
    const right = dl.gradeExercise('lamport-receive', lamportRight);
    expect(right.passed).toBe(true);
    expect(right.result.runs).toBe(200);
    for (const wrong of [(l: number, m: number) => m + 1, (l: number, m: number) => Math.max(l, m), (l: number) => l + 1]) {
      const result = dl.gradeExercise('lamport-receive', wrong);
      expect(result.passed).toBe(false);
      expect(result.seed).toBeGreaterThan(0);
      const bundle = result.toMimeBundle();
      expect(bundle.data['image/svg+xml']).toMatch(/^<svg/);
      expect(bundle.data[MIME_CHECK]).toMatchObject({ version: 1, exercise: 'lamport-receive', passed: false, failure: 'wrong' });
      // Replaying the printed seed fails the same way.
      const replay = dl.gradeExercise('lamport-receive', wrong, { seed: result.seed as number });
      expect(replay.message).toBe(result.message);
    }
  });

  it('G-Counter: the module question (1000 on A + 500 on B = 1500) catches a max-of-totals merge', () => {
    const maxTotal = (a: Record<string, number>, b: Record<string, number>) => {
      const sum = (s: Record<string, number>) => Object.values(s).reduce((x, y) => x + y, 0);
      return sum(a) >= sum(b) ? a : b;
    };
    const result = dl.gradeExercise('g-counter-merge', maxTotal);
    expect(result.passed).toBe(false);
    expect(result.seed).toBe(1);
    expect(result.message).toContain('1000 on A + 500 on B = 1500');
    const addAll = (a: Record<string, number>, b: Record<string, number>) => {
      const out = { ...a };
      for (const [k, v] of Object.entries(b)) out[k] = (out[k] ?? 0) + v;
      return out;
    };
    expect(dl.gradeExercise('g-counter-merge', addAll).passed).toBe(false);
    const pointwiseMax = (a: Record<string, number>, b: Record<string, number>) => {
      const out = { ...a };
      for (const [k, v] of Object.entries(b)) out[k] = Math.max(out[k] ?? 0, v);
      return out;
    };
    expect(dl.gradeExercise('g-counter-merge', pointwiseMax).passed).toBe(true);
  });

  it('idempotent transfer: applying every copy fails, remembering request ids passes', () => {
    const naive: dl.TransferHandler = (state, r) => {
      state.balances[r.from] -= r.amount;
      state.balances[r.to] += r.amount;
      return state;
    };
    const naiveResult = dl.gradeExercise('idempotent-transfer', naive);
    expect(naiveResult.passed).toBe(false);
    expect(naiveResult.message).toMatch(/applied once/);
    const idempotent: dl.TransferHandler = (state, r) => {
      if (state.processed[r.requestId]) return state;
      state.processed[r.requestId] = true;
      return naive(state, r);
    };
    expect(dl.gradeExercise('idempotent-transfer', idempotent).passed).toBe(true);
  });

  it('quorum size: majority passes; n/2 gives disjoint quorums; n gives no availability', () => {
    expect(dl.gradeExercise('quorum-size', (n) => Math.floor(n / 2) + 1).passed).toBe(true);
    const half = dl.gradeExercise('quorum-size', (n) => Math.floor(n / 2));
    expect(half.passed).toBe(false);
    expect(half.message).toMatch(/no replica in common/);
    const all = dl.gradeExercise('quorum-size', (n) => n);
    expect(all.passed).toBe(false);
    expect(all.message).toMatch(/crashing 1/);
  });

  it('a hanging function times out; a throwing one is reported; a non-function is an input error', () => {
    const hang = dl.gradeExercise('quorum-size', () => {
      for (;;) {
        // never returns
      }
    }, { callTimeoutMs: 100 });
    expect(hang.passed).toBe(false);
    expect(hang.result.failure).toBe('timeout');
    expect(hang.message).toMatch(/did not return within 100 ms/);
    const threw = dl.gradeExercise('quorum-size', () => {
      throw new Error('boom');
    });
    expect(threw.result.failure).toBe('threw');
    expect(threw.message).toContain('boom');
    expect(() => dl.gradeExercise('quorum-size', 3 as never)).toThrow(/invalid function for quorum-size/);
    expect(() => dl.gradeExercise('nope' as never, (() => 0) as never)).toThrow(/unknown exercise: "nope"/);
    expect(() => dl.gradeExercise('quorum-size', (n) => n, { seeds: 0 })).toThrow('invalid seeds: 0 (expected an integer 1..100000)');
  });
});
