// Physical clocks: offset, drift in ppm, NTP-like syncs with an error bound.
import { Rng } from '../../core/rng';
import { declareOptions, numberOption, seedOption, type OptionsOf } from '../../core/options';

/** A node's hardware clock. */
export const PHYSICAL_CLOCK_OPTIONS = declareOptions('clock', {
  offsetMs: numberOption({ doc: 'Skew at the start: clock reading minus true time at time 0', min: -1e12, max: 1e12, unit: 'ms', default: 0 }),
  driftPpm: numberOption({ doc: 'Rate error in parts per million of true time: +100 gains 0.1 ms per second. Typical quartz: ±10..100', min: -1e6 + 1, max: 1e6, unit: 'ppm', default: 0 }),
  syncIntervalMs: numberOption({ doc: 'Synchronise (NTP-like) every this many ms of true time', min: 0.001, max: Infinity, unit: 'ms', defaultText: 'never' }),
  syncErrorMs: numberOption({ doc: 'Error bound of a sync: right after it the clock is off by a uniform draw in ±syncErrorMs', min: 0, max: Infinity, unit: 'ms', default: 1 }),
  seed: seedOption({ doc: 'Seed for the sync errors when the clock is used on its own (the simulator sets it)', default: 0 })
});
export type PhysicalClockOptions = OptionsOf<typeof PHYSICAL_CLOCK_OPTIONS>;

export const PHYSICAL_CLOCK_KEYS = PHYSICAL_CLOCK_OPTIONS.keys;

/**
 * reading(t) = reading right after the last sync + (t − last sync) × (1 + driftPpm·10⁻⁶).
 * Sync k (k = 1, 2, …) happens at true time k × syncIntervalMs and leaves the clock off by
 * syncErrorMs × (2u − 1), where u is a uniform draw made from the clock's own random stream
 * and k alone. So a reading is O(1) at any time (the last sync is ⌊t / syncIntervalMs⌋), it is
 * the same whatever was read before and in whatever order, and reading a clock never changes
 * any other random choice of the run. A sync steps the clock (it may jump backwards), which
 * is what experiments should show.
 */
export class PhysicalClock {
  readonly offsetMs: number;
  readonly driftPpm: number;
  readonly syncIntervalMs: number;
  readonly syncErrorMs: number;
  private readonly rate: number;
  /** Stream of the sync draws: sync k draws from `new Rng(k, syncStream)`. */
  private readonly syncStream: number;
  /** The last sync whose error was drawn (0: none yet), and that error in ms. */
  private syncIndexCached = 0;
  private syncErrorCachedMs = 0;

  constructor(options: PhysicalClockOptions = {}, random?: Rng) {
    const o = PHYSICAL_CLOCK_OPTIONS.parse(options);
    this.offsetMs = o.offsetMs;
    this.driftPpm = o.driftPpm;
    this.syncIntervalMs = o.syncIntervalMs ?? Infinity;
    this.syncErrorMs = o.syncErrorMs;
    this.syncStream = (random ?? new Rng(o.seed, 7)).nextUint32() >>> 1;
    this.rate = 1 + this.driftPpm * 1e-6;
  }

  /** The clock's reading at true time `trueMs`, in ms. */
  readMs(trueMs: number): number {
    if (!(trueMs >= this.syncIntervalMs)) return this.offsetMs + trueMs * this.rate; // before the first sync (or never)
    const k = this.syncIndexAt(trueMs);
    const syncMs = k * this.syncIntervalMs;
    return syncMs + this.syncErrorAt(k) + (trueMs - syncMs) * this.rate;
  }

  /** True time of the first sync after `trueMs`, in ms; Infinity for a clock that never syncs. */
  nextSyncAfterMs(trueMs: number): number {
    if (this.syncIntervalMs === Infinity) return Infinity;
    return (trueMs >= this.syncIntervalMs ? this.syncIndexAt(trueMs) + 1 : 1) * this.syncIntervalMs;
  }

  /** Index of the last sync at or before `trueMs` (>= syncIntervalMs): k with k × interval <= t < (k + 1) × interval. */
  private syncIndexAt(trueMs: number): number {
    const interval = this.syncIntervalMs;
    let k = Math.floor(trueMs / interval);
    // The division may round across a sync time: step back or on by one.
    if (k * interval > trueMs) k--;
    else if ((k + 1) * interval <= trueMs) k++;
    return k;
  }

  /** The error sync k leaves, in ms: a function of the clock's stream and k only. */
  private syncErrorAt(k: number): number {
    if (k !== this.syncIndexCached) {
      this.syncIndexCached = k;
      this.syncErrorCachedMs = this.syncErrorMs * (2 * new Rng(k, this.syncStream).next() - 1);
    }
    return this.syncErrorCachedMs;
  }

  /** Reading minus true time at `trueMs`, in ms. */
  errorMs(trueMs: number): number {
    return this.readMs(trueMs) - trueMs;
  }

  /** True time that passes while this clock advances by `localMs` (timers run on the local clock). */
  trueDurationMs(localMs: number): number {
    return localMs / this.rate;
  }
}

/** A physical clock with skew, drift and optional NTP-like sync. */
export function physicalClock(options?: PhysicalClockOptions): PhysicalClock {
  return new PhysicalClock(options ?? {});
}
