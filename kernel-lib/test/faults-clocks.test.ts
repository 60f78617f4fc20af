import { describe, expect, it } from 'vitest';
import { clockOffsetChart, compareHlc, hybridClock, lamportClock, physicalClock, rng, simulation, summarize, vectorClock } from 'distlab';
import { PhysicalClock } from '../src/world/clocks/physical';

describe('faults', () => {
  const echo = () =>
    simulation({ seed: 4, network: { latency: 1 } })
      .node('a', {
        state: () => ({ replies: 0 }),
        start: (ctx) => ctx.setTimer('ping', 0),
        onTimer: (ctx) => {
          ctx.send('b', 'ping');
          ctx.setTimer('ping', 10);
        },
        onMessage: (ctx) => ctx.state.replies++
      })
      .node('b', {
        state: () => ({ seen: 0 }),
        durable: () => ({ seenEver: 0 }),
        onMessage: (ctx, msg) => {
          ctx.state.seen++;
          ctx.durable.seenEver++;
          ctx.send(msg.from, 'pong');
        }
      });

  it('a crashed node receives nothing; messages to it are dropped as crashed', () => {
    const sim = echo().crash('b', { atMs: 50 });
    sim.run({ untilMs: 100 });
    expect(sim.isUp('b')).toBe(false);
    const drops = sim.trace.ofType('drop');
    expect(drops.length).toBeGreaterThan(3);
    expect(drops.every((d) => d.reason === 'crashed' && d.node === 'b' && d.timeMs > 50)).toBe(true);
    expect(sim.trace.byNode('b').filter((e) => e.type === 'deliver').every((e) => e.timeMs < 50)).toBe(true);
  });

  it('crash-restart keeps durable state by default and wipes it with keepDurable: false', () => {
    const kept = echo().crash('b', { atMs: 45, restartAfterMs: 20 });
    kept.run({ untilMs: 100 });
    // Up again at 65: the pings sent at 70, 80, 90 arrive at 71, 81, 91 (the one of 100 is past the horizon).
    expect(kept.stateOf('b').seen).toBe(3);
    expect(kept.durableOf('b').seenEver).toBe(kept.stateOf('b').seen + 5);
    const wiped = echo().crash('b', { atMs: 45, restartAfterMs: 20, keepDurable: false });
    wiped.run({ untilMs: 100 });
    expect(wiped.durableOf('b').seenEver).toBe(wiped.stateOf('b').seen);
    expect(wiped.trace.ofType('restart')[0].data).toEqual({ keepDurable: false });
  });

  it('a crash cancels the node’s timers; a restart calls start again', () => {
    const sim = echo().crash('a', { atMs: 25, restartAfterMs: 50 });
    sim.run({ untilMs: 100 });
    const timers = sim.trace.byNode('a').filter((e) => e.type === 'timer').map((e) => e.timeMs);
    expect(timers).toEqual([0, 10, 20, 75, 85, 95]);
  });

  it('a paused node handles nothing during the pause, then catches up in order', () => {
    const sim = echo().pause('b', { atMs: 15, durationMs: 30 });
    sim.run({ untilMs: 60 });
    const delivers = sim.trace.byNode('b').filter((e) => e.type === 'deliver');
    expect(delivers.some((e) => e.timeMs > 15 && e.timeMs < 45)).toBe(false);
    expect(delivers.filter((e) => e.timeMs === 45).map((e) => e.msgId)).toEqual([...delivers.filter((e) => e.timeMs === 45).map((e) => e.msgId)].sort((x, y) => x! - y!));
    expect(delivers.filter((e) => e.timeMs === 45).length).toBe(3); // pings of 20, 30, 40
    expect(sim.trace.ofType('resume').map((e) => e.timeMs)).toEqual([45]);
  });

  it('a slow node adds its delay to every message in and out', () => {
    const sim = echo().slow('b', { extraDelayMs: 7, atMs: 0 });
    sim.run({ untilMs: 50 });
    const first = sim.trace.byNode('b').find((e) => e.type === 'deliver')!;
    expect(first.timeMs).toBe(8);
    const reply = sim.trace.byNode('a').find((e) => e.type === 'deliver')!;
    expect(reply.timeMs).toBe(16);
  });

  it('a byzantine node can equivocate: different peers hear different values', () => {
    const sim = simulation({ seed: 2, network: { latency: 1 } });
    sim.nodesOf(['g1', 'g2', 'g3'], {
      state: () => ({ heard: null as string | null }),
      start: (ctx) => {
        if (ctx.node === 'g1') ctx.broadcast('order', 'attack');
      },
      onMessage: (ctx, msg) => (ctx.state.heard = msg.body)
    });
    sim.byzantine('g1', (m) => [{ ...m, body: m.to === 'g2' ? 'attack' : 'retreat' }]);
    sim.run();
    expect(sim.stateOf('g2').heard).toBe('attack');
    expect(sim.stateOf('g3').heard).toBe('retreat');
  });

  it('per-link overrides and FIFO links', () => {
    const sim = simulation({ seed: 3, network: { latency: 1 } });
    const arrivals: number[] = [];
    sim.node('a', { start: (ctx) => { for (let i = 0; i < 200; i++) ctx.send('b', 'n', i); } });
    sim.node('b', { onMessage: (_ctx, msg) => arrivals.push(msg.body) });
    sim.node('c');
    sim.link('a', 'b', { latency: { kind: 'x', medianMs: 5, description: 'wild', sampleMs: (r) => 10 * r.next() }, fifo: true, oneWay: true });
    sim.run();
    expect(arrivals).toEqual(arrivals.slice().sort((x, y) => x - y));
    const delays = sim.trace.ofType('deliver').map((e) => e.timeMs);
    expect(Math.max(...delays)).toBeGreaterThan(5);
  });

  it('loss is a binomial: 20,000 sends at 10% loss lose about 2,000', () => {
    const sim = simulation({ seed: 8, trace: false, network: { dropProbability: 0.1 } });
    sim.node('a', { start: (ctx) => { for (let i = 0; i < 20_000; i++) ctx.send('b', 'x'); } }).node('b');
    sim.run();
    // sd = sqrt(20000 * 0.1 * 0.9) ≈ 42; allow 4 sd.
    expect(Math.abs(sim.stats.dropped - 2000)).toBeLessThan(170);
    expect(sim.stats.delivered + sim.stats.dropped).toBe(20_000);
  });

  it('reordering holds back a share of messages', () => {
    const sim = simulation({ seed: 8, network: { latency: 1, reorderProbability: 0.2, reorderDelayMs: 5 } });
    const arrivals: number[] = [];
    sim.node('a', { start: (ctx) => { for (let i = 0; i < 1000; i++) ctx.send('b', 'n', i); } });
    sim.node('b', { onMessage: (_ctx, msg) => arrivals.push(msg.body) });
    sim.run();
    const late = sim.trace.ofType('deliver').filter((e) => e.timeMs === 6).length;
    expect(late).toBeGreaterThan(150);
    expect(late).toBeLessThan(250);
    expect(arrivals).not.toEqual(arrivals.slice().sort((x, y) => x - y));
    expect(arrivals.slice().sort((x, y) => x - y)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
  });

  it('split cuts the minority, heal restores it; client requests get answers', () => {
    const sim = simulation({ seed: 5, network: { latency: 1 } });
    sim.nodesOf(['n1', 'n2', 'n3', 'n4', 'n5'], {
      onMessage: (ctx, msg) => {
        if (msg.requestId !== undefined) ctx.respond(msg, `${ctx.node} ok`);
      }
    });
    sim.split({ atMs: 0, untilMs: 10 });
    const request = sim.request('n3', 'get', undefined, { atMs: 20 });
    sim.run();
    const cut = sim.trace.ofType('partition');
    expect(cut[0].label).toBe('n4,n5 | n1,n2,n3');
    expect(sim.trace.ofType('heal').length).toBe(5);
    expect(request.response).toBe('n3 ok');
    expect(request.latencyMs).toBe(0);
  });
});

describe('clocks', () => {
  it('a drifting clock gains driftPpm × time; offset shifts it', () => {
    const clock = physicalClock({ offsetMs: 3, driftPpm: 100 });
    expect(clock.readMs(0)).toBe(3);
    expect(clock.readMs(1_000_000)).toBeCloseTo(3 + 1_000_000 + 100, 6);
  });

  it('NTP-like sync keeps the error within the bound plus the drift since the last sync', () => {
    const clock = physicalClock({ offsetMs: 500, driftPpm: 200, syncIntervalMs: 1000, syncErrorMs: 2, seed: 3 });
    const errors: number[] = [];
    for (let t = 1000; t < 100_000; t += 37) errors.push(clock.errorMs(t));
    const worst = Math.max(...errors.map(Math.abs));
    expect(worst).toBeLessThanOrEqual(2 + 1000 * 200e-6 + 1e-9);
    expect(worst).toBeGreaterThan(1.5);
    expect(Math.abs(summarize(errors).mean)).toBeLessThan(0.3);
  });

  it('timers run on the node’s clock: a fast clock fires early in true time', () => {
    const sim = simulation({ seed: 1 });
    sim.node('fast', { clock: { driftPpm: 100_000 }, start: (ctx) => ctx.setTimer('t', 110) });
    sim.run();
    expect(sim.trace.ofType('timer')[0].timeMs).toBeCloseTo(100, 9);
    expect(sim.trace.ofType('timer')[0].clockMs).toBeCloseTo(110, 9);
  });

  it('Lamport and vector clock classes follow their rules', () => {
    const l = lamportClock();
    expect(l.tick()).toBe(1);
    expect(l.receive(7)).toBe(8);
    const a = vectorClock('a');
    const b = vectorClock('b');
    const m = a.tick();
    b.tick();
    expect(b.compare(m)).toBe('concurrent');
    b.receive(m);
    expect(b.compare(a.vector)).toBe('after');
    expect(a.compare(b.vector)).toBe('before');
    expect(() => l.receive(-1)).toThrow('invalid remoteTime: -1');
  });

  it('a hybrid logical clock respects causality even when the receiver’s clock is behind', () => {
    let aMs = 1000;
    const bMs = 10; // b's physical clock is far behind
    const a = hybridClock(() => aMs);
    const b = hybridClock(() => bMs);
    const sent = a.tick();
    const received = b.receive(sent);
    expect(compareHlc(sent, received)).toBeLessThan(0);
    expect(received).toEqual({ wallMs: 1000, logical: 1 });
    const next = b.tick();
    expect(compareHlc(received, next)).toBeLessThan(0);
    aMs = 2000;
    expect(a.tick()).toEqual({ wallMs: 2000, logical: 0 });
  });

  it('traced events carry each node’s skewed clock reading', () => {
    const sim = simulation({ seed: 6, clocks: { offsetMsMax: 50 } });
    sim.nodesOf(['a', 'b'], { start: (ctx) => ctx.log('hello') });
    sim.run();
    const [ea, eb] = sim.trace.ofType('local');
    expect(ea.timeMs).toBe(0);
    expect(ea.clockMs).not.toBe(eb.clockMs);
    expect(Math.abs(ea.clockMs)).toBeLessThanOrEqual(50);
    expect(ea.clockMs).toBe(sim.clockOf('a').offsetMs);
  });
});

describe('clock syncs: O(1) readings, and each sync in the trace', () => {
  it('a reading draws O(1) random values, whatever the number of syncs before it', () => {
    const random = rng(3, 7);
    // A draw is an outermost call of either method (one may call the other).
    let draws = 0;
    let depth = 0;
    const counted = (method: () => number) => () => {
      if (depth++ === 0) draws++;
      try {
        return method();
      } finally {
        depth--;
      }
    };
    random.next = counted(random.next.bind(random));
    random.nextUint32 = counted(random.nextUint32.bind(random));
    const clock = new PhysicalClock({ driftPpm: 50, syncIntervalMs: 1, syncErrorMs: 2 }, random);
    const readingMs = clock.readMs(10_000_000.25); // 10,000,000 syncs before it
    expect(draws).toBeLessThanOrEqual(1);
    // Closed form: the last sync at 10,000,000 ms left an error within ±2 ms, then 0.25 ms of drift.
    const errorMs = readingMs - 10_000_000 - 0.25 * (1 + 50e-6);
    expect(Math.abs(errorMs)).toBeLessThanOrEqual(2);
    expect(clock.readMs(10_000_000.5) - readingMs).toBeCloseTo(0.25 * (1 + 50e-6), 9);
  });

  it('a reading does not depend on what was read before, or in which order', () => {
    const options = { offsetMs: 5, driftPpm: -80, syncIntervalMs: 250, syncErrorMs: 3, seed: 9 };
    const stepped = physicalClock(options);
    const times = Array.from({ length: 400 }, (_, i) => i * 13.7);
    const forwards = times.map((t) => stepped.readMs(t));
    const backwards = physicalClock(options);
    expect([...times].reverse().map((t) => backwards.readMs(t)).reverse()).toEqual(forwards);
    expect(physicalClock(options).readMs(times[399])).toBe(forwards[399]);
  });

  it('a tiny sync interval over hours is bounded by eventsMax in a run, with the seed', () => {
    const sim = simulation({ seed: 4, clocks: { syncIntervalMs: 0.001 } });
    sim.node('a', {});
    expect(() => sim.run({ untilMs: 3_600_000, eventsMax: 100_000 })).toThrow(
      /^eventsMax exceeded: 100000 events by t=99\.999 ms, events still pending \(clock syncs count as events\) \(seed=4\)$/
    );
  });

  const synced = (trace: boolean) => {
    const sim = simulation({ seed: 6, trace, clocks: { offsetMsMax: 10, driftPpmMax: 1000, syncIntervalMs: 100, syncErrorMs: 1 } });
    sim.nodesOf(['a', 'b'], {
      start: (ctx) => ctx.setTimer('tick', 30),
      onTimer: (ctx) => { ctx.send(ctx.peers[0], 'time', ctx.clockMs()); ctx.setTimer('tick', 30); }
    });
    const result = sim.run({ untilMs: 1000 });
    return { sim, result };
  };

  it('each sync of the engine is a `clock sync` event at its time, with the reading right after it', () => {
    const { sim } = synced(true);
    const syncs = sim.trace.withLabel('clock sync');
    expect(syncs.map((e) => `${e.node}@${e.timeMs}`)).toEqual(
      [100, 200, 300, 400, 500, 600, 700, 800, 900, 1000].flatMap((t) => [`a@${t}`, `b@${t}`])
    );
    for (const e of syncs) {
      expect(e.type).toBe('local');
      expect(Math.abs(e.clockMs - e.timeMs)).toBeLessThanOrEqual(1);
      expect(e.clockMs).toBe(sim.clockOf(e.node).readMs(e.timeMs));
      expect((e.data as { errorMs: number }).errorMs).toBe(e.clockMs - e.timeMs);
    }
    const figure = clockOffsetChart(sim.trace);
    expect(figure.summary).toMatch(/^a .* 10$/m);
    expect(figure.summary).toMatch(/^b .* 10$/m);
  });

  it('syncs are events with the trace on or off: the same run either way', () => {
    const on = synced(true);
    const off = synced(false);
    expect(off.result).toEqual(on.result);
    expect(off.sim.stats).toEqual(on.sim.stats);
    expect(on.result.events).toBe(on.sim.trace.ofType('timer', 'deliver').length + 2 + 20);
    for (const node of ['a', 'b']) expect(off.sim.clockOf(node).readMs(777)).toBe(on.sim.clockOf(node).readMs(777));
  });
});

describe('a sync period is bounded once, where it is received', () => {
  it('simulation() refuses a sync period the clocks would refuse, naming the same range', () => {
    for (const bad of [0, 1e-9, -5]) {
      expect(() => simulation({ clocks: { syncIntervalMs: bad } })).toThrow(`invalid syncIntervalMs: ${bad} (expected a number >= 0.001 ms)`);
      expect(() => physicalClock({ syncIntervalMs: bad })).toThrow(`invalid syncIntervalMs: ${bad} (expected a number >= 0.001 ms)`);
    }
    const sim = simulation({ clocks: { syncIntervalMs: 0.001 } });
    expect(() => sim.node('a', {})).not.toThrow();
  });
});
