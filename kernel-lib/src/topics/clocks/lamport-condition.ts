// The Lamport clock condition, checked on a random message history.
import { checkHappenedBefore } from '../../checkers/checkers';
import { simulation } from '../../simulation/simulation';
import { declareOptions, integerOption, seedOption, type OptionsOf } from '../../core/options';

export const LAMPORT_CONDITION_OPTIONS = declareOptions('lamportClockCondition', {
  nodeCount: integerOption({ doc: 'Nodes that gossip', min: 2, max: 20, default: 4 }),
  seed: seedOption({ default: 1978 })
});
export type LamportConditionOptions = OptionsOf<typeof LAMPORT_CONDITION_OPTIONS>;

/**
 * Lamport 1978 in one check: run a gossip of `nodes` nodes and verify the clock condition on
 * every pair of events: if a happened before b then L(a) < L(b).
 */
export function lamportClockCondition(options: LamportConditionOptions = {}): { seed: number; events: number; ok: boolean; summary: string } {
  const { nodeCount: n, seed } = LAMPORT_CONDITION_OPTIONS.parse(options);
  const sim = simulation({ seed, network: { latency: 2, reorderProbability: 0.2 }, clocks: { offsetMsMax: 20, driftPpmMax: 200 } });
  sim.nodesOf(Array.from({ length: n }, (_, i) => `p${i + 1}`), {
    start(ctx) { ctx.setTimer('talk', ctx.random() * 5); },
    onTimer(ctx) { ctx.send(ctx.peers[Math.floor(ctx.random() * ctx.peers.length)], 'msg'); if (ctx.timeMs < 60) ctx.setTimer('talk', 3 + ctx.random() * 5); }
  });
  sim.run();
  const r = checkHappenedBefore(sim.trace);
  return { seed, events: sim.trace.length, ok: r.ok, summary: r.summary };
}
