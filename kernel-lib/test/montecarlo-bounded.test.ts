import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { DistlabHandlerError, MonteCarloInterrupted, MonteCarloRunError, monteCarlo, monteCarloAsync, simulation, summarize } from 'distlab';
import { Rng } from '../src/core/rng';
import { MetricAccumulator, QuantileHistogram, SAMPLES_EXACT_MAX, quantileSorted } from '../src/experiments/stats';

// A collection before each heap reading, so only what a run keeps counts, not its garbage.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

const lognormal = (rng: Rng) => Math.exp(0.2 + 1.3 * rng.normal());

describe('QuantileHistogram: bounded, deterministic percentiles', () => {
  it('every order statistic is within 1/256 of the exact one; p50/p90/p99 too', () => {
    const rng = new Rng(5, 0);
    const xs = Array.from({ length: 50_000 }, () => (rng.chance(0.1) ? -lognormal(rng) : lognormal(rng)));
    const h = new QuantileHistogram();
    for (const x of xs) h.add(x);
    const sorted = Float64Array.from(xs).sort();
    for (let k = 0; k < sorted.length; k += 97) {
      expect(Math.abs(h.orderStatistic(k) - sorted[k])).toBeLessThanOrEqual(Math.abs(sorted[k]) / 256);
    }
    for (const q of [0.5, 0.9, 0.99]) {
      const exact = quantileSorted(sorted, q);
      expect(Math.abs(h.quantile(q) - exact)).toBeLessThanOrEqual(Math.abs(exact) / 256);
    }
    // Spanning about 10 powers of two on each side: a few thousand buckets, not one per value.
    expect(h.buckets).toBeLessThan(8000);
  });

  it('exact for booleans, counts and integers below 512, zero and negative values', () => {
    const h = new QuantileHistogram();
    const xs: number[] = [];
    for (let i = 0; i < 10_000; i++) xs.push((i * 7919) % 511, 0, -3);
    for (const x of xs) h.add(x);
    const sorted = Float64Array.from(xs).sort();
    for (let k = 0; k < sorted.length; k += 13) expect(h.orderStatistic(k)).toBe(sorted[k]);
    expect(h.quantile(0.5)).toBe(quantileSorted(sorted, 0.5));
  });
});

describe('MetricAccumulator: exact up to SAMPLES_EXACT_MAX, bounded beyond', () => {
  it('below the cap its summary is summarize() of all samples, bit for bit', () => {
    const rng = new Rng(9, 0);
    const xs = Array.from({ length: 5000 }, () => lognormal(rng));
    const a = new MetricAccumulator(xs[0]);
    for (const x of xs) a.add(x);
    expect(a.isExact).toBe(true);
    expect(a.summary(0.95)).toEqual(summarize(xs));
    const bs = xs.map((x) => x > 1.5);
    const b = new MetricAccumulator(bs[0]);
    for (const x of bs) b.add(x);
    expect(b.summary(0.9)).toEqual(summarize(bs, { confidence: 0.9 }));
    expect(SAMPLES_EXACT_MAX).toBe(100_000);
  });

  it('past the cap: exact n, min, max; mean and std to 1e-12; percentiles within 0.4 %', () => {
    const rng = new Rng(11, 0);
    const xs = Array.from({ length: 20_000 }, () => 100 + lognormal(rng));
    const a = new MetricAccumulator(xs[0], 1000);
    for (const x of xs) a.add(x);
    expect(a.isExact).toBe(false);
    const got = a.summary(0.95);
    const exact = summarize(xs);
    expect(got.n).toBe(exact.n);
    expect(got.min).toBe(exact.min);
    expect(got.max).toBe(exact.max);
    expect(Math.abs(got.mean - exact.mean) / exact.mean).toBeLessThan(1e-12);
    expect(Math.abs(got.std - exact.std) / exact.std).toBeLessThan(1e-9);
    expect(Math.abs(got.ciHigh - exact.ciHigh)).toBeLessThan(1e-9);
    for (const p of ['p50', 'p90', 'p99'] as const) expect(Math.abs(got[p] - exact[p])).toBeLessThanOrEqual(exact[p] / 256);
  });
});

describe('monteCarlo: bounded seeds, bounded memory', () => {
  it('100,000,000 seeds are refused before any run, naming the bound', () => {
    let calls = 0;
    const run = () => (calls++, 1);
    expect(() => monteCarlo({ seeds: 100_000_000, run })).toThrow('invalid seeds: 100000000 (expected an integer 1..10000000)');
    expect(() => monteCarlo({ seeds: 2_000_000, grid: { p: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] }, run })).toThrow(
      'invalid seeds: 2000000 (expected an integer 1..1000000 at 10 grid points, 10000000 runs in all)'
    );
    const huge = { a: Array.from({ length: 1000 }, (_, i) => i), b: Array.from({ length: 1000 }, (_, i) => i), c: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] };
    expect(() => monteCarlo({ grid: huge, run })).toThrow('invalid grid: "11000000 points" (expected at most 10000000 points × seeds)');
    expect(calls).toBe(0);
  });

  it('2,000,000 runs keep a bounded memory: past 100,000 samples a metric is a histogram', () => {
    // Every sample kept would be 2,000,000 × 8 B = 16 MB per metric, and as much again for the seeds.
    const value = (seed: number) => Math.exp(Math.sin(seed) * 3);
    collectGarbage();
    const before = process.memoryUsage().heapUsed;
    const result = monteCarlo({ seeds: 2_000_000, run: ({ seed }) => ({ x: value(seed), up: seed % 4 !== 0, count: seed % 7 }) });
    collectGarbage();
    const grownMb = (process.memoryUsage().heapUsed - before) / 1e6;
    expect(result.runs).toBe(2_000_000);
    expect(grownMb).toBeLessThan(12);
    const sorted = Float64Array.from({ length: 2_000_000 }, (_, i) => value(i + 1)).sort();
    const x = result.row({}, 'x')!;
    for (const [p, q] of [['p50', 0.5], ['p90', 0.9], ['p99', 0.99]] as const) {
      expect(Math.abs(x[p] - quantileSorted(sorted, q))).toBeLessThanOrEqual(quantileSorted(sorted, q) / 256);
    }
    expect(x.min).toBe(sorted[0]);
    expect(x.max).toBe(sorted[sorted.length - 1]);
    expect(result.row({}, 'up')!.mean).toBe(0.75);
    expect(result.row({}, 'count')!.p50).toBe(3);
    expect(result.seeds.length).toBe(2_000_000);
    expect(result.seeds[1_999_999]).toBe(2_000_000);
  });

  it('a NaN metric names its seed', () => {
    expect(() => monteCarlo({ seeds: 10, run: ({ seed }) => (seed === 4 ? NaN : 1) })).toThrow('invalid metric value (seed=4): NaN (expected a number or a boolean)');
  });
});

describe('monteCarloAsync: the same result in steps, interruptible', () => {
  const quorum = ({ seed, params }: { seed: number; params: Record<string, any> }) => {
    const sim = simulation({ seed, trace: false });
    const replicas = ['r1', 'r2', 'r3'];
    sim.node('client', { state: () => ({ acks: 0 }), start(ctx) { for (const r of replicas) ctx.send(r, 'w'); }, onMessage(ctx) { ctx.state.acks++; } });
    sim.nodesOf(replicas, { onMessage(ctx, msg) { ctx.send(msg.from, 'ack'); } });
    for (const r of replicas) if (!sim.random.chance(params.p)) sim.crash(r);
    sim.run({ untilMs: 10 });
    return { ok: sim.stateOf('client').acks >= 2, rttMs: sim.timeMs };
  };

  it('gives exactly what monteCarlo gives', async () => {
    const options = { seeds: 3000, grid: { p: [0.5, 0.9] }, run: quorum };
    const sync = monteCarlo(options);
    const result = await monteCarloAsync({ ...options, progress: false });
    expect(result.rows).toEqual(sync.rows);
    expect(result.runs).toBe(6000);
  });

  it('rejects bad options like monteCarlo, and a run error keeps its message', async () => {
    await expect(monteCarloAsync({ seeds: 100_000_000, run: () => 1 })).rejects.toThrow('invalid seeds: 100000000 (expected an integer 1..10000000)');
    await expect(monteCarloAsync({ run: () => 1, progress: 'yes' } as never)).rejects.toThrow('invalid progress: "yes" (expected true or false)');
    await expect(monteCarloAsync({ run: () => 1, sed: 1 } as never)).rejects.toThrow(/unknown option in monteCarloAsync: sed/);
    await expect(monteCarloAsync({ seeds: 50, run: ({ seed }) => { if (seed === 30) throw new Error('boom'); return 1; } })).rejects.toThrow('boom');
  });

  it('an interrupt (SIGINT) between steps stops it with where it was, and the process goes on', async () => {
    const listeners = process.listenerCount('SIGINT');
    const pending = monteCarloAsync({ seeds: 10_000_000, run: () => 1, progress: false });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const sent = process.hrtime.bigint();
    process.emit('SIGINT', 'SIGINT');
    const error = await pending.catch((e) => e);
    const seconds = Number(process.hrtime.bigint() - sent) / 1e9;
    expect(error).toBeInstanceOf(MonteCarloInterrupted);
    expect(error.message).toMatch(/^Monte Carlo interrupted after [\d,]+ of 10,000,000 runs \(seed=\d+\)$/);
    expect(error.runsDone).toBeGreaterThan(0);
    expect(seconds).toBeLessThan(0.3);
    expect(process.listenerCount('SIGINT')).toBe(listeners);
  });

  it('fast runs step under a watchdog timer, never swapping the SIGINT handler (a signal in a swap is lost or fatal)', async () => {
    const removed: string[] = [];
    const onRemove = (event: string | symbol) => removed.push(String(event));
    process.on('removeListener', onRemove);
    try {
      const result = await monteCarloAsync({ seeds: 20_000, grid: { p: [0.9] }, run: quorum, progress: false });
      expect(result.runs).toBe(20_000);
    } finally {
      process.removeListener('removeListener', onRemove);
    }
    // Only its own listener goes, at the end; breakOnSigint would take them all off at every step.
    expect(removed.filter((event) => event === 'SIGINT')).toHaveLength(1);
  });

  it('a run slower than the watchdog is made again from its start where an interrupt can stop it, and counts once', async () => {
    const calls: number[] = [];
    const slow = ({ seed }: { seed: number }) => {
      calls.push(seed);
      const until = performance.now() + 160;
      while (performance.now() < until);
      return seed;
    };
    const sync = monteCarlo({ seeds: 3, run: slow });
    calls.length = 0;
    const result = await monteCarloAsync({ seeds: 3, run: slow, progress: false });
    expect(result.rows).toEqual(sync.rows);
    expect(result.rows[0]).toMatchObject({ n: 3, mean: 2 });
    // The first run, stopped by the watchdog, is made once more; the later ones run without it.
    expect(calls).toEqual([1, 1, 2, 3]);
  });
});

describe('a run that throws stops the experiment at once, with its seed and grid point', () => {
  const failing = () => {
    const calls: string[] = [];
    const options = {
      seeds: 100,
      grid: { p: [1, 2, 3] },
      run: ({ seed, params }: { seed: number; params: Record<string, any> }) => {
        calls.push(`${params.p}/${seed}`);
        if (params.p === 2 && seed === 30) throw new RangeError('boom');
        return seed;
      }
    };
    return { calls, options };
  };

  it('monteCarlo: no run after the failing one, and the message names seed and params', () => {
    const { calls, options } = failing();
    let error: any;
    try {
      monteCarlo(options);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(MonteCarloRunError);
    expect(error.message).toBe('Monte Carlo run failed at grid point {"p":2}: RangeError: boom (seed=30)');
    expect([error.seed, error.params]).toEqual([30, { p: 2 }]);
    expect(error.cause).toBeInstanceOf(RangeError);
    expect(error.stack.split('\n')[1]).toContain('montecarlo-bounded.test.ts');
    expect(calls.length).toBe(100 + 30);
    expect(calls.at(-1)).toBe('2/30');
  });

  it('monteCarloAsync rejects the same way', async () => {
    const { calls, options } = failing();
    await expect(monteCarloAsync({ ...options, progress: false })).rejects.toThrow('Monte Carlo run failed at grid point {"p":2}: RangeError: boom (seed=30)');
    expect(calls.length).toBe(130);
  });

  it('a simulation error keeps its own seed once, and a NaN metric fails at its run with its grid point', () => {
    let error: any;
    try {
      monteCarlo({
        seeds: 5,
        run: ({ seed }) => {
          const sim = simulation({ seed });
          sim.node('a', { start() { if (seed === 3) throw new Error('boom'); } });
          return sim.run().events;
        }
      });
    } catch (caught) {
      error = caught;
    }
    expect(error.message).toBe('Monte Carlo run failed: DistlabHandlerError: node a in start threw at t=0 ms: Error: boom (seed=3)');
    expect(error.cause).toBeInstanceOf(DistlabHandlerError);
    const calls: number[] = [];
    expect(() => monteCarlo({ seeds: 10, grid: { p: [0.5, 0.9] }, run: ({ seed, params }) => (calls.push(seed), params.p === 0.9 && seed === 4 ? { x: NaN } : { x: 1 }) })).toThrow(
      'invalid metric x (seed=4): NaN (expected a number or a boolean, at grid point {"p":0.9})'
    );
    expect(calls.length).toBe(10 + 4);
  });
});
