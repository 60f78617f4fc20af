import { describe, expect, it } from 'vitest';
import {
  checkConvergence,
  checkHappenedBefore,
  checkOneLeaderPerTerm,
  checkSeeds,
  monteCarlo,
  simulation,
  summarize
} from 'distlab';
import { normalQuantile } from '../src/experiments/stats';
import { trace } from '../src/trace/recorder';

/** Two nodes that each elect themselves in term 1 when they cannot hear each other. */
function naiveElection(seed: number, partitioned: boolean) {
  const sim = simulation({ seed, network: { latency: 'same-datacenter' } });
  sim.nodesOf(['a', 'b'], {
    state: () => ({ heardOther: false }),
    start: (ctx) => {
      ctx.broadcast('hello');
      ctx.setTimer('elect', 5 + ctx.random());
    },
    onMessage: (ctx) => (ctx.state.heardOther = true),
    onTimer: (ctx) => {
      if (!ctx.state.heardOther || ctx.node === 'a') ctx.log('leader', { term: 1 });
    }
  });
  if (partitioned) sim.partition(['a'], ['b']);
  sim.run({ untilMs: 100 });
  return sim;
}

describe('checkers', () => {
  it('happened-before: a real trace passes, a tampered one gives a counterexample', () => {
    const sim = naiveElection(3, false);
    expect(checkHappenedBefore(sim.trace)).toMatchObject({ ok: true, seed: 3 });
    const events = sim.trace.events().map((e) => ({ ...e, vector: { ...e.vector } }));
    const deliver = events.find((e) => e.type === 'deliver')!;
    deliver.lamport = 1;
    const result = checkHappenedBefore(events, { seed: 3 });
    expect(result.ok).toBe(false);
    expect(result.summary).toMatch(/^FAILED happened-before: .*\(seed=3\)$/);
    expect(result.counterexample!.events.map((e) => e.seq)).toContain(deliver.seq);
  });

  it('happened-before: a deliver without its send is caught', () => {
    const t = trace(9);
    t.record({ timeMs: 1, node: 'b', type: 'deliver', msgId: 5, peer: 'a', label: 'x' });
    const result = checkHappenedBefore(t);
    expect(result.counterexample?.message).toBe('deliver of message #5 at b without an earlier send');
    expect(result.seed).toBe(9);
  });

  it('one leader per term: the split brain is the counterexample', () => {
    expect(checkOneLeaderPerTerm(naiveElection(1, false).trace).ok).toBe(true);
    const result = checkOneLeaderPerTerm(naiveElection(1, true).trace);
    expect(result.ok).toBe(false);
    expect(result.counterexample!.message).toMatch(/^(a and b|b and a) are both leader in term 1$/);
    expect(result.counterexample!.events.map((e) => e.node).sort()).toEqual(['a', 'b']);
    expect(result.counterexample!.events.every((e) => e.label === 'leader')).toBe(true);
    expect(result.seed).toBe(1);
  });

  it('convergence: divergent replicas name the two values', () => {
    const sim = simulation({ seed: 12, network: { latency: 1, dropProbability: 0.5 } });
    sim.nodesOf(['r1', 'r2', 'r3'], {
      state: () => ({ value: 0 }),
      start: (ctx) => {
        if (ctx.node === 'r1') {
          ctx.state.value = 7;
          ctx.broadcast('set', 7);
        }
      },
      onMessage: (ctx, msg) => (ctx.state.value = msg.body)
    });
    sim.run();
    const result = checkConvergence(sim, { valueOf: (s) => s.value });
    expect(result.ok).toBe(false);
    expect(result.counterexample!.values).toBeDefined();
    expect(result.seed).toBe(12);
    expect(checkConvergence({ x: { a: 1, b: 2 }, y: { b: 2, a: 1 } }).ok).toBe(true);
  });

  it('checkSeeds returns the first seed that fails, and it replays', () => {
    // With 30% loss the hello is lost in some runs and both elect themselves.
    const check = (seed: number) => {
      const sim = simulation({ seed, network: { latency: 1, dropProbability: 0.3 } });
      sim.nodesOf(['a', 'b'], {
        state: () => ({ heard: false }),
        start: (ctx) => {
          ctx.broadcast('hello');
          ctx.setTimer('elect', 5);
        },
        onMessage: (ctx) => (ctx.state.heard = true),
        onTimer: (ctx) => {
          if (!ctx.state.heard || ctx.node === 'a') ctx.log('leader', { term: 1 });
        }
      });
      sim.run();
      return checkOneLeaderPerTerm(sim.trace);
    };
    const result = checkSeeds({ seeds: 50 }, check);
    expect(result.ok).toBe(false);
    expect(check(result.seed).ok).toBe(false);
    for (let s = 1; s < result.seed; s++) expect(check(s).ok).toBe(true);
  });
});

describe('Monte Carlo', () => {
  it('availability of a majority of 5 replicas, each up with p = 0.7, matches the binomial 0.83692', () => {
    const replicas = ['r1', 'r2', 'r3', 'r4', 'r5'];
    const result = monteCarlo({
      seeds: 4000,
      grid: { upProbability: [0.7, 1] },
      run: ({ seed, params, trace }) => {
        const sim = simulation({ seed, trace, network: { latency: 'same-datacenter' } });
        sim.node('client', {
          state: () => ({ acks: 0 }),
          start: (ctx) => replicas.forEach((r) => ctx.send(r, 'write', 1)),
          onMessage: (ctx) => ctx.state.acks++
        });
        sim.nodesOf(replicas, { onMessage: (ctx, msg) => ctx.send(msg.from, 'ack') });
        for (const r of replicas) if (!sim.random.chance(params.upProbability)) sim.crash(r);
        sim.run({ untilMs: 100 });
        return { available: sim.stateOf('client').acks >= 3, acks: sim.stateOf('client').acks };
      }
    });
    expect(result.runs).toBe(8000);
    const row = result.row({ upProbability: 0.7 }, 'available')!;
    const exact = 10 * 0.7 ** 3 * 0.3 ** 2 + 5 * 0.7 ** 4 * 0.3 + 0.7 ** 5;
    expect(exact).toBeCloseTo(0.83692, 5);
    const sd = Math.sqrt((exact * (1 - exact)) / 4000);
    expect(Math.abs(row.mean - exact)).toBeLessThan(4 * sd);
    expect(row.ciLow).toBeLessThan(exact);
    expect(row.ciHigh).toBeGreaterThan(exact);
    expect(row.kind).toBe('proportion');
    expect(result.row({ upProbability: 0.7 }, 'acks')!.mean).toBeCloseTo(3.5, 1);
    expect(result.row({ upProbability: 1 }, 'available')!.mean).toBe(1);
    expect(result.records()[0]).toMatchObject({ upProbability: 0.7, metric: 'available' });
  });

  it('summaries: known mean, sd, percentiles and a 95% interval of ±1.96 s/√n', () => {
    const s = summarize([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(s.mean).toBe(5.5);
    expect(s.std).toBeCloseTo(3.02765, 5);
    expect(s.p50).toBe(5.5);
    expect(s.p90).toBeCloseTo(9.1, 10);
    expect(s.ciHigh - s.mean).toBeCloseTo((1.959964 * 3.02765) / Math.sqrt(10), 4);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 6);
    const wilson = summarize([true, true, true, false]);
    expect(wilson.mean).toBe(0.75);
    expect(wilson.ciLow).toBeCloseTo(0.3006, 3);
    expect(wilson.ciHigh).toBeCloseTo(0.9544, 3);
  });

  it('sampled tracing traces one run in traceEvery; bad options are rejected', () => {
    const traced: boolean[] = [];
    monteCarlo({ seeds: 10, traceEvery: 5, run: (t) => (traced.push(t.trace), 1) });
    expect(traced).toEqual([true, false, false, false, false, true, false, false, false, false]);
    expect(() => monteCarlo({ seeds: 0, run: () => 1 })).toThrow('invalid seeds: 0 (expected an integer 1..10000000)');
    expect(() => monteCarlo({ run: () => 1, grid: { x: [] } })).toThrow('invalid grid.x: [] (expected a non-empty array of values)');
    expect(() => monteCarlo({ run: () => 1, sed: 3 } as never)).toThrow(/unknown option in monteCarlo: sed/);
  });
});

describe('trace', () => {
  const sim = naiveElection(2, false);

  it('answers queries by node, type, label and time window', () => {
    const t = sim.trace;
    expect(t.byNode('a').every((e) => e.node === 'a')).toBe(true);
    expect(t.ofType('send').length).toBe(2);
    expect(t.ofType('send', 'deliver').length).toBe(4);
    expect(t.withLabel('leader').map((e) => e.node)).toEqual(['a']);
    const window = t.between(0, 1);
    expect(window.every((e) => e.timeMs >= 0 && e.timeMs < 1)).toBe(true);
    // Sends happen at 0; same-datacenter deliveries take ~0.25 ms; election timers fire after 5 ms.
    expect(window.map((e) => e.type).sort()).toEqual(['deliver', 'deliver', 'send', 'send']);
    expect(t.between(1, Infinity).length + window.length).toBe(t.length);
    expect(t.counts().send).toBe(2);
    expect(() => t.byNode('zz')).toThrow('unknown node: zz');
    expect(() => t.ofType('sned' as never)).toThrow(/invalid type: "sned"/);
  });

  it('exports JSON lines that parse back to the events', () => {
    const lines = sim.trace.toJsonLines().trimEnd().split('\n');
    expect(lines.map((l) => JSON.parse(l))).toEqual(sim.trace.events());
  });

  it('exports a ShiViz log: regex line, blank line, then host-vector and event lines', () => {
    const text = sim.trace.toShiViz();
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toBe('(?<host>\\S*) (?<clock>{.*})\\n(?<event>.*)');
    expect(lines[1]).toBe('');
    const regex = /^(?<host>\S*) (?<clock>\{.*\})\n(?<event>.*)$/;
    const pairs = lines.slice(2);
    expect(pairs.length).toBe(2 * sim.trace.length);
    for (let i = 0; i < pairs.length; i += 2) {
      const match = regex.exec(`${pairs[i]}\n${pairs[i + 1]}`);
      expect(match).not.toBeNull();
      const clock = JSON.parse(match!.groups!.clock);
      expect(clock[match!.groups!.host]).toBeGreaterThan(0);
    }
    expect(text).toContain('a {"a":1}\nt=0ms send hello to b #1');
  });
});
