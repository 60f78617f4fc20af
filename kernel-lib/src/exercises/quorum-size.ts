// Exercise: read and write quorums that intersect and survive a minority of crashes.
import { Rng } from '../core/rng';
import { callBounded } from './bounded-call';
import { ExerciseDefinition, RunFailure } from './exercise';
import { TraceBuilder } from './trace-builder';

/** Size of a read quorum and of a write quorum among `replicas` replicas (the same size for both). */
export type QuorumSize = (replicas: number) => number;

/**
 * For 1..15 replicas, an adversarial client writes to one quorum and reads from another
 * chosen to overlap it as little as possible, while a minority of replicas is crashed.
 * Invariants: the read sees the write (quorums intersect: 2q > n) and the system stays
 * available with floor((n-1)/2) replicas down (q <= n - floor((n-1)/2)).
 */
export const quorumSizeExercise: ExerciseDefinition<QuorumSize> = {
  id: 'quorum-size',
  title: 'Quorum size',
  signature: '(replicas: number) => number',
  // The notebook's first try waits for every replica.
  starter: (replicas) => replicas,
  run(quorumSize, { seed, callTimeoutMs }): RunFailure | null {
    const random = new Rng(seed, 13);
    // Seed 1 is 3 replicas, the smallest case where both mistakes show.
    const n = 1 + ((seed + 1) % 15);
    const q = callBounded(quorumSize, [n], callTimeoutMs, `quorumSize(${n})`);
    const replicas = Array.from({ length: n }, (_, i) => `r${i + 1}`);
    const nodes = ['client', ...replicas];
    if (typeof q !== 'number' || !Number.isInteger(q) || q < 1 || q > n) {
      return { message: `quorumSize(${n}) returned ${JSON.stringify(q)}; a quorum is a whole number of replicas, 1..${n}.`, events: [], kind: 'invalid' };
    }
    const trace = new TraceBuilder(nodes);
    const shuffled = [...replicas];
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = random.int(i + 1);
      [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
    }
    const faulty = Math.floor((n - 1) / 2);
    if (q > n - faulty) {
      // Crash a minority: too few replicas are left to form a quorum.
      const crashed = shuffled.slice(0, faulty);
      crashed.forEach((r, i) => trace.crash(r, 1 + i * 0.1));
      const alive = shuffled.slice(faulty);
      const sends = alive.map((r) => [r, trace.send('client', r, 5, 'write x=1')] as const);
      sends.forEach(([r, id], i) => trace.deliver(id, r, 10 + i * 0.1));
      crashed.forEach((r) => trace.drop(trace.send('client', r, 5, 'write x=1'), r, 10, 'crashed'));
      trace.local('client', 20, `${alive.length} of ${q} acks: blocked`);
      return {
        message: `With ${n} replicas and quorums of ${q}, crashing ${faulty} (a minority) leaves ${alive.length} replicas: no write or read can gather ${q} answers, so the system is down although most replicas are up.`,
        description: `${faulty} of ${n} replicas crashed; the write waits forever for ${q} acks`,
        events: trace.events,
        nodes
      };
    }
    // Write to the first q replicas, read from the last q: they overlap only if 2q > n.
    const writeSet = shuffled.slice(0, q);
    const readSet = shuffled.slice(n - q);
    const overlap = writeSet.filter((r) => readSet.includes(r));
    if (overlap.length === 0) {
      writeSet.forEach((r, i) => {
        const id = trace.send('client', r, 1 + i * 0.1, 'write x=1');
        trace.deliver(id, r, 4 + i * 0.1);
        const ack = trace.send(r, 'client', 5 + i * 0.1, 'ack');
        trace.deliver(ack, 'client', 8 + i * 0.1);
      });
      readSet.forEach((r, i) => {
        const id = trace.send('client', r, 12 + i * 0.1, 'read x');
        trace.deliver(id, r, 15 + i * 0.1);
        const reply = trace.send(r, 'client', 16 + i * 0.1, 'x=0 (old)');
        trace.deliver(reply, 'client', 19 + i * 0.1);
      });
      trace.local('client', 22, 'read x=0: stale!');
      return {
        message: `With ${n} replicas and quorums of ${q}, the write went to {${writeSet.join(', ')}} and the read to {${readSet.join(', ')}}: no replica in common, so the read returned the old value. Two quorums must overlap: 2 × ${q} > ${n} fails.`,
        description: `write quorum {${writeSet.join(', ')}} and read quorum {${readSet.join(', ')}} do not intersect`,
        events: trace.events,
        nodes
      };
    }
    return null;
  }
};
