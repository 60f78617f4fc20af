// Exercise: a G-Counter merge that converges under duplicates and reordering.
import { simulation, Simulation } from '../simulation/simulation';
import { callBounded } from './bounded-call';
import { ExerciseDefinition, RunFailure } from './exercise';

/** A grow-only counter's state: replica name → increments made on that replica. */
export type GCounterState = Record<string, number>;
/** Merge two G-Counter states into one that includes both. */
export type GCounterMerge = (a: GCounterState, b: GCounterState) => GCounterState;

const total = (state: GCounterState) => Object.values(state).reduce((sum, n) => sum + n, 0);
const show = (state: GCounterState) => `{${Object.entries(state).sort().map(([k, v]) => `${k}: ${v}`).join(', ')}}`;

function validState(value: unknown): value is GCounterState {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).every((n) => typeof n === 'number' && Number.isFinite(n));
}

/**
 * Replicas count likes locally and gossip their whole state; the network duplicates and
 * reorders messages. Seed 1 is the module's question: 1000 likes on A, 500 on B, merged.
 * Invariant: once every replica has heard from every other, all agree on the true total.
 */
export const gCounterMergeExercise: ExerciseDefinition<GCounterMerge> = {
  id: 'g-counter-merge',
  title: 'G-Counter merge',
  signature: '(a: Record<string, number>, b: Record<string, number>) => Record<string, number>',
  // The notebook's first try adds the two states.
  starter: (a, b) => {
    const out: Record<string, number> = { ...a };
    for (const [replica, count] of Object.entries(b)) out[replica] = (out[replica] ?? 0) + count;
    return out;
  },
  run(merge, { seed, callTimeoutMs }): RunFailure | null {
    const quiz = seed === 1;
    const sim: Simulation = simulation({
      seed,
      network: quiz ? { latency: 2 } : { latency: 2, duplicateProbability: 0.3, reorderProbability: 0.3, reorderDelayMs: 6 }
    });
    const replicas = quiz ? ['A', 'B'] : ['A', 'B', 'C'].slice(0, 2 + sim.random.int(2));
    const increments: Record<string, number> = {};
    for (const r of replicas) increments[r] = quiz ? (r === 'A' ? 1000 : 500) : 1 + sim.random.int(3);
    let bad: RunFailure | null = null;
    for (const name of replicas) {
      sim.node(name, {
        state: () => ({ counts: {} as GCounterState, left: increments[name] }),
        start: (ctx) => {
          if (quiz) {
            ctx.state.counts = { [name]: increments[name] };
            ctx.log(`${increments[name]} likes`);
            ctx.broadcast('state', { ...ctx.state.counts });
          } else ctx.setTimer('like', 1 + ctx.random() * 8);
          ctx.setTimer('anti-entropy', 60);
        },
        onTimer: (ctx, timer) => {
          if (timer === 'like') {
            ctx.state.counts = { ...ctx.state.counts, [name]: (ctx.state.counts[name] ?? 0) + 1 };
            ctx.state.left -= 1;
            ctx.log('like');
            ctx.send(ctx.peers[Math.floor(ctx.random() * ctx.peers.length)], 'state', { ...ctx.state.counts });
            if (ctx.state.left > 0) ctx.setTimer('like', 1 + ctx.random() * 8);
          } else ctx.broadcast('state', { ...ctx.state.counts });
        },
        onMessage: (ctx, msg) => {
          if (bad !== null) return;
          const mine = { ...ctx.state.counts };
          const merged = callBounded(merge, [{ ...mine }, { ...msg.body }], callTimeoutMs, `merge(${show(mine)}, ${show(msg.body)})`);
          if (!validState(merged)) {
            bad = { message: `merge(${show(mine)}, ${show(msg.body)}) on ${name} returned ${JSON.stringify(merged)}; expected an object of replica → count.`, events: [], kind: 'invalid' };
            return;
          }
          ctx.state.counts = { ...merged };
        }
      });
    }
    sim.run({ untilMs: 200, eventsMax: 10_000 });
    if (bad !== null) return { ...(bad as RunFailure), events: sim.trace.events() };
    const expected = replicas.reduce((sum, r) => sum + increments[r], 0);
    for (const r of replicas) {
      const state = sim.stateOf(r).counts as GCounterState;
      const value = total(state);
      if (value !== expected) {
        const story = replicas.map((x) => `${increments[x]} on ${x}`).join(' + ');
        return {
          message: `${story} = ${expected} likes, but after every replica heard from every other (duplicates and reordering included), ${r} reads ${value} (state ${show(state)}).`,
          description: `${story}; ${r} ends with ${value} instead of ${expected}`,
          events: sim.trace.events(),
          nodes: replicas
        };
      }
    }
    return null;
  }
};
