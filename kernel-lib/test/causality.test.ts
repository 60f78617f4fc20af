import { describe, expect, it } from 'vitest';
import { checkHappenedBefore, compareVectors, rng, TraceEvent } from 'distlab';
import { CausalOrder, causalFuture, causalLinks, causalPast, causalRelation, compareVectorStamps } from '../src/trace/causality';
import { Trace } from '../src/trace/recorder';
import { TraceBuilder } from '../src/exercises/trace-builder';

// trace/causality is the one derivation of happened-before. Its oracle here is independent of
// stamps: the transitive closure of program order plus send → deliver, by depth-first search.

type Step = Omit<TraceEvent, 'seq' | 'lamport' | 'vector' | 'clockMs'>;

/**
 * A random trace by hand: locals, sends, delivers (some twice, as duplicates), drops, a deliver
 * of a message never sent, a reused message id, partition events on a pseudo-node, and a node
 * that only appears late.
 */
function randomSteps(seed: number): Step[] {
  const r = rng(seed, 3);
  const nodes = Array.from({ length: 2 + r.int(4) }, (_, i) => `n${i}`);
  const steps: Step[] = [];
  const pending: { msgId: number; from: string; to: string }[] = [];
  let nextMsgId = 1;
  let timeMs = 0;
  const count = 5 + r.int(60);
  for (let k = 0; k < count || (pending.length > 0 && k < count + 40); k++) {
    timeMs += r.int(3);
    const roll = r.next();
    const node = k > count / 2 && r.chance(0.1) ? 'late' : r.pick(nodes);
    if (k >= count || (pending.length > 0 && roll < 0.35)) {
      const index = r.int(pending.length);
      const m = pending[index];
      if (!r.chance(0.2)) pending.splice(index, 1); // else a duplicate copy comes later
      const type = r.chance(0.2) ? 'drop' : 'deliver';
      steps.push({ timeMs, node: m.to, type, msgId: m.msgId, peer: m.from });
    } else if (roll < 0.65) {
      const to = r.pick(nodes.filter((n) => n !== node));
      // Now and then a sender reuses an id: the latest send of an id is the one received.
      const msgId = pending.length > 0 && r.chance(0.05) ? pending[0].msgId : nextMsgId++;
      steps.push({ timeMs, node, type: 'send', msgId, peer: to, label: 'm' });
      pending.push({ msgId, from: node, to });
    } else if (roll < 0.7) {
      steps.push({ timeMs, node, type: 'deliver', msgId: 10_000 + k, peer: r.pick(nodes) });
    } else if (roll < 0.75) {
      steps.push({ timeMs, node: 'network', type: r.chance(0.5) ? 'partition' : 'heal' });
    } else {
      steps.push({ timeMs, node, type: r.pick(['local', 'timer', 'crash', 'restart'] as const), label: 'x' });
    }
  }
  return steps;
}

/** reach[i][j]: a path from event i to event j (i before j) in the happened-before graph. */
function closure(steps: readonly Step[]): boolean[][] {
  const successors: number[][] = steps.map(() => []);
  steps.forEach((step, j) => {
    for (let i = j - 1; i >= 0; i--) {
      if (steps[i].node === step.node) {
        successors[i].push(j);
        break;
      }
    }
    if (step.type !== 'deliver') return;
    for (let i = j - 1; i >= 0; i--) {
      if (steps[i].type === 'send' && steps[i].msgId === step.msgId) {
        successors[i].push(j);
        break;
      }
    }
  });
  return steps.map((_, start) => {
    const seen = new Array<boolean>(steps.length).fill(false);
    const stack = [...successors[start]];
    while (stack.length > 0) {
      const s = stack.pop()!;
      if (!seen[s]) {
        seen[s] = true;
        stack.push(...successors[s]);
      }
    }
    return seen;
  });
}

function recorded(seed: number, steps: readonly Step[]): Trace {
  const trace = new Trace(seed);
  for (const step of steps) trace.record(step);
  return trace;
}

const SEEDS = Array.from({ length: 150 }, (_, i) => i + 1);

describe('happened-before, derived once (trace/causality)', () => {
  it('vector stamps, the causal order and past/future agree with the transitive closure, on 150 random traces', () => {
    let pairs = 0;
    const seen = { before: 0, concurrent: 0 };
    for (const seed of SEEDS) {
      const steps = randomSteps(seed);
      const reach = closure(steps);
      const trace = recorded(seed, steps);
      const events = trace.events();
      // Stamps the figure must not trust: the order comes from nodes and message ids alone.
      const unstamped = events.map((e) => ({ ...e, lamport: 0, vector: {} }));
      const order = new CausalOrder(unstamped);
      for (let i = 0; i < events.length; i++) {
        for (let j = 0; j < events.length; j++) {
          const expected = i === j ? 'equal' : reach[i][j] ? 'before' : reach[j][i] ? 'after' : 'concurrent';
          const got = [causalRelation(events[i], events[j]), order.relation(i, j)];
          if (got[0] !== expected || got[1] !== expected) throw new Error(`seed ${seed}, events ${i} and ${j}: ${got.join(' / ')}, closure says ${expected}`);
          if (expected === 'before' || expected === 'concurrent') seen[expected]++;
          pairs++;
        }
        const past = reach.flatMap((row, k) => (row[i] ? [k] : []));
        const future = reach[i].flatMap((yes, k) => (yes ? [k] : []));
        expect(causalPast(trace, i)).toEqual(past);
        expect(causalFuture(unstamped, i)).toEqual(future);
        expect([...order.concurrentWith(i)].sort((a, b) => a - b)).toEqual(
          events.map((_, k) => k).filter((k) => k !== i && !reach[k][i] && !reach[i][k])
        );
      }
    }
    // The traces are not degenerate: both relations occur often.
    expect(pairs).toBeGreaterThan(100_000);
    expect(seen.before).toBeGreaterThan(20_000);
    expect(seen.concurrent).toBeGreaterThan(20_000);
  });

  it('stamps are the textbook ones: Lamport is the longest causal chain, a vector entry counts a node in the past', () => {
    let failing = 0;
    for (const seed of SEEDS.slice(0, 60)) {
      const steps = randomSteps(seed);
      const reach = closure(steps);
      const events = recorded(seed, steps).events();
      const chain: number[] = [];
      events.forEach((e, j) => {
        let longest = 0;
        for (let i = 0; i < j; i++) if (reach[i][j]) longest = Math.max(longest, chain[i]);
        chain.push(longest + 1);
        expect(e.lamport).toBe(chain[j]);
        for (const node of Object.keys(e.vector)) {
          const inPast = events.filter((f, i) => f.node === node && (i === j || reach[i][j])).length;
          expect(e.vector[node]).toBe(inPast);
        }
      });
      // The checker finds these stamps right; what it may flag is the junk the generator adds on purpose.
      const check = checkHappenedBefore(events, { seed });
      if (!check.ok) expect(check.counterexample!.message).toMatch(/without an earlier send|^message #\d+ sent/);
      failing += check.ok ? 0 : 1;
    }
    expect(failing).toBeGreaterThan(0);
    expect(failing).toBeLessThan(60);
  });

  it('links: the previous event on a node, the send of each deliver or drop, the count on the node', () => {
    const events = recorded(1, randomSteps(7)).events();
    const links = causalLinks(events);
    events.forEach((e, i) => {
      const previous = events.slice(0, i).filter((f) => f.node === e.node).pop();
      expect(links.previousOnNode[i]).toBe(previous?.seq ?? -1);
      expect(links.countOnNode[i]).toBe(events.slice(0, i + 1).filter((f) => f.node === e.node).length);
      const send = e.type === 'deliver' || e.type === 'drop' ? events.slice(0, i).filter((f) => f.type === 'send' && f.msgId === e.msgId).pop() : undefined;
      expect(links.sendOf[i]).toBe(send?.seq ?? -1);
    });
    expect([...links.sendOf].some((s) => s >= 0)).toBe(true);
  });

  it('the exercise trace builder stamps like the recorder, and keeps a learner’s Lamport values', () => {
    const builder = new TraceBuilder(['A', 'B', 'C']);
    const trace = new Trace(0);
    const m0 = builder.send('A', 'B', 1, 'm0');
    trace.record({ timeMs: 1, node: 'A', type: 'send', msgId: m0, peer: 'B', label: 'm0' });
    builder.local('C', 2, 'tick');
    trace.record({ timeMs: 2, node: 'C', type: 'local', label: 'tick' });
    const m1 = builder.send('C', 'B', 3, 'm1');
    trace.record({ timeMs: 3, node: 'C', type: 'send', msgId: m1, peer: 'B', label: 'm1' });
    builder.deliver(m1, 'B', 4);
    trace.record({ timeMs: 4, node: 'B', type: 'deliver', msgId: m1, peer: 'C' });
    builder.deliver(m0, 'B', 5);
    trace.record({ timeMs: 5, node: 'B', type: 'deliver', msgId: m0, peer: 'A' });
    const nonZero = (v: Record<string, number>) => Object.fromEntries(Object.entries(v).filter(([, c]) => c > 0));
    expect(builder.events.map((e) => [e.lamport, e.vector])).toEqual(trace.events().map((e) => [e.lamport, nonZero(e.vector)]));
    expect(builder.events[4].vector).toEqual({ A: 1, B: 2, C: 2 });

    // A learner's rule returned 2 for a receive: the deliver carries it and the next tick counts on from it.
    const own = new TraceBuilder(['A', 'B']);
    const m = own.send('A', 'B', 1, 'm', 5);
    expect(own.deliver(m, 'B', 2, 2).lamport).toBe(2);
    expect(own.local('B', 3, 'tick').lamport).toBe(3);
    // A drop is seen, not received: the vector ticks, Lamport stands still, nothing merges.
    const dropped = own.drop(own.send('A', 'B', 4, 'lost'), 'B', 5, 'loss');
    expect([dropped.lamport, dropped.vector]).toEqual([3, { A: 1, B: 3 }]);
    expect(() => own.deliver(99, 'B', 6)).toThrow('TraceBuilder: no message 99');
  });

  it('compares vector stamps by the definition (componentwise, missing entries counting 0), the clocks and the trace with one function', () => {
    // The definition, over the union of the keys: a before b when a <= b everywhere and a != b.
    const byDefinition = (a: Record<string, number>, b: Record<string, number>) => {
      const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
      const le = [...keys].every((k) => (a[k] ?? 0) <= (b[k] ?? 0));
      const ge = [...keys].every((k) => (a[k] ?? 0) >= (b[k] ?? 0));
      return le && ge ? 'equal' : le ? 'before' : ge ? 'after' : 'concurrent';
    };
    const r = rng(11);
    const vector = () => {
      const v: Record<string, number> = {};
      for (const key of ['a', 'b', 'c', 'd']) if (r.chance(0.7)) v[key] = r.int(3);
      return v;
    };
    const counts: Record<string, number> = {};
    for (let k = 0; k < 5000; k++) {
      const [a, b] = [vector(), vector()];
      const relation = compareVectorStamps(a, b);
      expect(relation).toBe(byDefinition(a, b));
      counts[relation] = (counts[relation] ?? 0) + 1;
    }
    expect(Object.keys(counts).sort()).toEqual(['after', 'before', 'concurrent', 'equal']);
    expect(compareVectorStamps({ a: 1 }, { a: 1, b: 1 })).toBe('before');
    expect(compareVectorStamps({ a: 1, b: 0 }, { a: 1 })).toBe('equal');
    // One implementation: the public compareVectors (world/clocks) is the trace's comparison.
    expect(compareVectors).toBe(compareVectorStamps);
  });

  it('causal past and future take what the space-time diagram takes, and name a bad seq', () => {
    const trace = recorded(3, randomSteps(3));
    const events = trace.events();
    const last = events.length - 1;
    expect(causalPast({ events }, last)).toEqual(causalPast(trace, last));
    expect(causalPast({ events: () => events }, last)).toEqual(causalPast([...events].reverse(), last));
    expect(causalFuture(trace, 0).length + causalPast(trace, 0).length).toBeGreaterThan(0);
    expect(() => causalPast(trace, events.length)).toThrow(`invalid seq: ${events.length} (expected the seq of an event in the trace (${events.length} events))`);
    expect(() => causalFuture(42 as never, 0)).toThrow('invalid trace: "number"');
  });
});
