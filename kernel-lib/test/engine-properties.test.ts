import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareVectors, simulation, Simulation, TraceEvent, uniformLatency } from 'distlab';

/**
 * A random execution: n nodes; each starts by sending `fanout` messages to random peers; a
 * message carries a hop budget and is forwarded to a random peer while budget remains; some
 * nodes set timers that log and send. Network parameters come from the property's inputs.
 */
interface Execution {
  nodes: number;
  seed: number;
  fanout: number;
  hops: number;
  dropProbability: number;
  duplicateProbability: number;
  maxLatencyMs: number;
}

const executionArb = fc.record({
  nodes: fc.integer({ min: 2, max: 6 }),
  seed: fc.integer({ min: 0, max: 1_000_000 }),
  fanout: fc.integer({ min: 1, max: 3 }),
  hops: fc.integer({ min: 0, max: 4 }),
  dropProbability: fc.constantFrom(0, 0, 0.1, 0.3),
  duplicateProbability: fc.constantFrom(0, 0, 0.2),
  maxLatencyMs: fc.constantFrom(0, 1, 5, 20)
});

function build(e: Execution, extra?: (sim: Simulation, names: string[]) => void): Simulation {
  const sim = simulation({
    seed: e.seed,
    network: {
      latency: uniformLatency({ minMs: 0, maxMs: e.maxLatencyMs }),
      dropProbability: e.dropProbability,
      duplicateProbability: e.duplicateProbability
    }
  });
  const names = Array.from({ length: e.nodes }, (_, i) => `p${i}`);
  sim.nodesOf(names, {
    start(ctx) {
      for (let k = 0; k < e.fanout; k++) ctx.send(ctx.peers[Math.floor(ctx.random() * ctx.peers.length)], 'hop', e.hops);
      if (ctx.random() < 0.5) ctx.setTimer('wake', ctx.random() * 10);
    },
    onMessage(ctx, msg) {
      if (ctx.random() < 0.3) ctx.log('note');
      if (msg.body > 0) ctx.send(ctx.peers[Math.floor(ctx.random() * ctx.peers.length)], 'hop', msg.body - 1);
    },
    onTimer(ctx) {
      ctx.send(ctx.peers[0], 'hop', 0);
    }
  });
  extra?.(sim, names);
  sim.run({ untilMs: 10_000, eventsMax: 100_000 });
  return sim;
}

/** Happened-before computed independently: reachability over process order and message edges. */
function happenedBefore(events: TraceEvent[]): boolean[][] {
  const n = events.length;
  const reach = events.map(() => new Array<boolean>(n).fill(false));
  const lastOnNode = new Map<string, number>();
  const sendOf = new Map<number, number>();
  for (let j = 0; j < n; j++) {
    const e = events[j];
    const preds: number[] = [];
    const prev = lastOnNode.get(e.node);
    if (prev !== undefined) preds.push(prev);
    if (e.type === 'deliver' && e.msgId !== undefined && sendOf.has(e.msgId)) preds.push(sendOf.get(e.msgId)!);
    for (const p of preds) {
      reach[p][j] = true;
      for (let i = 0; i < j; i++) if (reach[i][p]) reach[i][j] = true;
    }
    lastOnNode.set(e.node, j);
    if (e.type === 'send' && e.msgId !== undefined) sendOf.set(e.msgId, j);
  }
  return reach;
}

describe('laws of random executions (fast-check)', () => {
  it('Lamport clock condition: a → b implies L(a) < L(b)', () => {
    fc.assert(
      fc.property(executionArb, (e) => {
        const events = build(e).trace.events();
        const hb = happenedBefore(events);
        for (let i = 0; i < events.length; i++) {
          for (let j = 0; j < events.length; j++) if (hb[i][j]) expect(events[i].lamport).toBeLessThan(events[j].lamport);
        }
      }),
      { numRuns: 60 }
    );
  });

  it('vector clocks flag exactly the concurrent pairs', () => {
    fc.assert(
      fc.property(executionArb, (e) => {
        const events = build(e).trace.events();
        const hb = happenedBefore(events);
        for (let i = 0; i < events.length; i++) {
          for (let j = i + 1; j < events.length; j++) {
            const relation = compareVectors(events[i].vector, events[j].vector);
            const expected = hb[i][j] ? 'before' : hb[j][i] ? 'after' : 'concurrent';
            if (relation !== expected) throw new Error(`events ${i}, ${j}: vectors say ${relation}, happened-before says ${expected}`);
          }
        }
      }),
      { numRuns: 60 }
    );
  });

  it('nothing is delivered before it is sent', () => {
    fc.assert(
      fc.property(executionArb, (e) => {
        const events = build(e).trace.events();
        const sends = new Map<number, TraceEvent>();
        for (const ev of events) {
          if (ev.type === 'send') sends.set(ev.msgId!, ev);
          if (ev.type === 'deliver' || ev.type === 'drop') {
            const send = sends.get(ev.msgId!);
            expect(send).toBeDefined();
            expect(send!.seq).toBeLessThan(ev.seq);
            expect(send!.timeMs).toBeLessThanOrEqual(ev.timeMs);
            expect([send!.node, send!.peer]).toEqual([ev.peer, ev.node]);
          }
        }
      }),
      { numRuns: 80 }
    );
  });

  it('partitioned links deliver nothing while cut', () => {
    fc.assert(
      fc.property(
        executionArb,
        fc.integer({ min: 0, max: 8 }),
        fc.integer({ min: 1, max: 10 }),
        fc.boolean(),
        (e, startMs, lengthMs, oneWay) => {
          let side: string[] = [];
          const sim = build({ ...e, hops: 6 }, (s, names) => {
            side = names.slice(0, 1 + (e.seed % (names.length - 1)));
            s.partition(side, undefined, { atMs: startMs, untilMs: startMs + lengthMs, oneWay });
          });
          const blocked = (from: string, to: string) =>
            side.includes(from) ? !side.includes(to) : !oneWay && side.includes(to);
          for (const ev of sim.trace.ofType('deliver')) {
            const during = ev.timeMs >= startMs && ev.timeMs < startMs + lengthMs;
            if (during && blocked(ev.peer!, ev.node)) throw new Error(`delivered ${ev.peer}→${ev.node} at ${ev.timeMs} ms during the partition`);
          }
        }
      ),
      { numRuns: 80 }
    );
  });

  it('with loss 0 and no partition every message is delivered once; duplicates only with duplication on', () => {
    fc.assert(
      fc.property(executionArb, (e) => {
        const sim = build({ ...e, dropProbability: 0 });
        const deliveries = new Map<number, number>();
        for (const ev of sim.trace.ofType('deliver')) deliveries.set(ev.msgId!, (deliveries.get(ev.msgId!) ?? 0) + 1);
        const sends = sim.trace.ofType('send');
        expect(sim.trace.ofType('drop')).toEqual([]);
        for (const s of sends) {
          const count = deliveries.get(s.msgId!) ?? 0;
          if (e.duplicateProbability === 0) expect(count).toBe(1);
          else expect([1, 2]).toContain(count);
        }
        const duplicates = sim.trace.ofType('deliver').filter((d) => d.duplicate).length;
        if (e.duplicateProbability === 0) expect(duplicates).toBe(0);
        expect(sim.stats.duplicated).toBe(duplicates);
      }),
      { numRuns: 80 }
    );
  });
});
