// Spanner's TrueTime commit wait: ordering transactions with bounded clock uncertainty.
import { simulation } from '../../simulation/simulation';
import { declareOptions, integerOption, numberOption, type OptionsOf } from '../../core/options';
import { monteCarlo } from '../../experiments/montecarlo';

export const SPANNER_COMMIT_WAIT_OPTIONS = declareOptions('spannerCommitWait', {
  epsilonMs: numberOption({ doc: "TrueTime's uncertainty: every clock is within ±epsilonMs of true time", min: 0.01, max: 1000, unit: 'ms', default: 4 }),
  seeds: integerOption({ doc: 'Pairs of transactions simulated, with and without the wait', min: 10, max: 100_000, default: 500 })
});
export type SpannerCommitWaitOptions = OptionsOf<typeof SPANNER_COMMIT_WAIT_OPTIONS>;

/**
 * Spanner's commit wait: clocks are known to be within ±epsilon of true time (TrueTime). A
 * transaction takes timestamp s = its clock reading and waits until every clock is surely past s
 * (about 2·epsilon). Then a transaction that starts after another commits gets a larger
 * timestamp. Without the wait, skewed clocks order some of them backwards.
 */
export function spannerCommitWait(options: SpannerCommitWaitOptions = {}): { epsilonMs: number; commitWaitMs: number; seeds: number; violationsWithoutWait: number; violationsWithWait: number } {
  const { epsilonMs, seeds } = SPANNER_COMMIT_WAIT_OPTIONS.parse(options);
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
