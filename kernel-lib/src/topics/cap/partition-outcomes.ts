// What CP and AP systems answer during a partition, for each side of it.
import { parseNumber, declareOptions, numberListOption, numberOption, type OptionsOf } from '../../core/options';
import { round } from '../../core/numbers';

/** Outcome of one consistency mode for one partition length. */
export interface PartitionOutcome {
  mode: string;
  partitionMs: number;
  /** Fraction of requests answered, 0..1. */
  servedFraction: number;
  /** Fraction of requests answered with stale data, 0..1. */
  staleFraction: number;
}

export const PARTITION_OUTCOMES_OPTIONS = declareOptions('partitionOutcomes', {
  partitionMsList: numberListOption({ doc: 'Partition lengths to evaluate, each at most windowMs', min: 0, max: 1e12, unit: 'ms', lengthMax: 10_000, default: Array.from({ length: 21 }, (_, i) => i * 30_000), defaultText: '0 to 10 min in 30 s steps' }),
  windowMs: numberOption({ doc: 'Observation window that contains the partition', min: 1, max: 1e12, unit: 'ms', default: 600_000 }),
  minorityShare: numberOption({ doc: 'Share of clients on the minority side of the partition', min: 0, max: 0.5, default: 0.4 }),
  writesPerSecond: numberOption({ doc: 'Writes per second across all clients (what makes a read stale)', min: 0, max: 1e9, unit: '/s', default: 0.05 })
});
export type PartitionOutcomesOptions = OptionsOf<typeof PARTITION_OUTCOMES_OPTIONS>;

/**
 * A small model of one partition inside an observation window. CP: the minority side refuses
 * requests while partitioned, nothing stale. AP: everyone is served, but a read on one side is
 * stale once the other side has written since the split: P = 1 − e^(−rate·t), averaged over
 * the partition. Pure and deterministic.
 */
export function partitionOutcomes(options: PartitionOutcomesOptions = {}): { rows: PartitionOutcome[] } {
  const { windowMs, partitionMsList: list, minorityShare: m, writesPerSecond } = PARTITION_OUTCOMES_OPTIONS.parse(options);
  list.forEach((ms, i) => parseNumber(`partitionMsList[${i}]`, ms, 0, windowMs, 'ms'));
  // Mean over t in [0, L] of 1 - e^(-r t): 1 - (1 - e^(-rL)) / (rL).
  const meanStale = (ratePerMs: number, lengthMs: number) => (ratePerMs * lengthMs < 1e-12 ? 0 : 1 - (1 - Math.exp(-ratePerMs * lengthMs)) / (ratePerMs * lengthMs));
  const rate = writesPerSecond / 1000;
  const rows = list.flatMap((L) => {
    const share = L / windowMs;
    const staleAp = share * (m * meanStale(rate * (1 - m), L) + (1 - m) * meanStale(rate * m, L));
    return [
      { mode: 'CP (refuse on the minority side)', partitionMs: L, servedFraction: round(1 - m * share), staleFraction: 0 },
      { mode: 'AP (serve everywhere)', partitionMs: L, servedFraction: 1, staleFraction: round(staleAp) }
    ];
  });
  return { rows };
}
