import { checkHappenedBefore } from '../../check/checkers';
import { simulation } from '../../engine/simulation';
import { checkInteger, checkNumber, checkSeed, rejectUnknownKeys } from '../../options';
import { monteCarlo } from '../../montecarlo/montecarlo';

/** Speed of light in vacuum, km/s. */
export const SPEED_OF_LIGHT_KM_PER_S = 299_792.458;

/**
 * One-way latency through fibre over `distanceKm`: light in glass travels at about 2/3 c
 * (refractive index ≈ 1.5). New York–London is about 5,570 km great circle: ≈ 28 ms.
 * Measured by sending one message over a simulated link with exactly that delay.
 */
export function fibreLatency(options: { distanceKm?: number; fibreSpeedFraction?: number } = {}): { distanceKm: number; oneWayMs: number; roundTripMs: number; measuredOneWayMs: number } {
  rejectUnknownKeys('fibreLatency', options, ['distanceKm', 'fibreSpeedFraction']);
  const distanceKm = checkNumber('distanceKm', options.distanceKm ?? 5570, 0, 40_075, 'km');
  const f = checkNumber('fibreSpeedFraction', options.fibreSpeedFraction ?? 2 / 3, 0.1, 1);
  const oneWayMs = (distanceKm / (SPEED_OF_LIGHT_KM_PER_S * f)) * 1000;
  const sim = simulation({ seed: 1, network: { latency: oneWayMs } });
  let measured = NaN;
  sim.node('New York', { start(ctx) { ctx.send('London', 'hello'); } });
  sim.node('London', { onMessage(ctx, m) { measured = ctx.timeMs - m.sentAtMs; } });
  sim.run();
  return { distanceKm, oneWayMs, roundTripMs: 2 * oneWayMs, measuredOneWayMs: measured };
}

/**
 * Spanner's commit wait: clocks are known to be within ±epsilon of true time (TrueTime). A
 * transaction takes timestamp s = its clock reading and waits until every clock is surely past s
 * (about 2·epsilon). Then a transaction that starts after another commits gets a larger
 * timestamp. Without the wait, skewed clocks order some of them backwards.
 */
export function spannerCommitWait(options: { epsilonMs?: number; seeds?: number } = {}): { epsilonMs: number; commitWaitMs: number; seeds: number; violationsWithoutWait: number; violationsWithWait: number } {
  rejectUnknownKeys('spannerCommitWait', options, ['epsilonMs', 'seeds']);
  const epsilonMs = checkNumber('epsilonMs', options.epsilonMs ?? 4, 0.01, 1000, 'ms');
  const seeds = checkInteger('seeds', options.seeds ?? 500, 10, 100_000);
  const result = monteCarlo({
    seeds,
    grid: { wait: [false, true] },
    run: ({ seed, params }) => {
      // Two nodes with clock errors inside ±epsilon; T1 commits on A, then T2 starts on B right after A answers.
      const sim = simulation({ seed, trace: false, network: { latency: 0.5 } });
      const r = sim.random;
      const stamps: number[] = [];
      sim.node('A', {
        clock: { offsetMs: r.uniform(-epsilonMs, epsilonMs) },
        start(ctx) {
          const s = ctx.clockMs();
          stamps[0] = s;
          // Commit wait: hold the result until clock - epsilon > s, i.e. true time is surely past s.
          ctx.setTimer('commit', params.wait ? 2 * epsilonMs : 0);
        },
        onTimer(ctx) { ctx.send('B', 'T1 committed'); }
      });
      sim.node('B', { clock: { offsetMs: r.uniform(-epsilonMs, epsilonMs) }, onMessage(ctx) { stamps[1] = ctx.clockMs(); } });
      sim.run();
      return { violation: stamps[1] <= stamps[0] };
    }
  });
  const count = (wait: boolean) => Math.round((result.row({ wait }, 'violation')?.mean ?? 0) * seeds);
  return { epsilonMs, commitWaitMs: 2 * epsilonMs, seeds, violationsWithoutWait: count(false), violationsWithWait: count(true) };
}

/** Generals needed to tolerate f traitors: 3f + 1 (Lamport, Shostak and Pease, 1982). */
export function generalsNeeded(traitors: number): number {
  return 3 * checkInteger('traitors', traitors, 0, 1000) + 1;
}

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
