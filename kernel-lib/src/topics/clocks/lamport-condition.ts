// The Lamport clock condition, checked on a random message history.
import { checkHappenedBefore } from '../../checkers/checkers';
import { simulation } from '../../simulation/simulation';
import { checkInteger, checkSeed, rejectUnknownKeys } from '../../core/options';

/**
 * Lamport 1978 in one check: run a gossip of `nodes` nodes and verify the clock condition on
 * every pair of events: if a happened before b then L(a) < L(b).
 */
export function lamportClockCondition(options: { nodes?: number; seed?: number } = {}): { seed: number; events: number; ok: boolean; summary: string } {
  rejectUnknownKeys('lamportClockCondition', options, ['nodes', 'seed']);
  const n = checkInteger('nodes', options.nodes ?? 4, 2, 20);
  const seed = checkSeed(options.seed, 1978);
  const sim = simulation({ seed, network: { latency: 2, reorderProbability: 0.2 }, clocks: { offsetMsMax: 20, driftPpmMax: 200 } });
  sim.nodesOf(Array.from({ length: n }, (_, i) => `p${i + 1}`), {
    start(ctx) { ctx.setTimer('talk', ctx.random() * 5); },
    onTimer(ctx) { ctx.send(ctx.peers[Math.floor(ctx.random() * ctx.peers.length)], 'msg'); if (ctx.timeMs < 60) ctx.setTimer('talk', 3 + ctx.random() * 5); }
  });
  sim.run();
  const r = checkHappenedBefore(sim.trace);
  return { seed, events: sim.trace.length, ok: r.ok, summary: r.summary };
}
