// Exercise: the Lamport clock receive rule.
import { Rng } from '../core/rng';
import { callBounded } from './bounded-call';
import { ExerciseDefinition, RunFailure } from './exercise';
import { TraceBuilder } from './trace-builder';

/** The Lamport receive rule: the clock after receiving a message stamped `messageTime`. */
export type LamportReceive = (localTime: number, messageTime: number) => number;

/**
 * Three processes tick, send and receive; the network reorders and duplicates deliveries.
 * Each process's clock after a receive comes from the learner's rule. Invariants: the
 * clock condition (a receive is stamped after its send) and program order (a process's
 * clock only moves forward), with integer stamps.
 */
export const lamportReceiveExercise: ExerciseDefinition<LamportReceive> = {
  id: 'lamport-receive',
  title: 'Lamport clock: receive rule',
  signature: '(localTime: number, messageTime: number) => number',
  // The notebook's first try only ticks the local clock.
  starter: (localTime) => localTime + 1,
  run(receive, { seed, callTimeoutMs }): RunFailure | null {
    const nodes = ['A', 'B', 'C'];
    const random = new Rng(seed, 11);
    const trace = new TraceBuilder(nodes);
    const clock: Record<string, number> = { A: 0, B: 0, C: 0 };
    const pending: { msgId: number; to: string; stamp: number; deliveries: number }[] = [];
    // Short schedules first: the first failing seed is then a small picture.
    const steps = 4 + Math.min(20, Math.floor(seed / 10));
    // Skew activity so clocks drift apart: the rule must cope with either side being larger.
    const busy = nodes[random.int(3)];
    let timeMs = 0;
    for (let step = 0; step < steps || pending.length > 0; step++) {
      timeMs += 1 + random.int(3);
      const canDeliver = pending.length > 0 && (step >= steps || random.chance(0.45));
      if (!canDeliver) {
        const node = random.chance(0.5) ? busy : nodes[random.int(3)];
        clock[node] += 1;
        if (random.chance(0.35)) trace.local(node, timeMs, 'tick', clock[node]);
        else {
          const to = nodes.filter((n) => n !== node)[random.int(2)];
          const msgId = trace.send(node, to, timeMs, `m${pending.length}`, clock[node]);
          pending.push({ msgId, to, stamp: clock[node], deliveries: random.chance(0.15) ? 2 : 1 });
        }
        continue;
      }
      // Adversarial network: any pending message may be delivered next (reordering), some twice.
      const index = random.int(pending.length);
      const message = pending[index];
      const before = clock[message.to];
      const after = callBounded(receive, [before, message.stamp], callTimeoutMs, `receive(${before}, ${message.stamp})`);
      message.deliveries -= 1;
      if (message.deliveries === 0) pending.splice(index, 1);
      const call = `receive(${before}, ${message.stamp}) on ${message.to}`;
      if (typeof after !== 'number' || !Number.isInteger(after)) {
        return { message: `${call} returned ${JSON.stringify(after)}; a Lamport timestamp is an integer.`, events: trace.events, nodes, kind: 'invalid' };
      }
      trace.deliver(message.msgId, message.to, timeMs, after);
      clock[message.to] = after;
      if (after <= message.stamp) {
        return {
          message: `${call} returned ${after}, but the message was sent at ${message.stamp}: a receive must be stamped later than its send (clock condition).`,
          description: `the send is stamped L${message.stamp}, its receive L${after}: the arrow goes back in logical time`,
          events: trace.events,
          nodes
        };
      }
      if (after <= before) {
        return {
          message: `${call} returned ${after}, but ${message.to}'s clock already read ${before}: a process's clock never goes back or stands still across an event.`,
          description: `${message.to} was at L${before} and receiving set it to L${after}`,
          events: trace.events,
          nodes
        };
      }
    }
    return null;
  }
};
