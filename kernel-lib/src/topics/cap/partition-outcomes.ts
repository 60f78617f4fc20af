// What CP and AP systems answer during a partition, for each side of it.
import { checkNumber, rejectUnknownKeys, checkArray } from '../../core/options';
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

export interface PartitionOutcomesOptions {
  /** Partition lengths to evaluate, in ms. Default: 0 to 10 min in 30 s steps. */
  partitionMsList?: readonly number[];
  /** Observation window that contains the partition, in ms. Default: 600,000 ms (10 min). */
  windowMs?: number;
  /** Share of clients on the minority side of the partition, 0..0.5. Default: 0.4. */
  minorityShare?: number;
  /** Writes per second across all clients (what makes a read stale). Default: 0.05 /s. */
  writesPerSecond?: number;
}

/**
 * A small model of one partition inside an observation window. CP: the minority side refuses
 * requests while partitioned, nothing stale. AP: everyone is served, but a read on one side is
 * stale once the other side has written since the split: P = 1 − e^(−rate·t), averaged over
 * the partition. Pure and deterministic.
 */
export function partitionOutcomes(options: PartitionOutcomesOptions = {}): PartitionOutcome[] {
  rejectUnknownKeys('partitionOutcomes', options, ['partitionMsList', 'windowMs', 'minorityShare', 'writesPerSecond']);
  const windowMs = checkNumber('windowMs', options.windowMs ?? 600_000, 1, 1e12, 'ms');
  const list = checkArray<number>('partitionMsList', options.partitionMsList ?? Array.from({ length: 21 }, (_, i) => i * 30_000), 'a non-empty array of durations in ms');
  list.forEach((ms, i) => checkNumber(`partitionMsList[${i}]`, ms, 0, windowMs, 'ms'));
  const m = checkNumber('minorityShare', options.minorityShare ?? 0.4, 0, 0.5);
  const writesPerSecond = checkNumber('writesPerSecond', options.writesPerSecond ?? 0.05, 0, 1e9, '/s');
  // Mean over t in [0, L] of 1 - e^(-r t): 1 - (1 - e^(-rL)) / (rL).
  const meanStale = (ratePerMs: number, lengthMs: number) => (ratePerMs * lengthMs < 1e-12 ? 0 : 1 - (1 - Math.exp(-ratePerMs * lengthMs)) / (ratePerMs * lengthMs));
  const rate = writesPerSecond / 1000;
  return list.flatMap((L) => {
    const share = L / windowMs;
    const staleAp = share * (m * meanStale(rate * (1 - m), L) + (1 - m) * meanStale(rate * m, L));
    return [
      { mode: 'CP (refuse on the minority side)', partitionMs: L, servedFraction: round(1 - m * share), staleFraction: 0 },
      { mode: 'AP (serve everywhere)', partitionMs: L, servedFraction: 1, staleFraction: round(staleAp) }
    ];
  });
}
