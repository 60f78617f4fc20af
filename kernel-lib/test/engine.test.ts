import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DistlabInputError,
  DistlabLimitError,
  empiricalLatency,
  exponentialLatency,
  lognormalLatency,
  normalLatency,
  rng,
  simulation,
  Simulation,
  summarize
} from 'distlab';
import { EventQueue } from '../src/engine/queue';
import { latencyPreset } from '../src/world/net/latency';

/** A small gossip protocol with timers, loss and drift: enough to exercise every random stream. */
function gossip(seed: number): Simulation {
  const sim = simulation({ seed, network: { latency: 'cross-country', dropProbability: 0.05 }, clocks: { offsetMsMax: 5, driftPpmMax: 100 } });
  sim.nodesOf(['a', 'b', 'c', 'd'], {
    state: () => ({ heard: 0 }),
    start(ctx) {
      ctx.setTimer('gossip', 10 * ctx.random());
    },
    onTimer(ctx) {
      ctx.send(ctx.peers[Math.floor(ctx.random() * ctx.peers.length)], 'rumor', { from: ctx.node });
      ctx.setTimer('gossip', 20);
    },
    onMessage(ctx) {
      ctx.state.heard++;
    }
  });
  sim.partition(['a'], undefined, { atMs: 100, untilMs: 200 });
  sim.run({ untilMs: 500 });
  return sim;
}

const sha = (text: string) => createHash('sha256').update(text).digest('hex');

describe('determinism', () => {
  it('one seed gives the same trace byte for byte; another seed a different one', () => {
    const first = sha(gossip(42).trace.toJsonLines());
    const again = sha(gossip(42).trace.toJsonLines());
    const other = sha(gossip(43).trace.toJsonLines());
    expect(again).toBe(first);
    expect(other).not.toBe(first);
    expect(gossip(42).trace.length).toBeGreaterThan(100);
  });

  it('tracing off does not change what happens', () => {
    const build = (trace: boolean) => {
      const sim = simulation({ seed: 9, trace, network: { latency: lognormalLatency({ medianMs: 1 }), dropProbability: 0.2 } });
      sim.nodesOf(['a', 'b'], {
        state: () => ({ got: [] as number[] }),
        start(ctx) {
          for (let i = 0; i < 50; i++) ctx.send(ctx.peers[0], 'n', i);
        },
        onMessage(ctx, msg) {
          ctx.state.got.push(msg.body);
        }
      });
      sim.run();
      return sim;
    };
    const on = build(true);
    const off = build(false);
    expect(off.stateOf('a')).toEqual(on.stateOf('a'));
    expect(off.stats.delivered).toBe(on.stats.delivered);
    expect(off.trace.length).toBe(0);
  });

  it('ties in virtual time keep scheduling order', () => {
    const sim = simulation({ seed: 1, network: { latency: 0 } });
    const order: string[] = [];
    sim.node('a', {
      start(ctx) {
        for (const name of ['t1', 't2', 't3']) ctx.setTimer(name, 5);
      },
      onTimer(_ctx, name) {
        order.push(name);
      }
    });
    sim.at(5, () => order.push('control'));
    sim.run();
    // The control event was scheduled before the run, the timers at start: all at t = 5.
    expect(order).toEqual(['control', 't1', 't2', 't3']);
  });

  it('the event queue pops in (time, insertion) order (fast-check)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 300 }), (times) => {
        const queue = new EventQueue(4);
        times.forEach((t, i) => queue.push(t, 0, i, 0, undefined));
        const popped: Array<[number, number]> = [];
        while (queue.size > 0) {
          queue.pop();
          popped.push([queue.time, queue.node]);
        }
        const expected = times.map((t, i) => [t, i] as [number, number]).sort((x, y) => x[0] - y[0] || x[1] - y[1]);
        expect(popped).toEqual(expected);
      })
    );
  });

  it('the generator is seeded, uniform and independent per stream', () => {
    const a = rng(7);
    const b = rng(7);
    const xs = Array.from({ length: 10_000 }, () => a.next());
    expect(Array.from({ length: 10_000 }, () => b.next())).toEqual(xs);
    expect(rng(7, 1).next()).not.toBe(rng(7, 0).next());
    const s = summarize(xs);
    expect(s.mean).toBeCloseTo(0.5, 1);
    expect(s.std).toBeCloseTo(Math.sqrt(1 / 12), 2);
    expect(s.min).toBeGreaterThanOrEqual(0);
    expect(s.max).toBeLessThan(1);
  });
});

describe('bounds', () => {
  it('a livelock hits eventsMax and the error carries the seed', () => {
    const sim = simulation({ seed: 77 });
    sim.node('a', { start: (ctx) => ctx.setTimer('spin', 0), onTimer: (ctx) => ctx.setTimer('spin', 0) });
    let error: unknown;
    try {
      sim.run({ eventsMax: 1000 });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DistlabLimitError);
    expect((error as DistlabLimitError).seed).toBe(77);
    expect((error as Error).message).toMatch(/^eventsMax exceeded: 1000 events by t=0 ms.*\(seed=77\)$/);
  });

  it('untilMs is a horizon: the run stops there and can continue', () => {
    const sim = simulation({ seed: 1 });
    let ticks = 0;
    sim.node('a', { start: (ctx) => ctx.setTimer('tick', 10), onTimer: (ctx) => (ticks++, ctx.setTimer('tick', 10)) });
    expect(sim.run({ untilMs: 95 })).toEqual({ timeMs: 95, events: 10, stoppedBy: 'untilMs' });
    expect(ticks).toBe(9);
    sim.run({ untilMs: 200 });
    expect(ticks).toBe(20);
    const stopped = sim.run({ untilMs: 1000, stopWhen: () => ticks >= 25 });
    expect(stopped.stoppedBy).toBe('stopWhen');
    expect(stopped.timeMs).toBe(250);
  });
});

describe('bad input', () => {
  it('names the parameter, the value and the range', () => {
    expect(() => simulation({ network: { dropProbability: 1.5 } })).toThrow('invalid dropProbability: 1.5 (expected 0..1)');
    expect(() => simulation({ seed: -1 })).toThrow('invalid seed: -1 (expected an integer 0..9007199254740991)');
    expect(() => simulation({ network: { latency: 'moon' as never } })).toThrow(/invalid latency: "moon" \(expected one of same-datacenter, cross-country, cross-ocean\)/);
    expect(() => lognormalLatency({ medianMs: 0 })).toThrow(/invalid medianMs: 0/);
    expect(() => empiricalLatency([[50, 3], [90, 1]])).toThrow('invalid p90: 1 (expected >= p50 = 3 ms)');
    const sim = simulation().node('a').node('b');
    expect(() => sim.run({ untilMs: -5 })).toThrow('invalid untilMs: -5 (expected a number >= 0 ms)');
    expect(() => sim.partition(['a', 'zz'])).toThrow('unknown node: zz (expected one of a, b)');
    expect(() => sim.pause('a', { durationMs: -1 })).toThrow('invalid durationMs: -1 (expected a number >= 0 ms)');
    expect(() => sim.node('a')).toThrow('duplicate node: a');
  });

  it('rejects unknown option keys', () => {
    expect(() => simulation({ sed: 1 } as never)).toThrow(/unknown option in simulation: sed \(expected one of seed, network, trace, clocks\)/);
    expect(() => simulation({ network: { loss: 0.1 } as never })).toThrow(/unknown option in network: loss/);
    expect(() => simulation().node('a', { onMesage() {} } as never)).toThrow(/unknown option in node a: onMesage/);
    expect(() => simulation().node('a').run({ until: 5 } as never)).toThrow(/unknown option in run: until/);
  });

  it('errors are DistlabInputError and leave the simulation usable', () => {
    const sim = simulation({ seed: 3 }).node('a', { start: (ctx) => ctx.send('b', 'x') }).node('b');
    expect(() => sim.crash('c')).toThrow(DistlabInputError);
    expect(sim.run().stoppedBy).toBe('idle');
    expect(sim.stats.delivered).toBe(1);
  });

  it('a send to an unknown node fails inside the run, naming it', () => {
    const sim = simulation().node('a', { start: (ctx) => ctx.send('nobody', 'x') });
    expect(() => sim.run()).toThrow('unknown node: nobody (send from a)');
  });
});

describe('latency distributions', () => {
  const draws = (make: () => { sampleMs(r: ReturnType<typeof rng>): number }, n = 20_000) => {
    const r = rng(5);
    const d = make();
    return summarize(Array.from({ length: n }, () => d.sampleMs(r)));
  };
  it('have the medians, means and percentiles they promise', () => {
    expect(draws(() => lognormalLatency({ medianMs: 10, sigma: 0.5 })).p50).toBeCloseTo(10, 0);
    const tail = draws(() => lognormalLatency({ medianMs: 10, p99Ms: 50 }));
    expect(tail.p99 / 50).toBeGreaterThan(0.9);
    expect(tail.p99 / 50).toBeLessThan(1.1);
    expect(draws(() => exponentialLatency({ meanMs: 5, minMs: 1 })).mean).toBeCloseTo(5, 0);
    const normal = draws(() => normalLatency({ meanMs: 20, stdMs: 2 }));
    expect(normal.mean).toBeCloseTo(20, 0);
    expect(normal.std).toBeCloseTo(2, 0);
    const empirical = draws(() => empiricalLatency([[0, 1], [50, 2], [90, 10], [100, 20]]));
    expect(empirical.p50).toBeCloseTo(2, 0);
    expect(empirical.p90).toBeCloseTo(10, 0);
    expect(empirical.max).toBeLessThanOrEqual(20);
  });

  it('presets give the course round trips (0.5 ms, 30 ms, 100 ms) as a ping-pong', () => {
    for (const [preset, rttMs] of [['same-datacenter', 0.5], ['cross-country', 30], ['cross-ocean', 100]] as const) {
      const sim = simulation({ seed: 11, network: { latency: preset } });
      const rtts: number[] = [];
      sim.node('client', {
        start: (ctx) => ctx.setTimer('ping', 0),
        onTimer: (ctx) => ctx.send('server', 'ping', ctx.timeMs),
        onMessage: (ctx, msg) => {
          rtts.push(ctx.timeMs - msg.body);
          if (rtts.length < 2000) ctx.send('server', 'ping', ctx.timeMs);
        }
      });
      sim.node('server', { onMessage: (ctx, msg) => ctx.send(msg.from, 'pong', msg.body) });
      sim.run();
      expect(summarize(rtts).p50 / rttMs).toBeGreaterThan(0.95);
      expect(summarize(rtts).p50 / rttMs).toBeLessThan(1.05);
      expect(latencyPreset(preset).medianMs).toBe(rttMs / 2);
    }
  });
});
