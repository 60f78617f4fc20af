// Spanner's TrueTime commit wait: ordering transactions with bounded clock uncertainty.
import { simulation } from '../../simulation/simulation';
import { checkInteger, checkNumber, rejectUnknownKeys } from '../../core/options';
import { monteCarlo } from '../../experiments/montecarlo';

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
