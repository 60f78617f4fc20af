// Physical clocks: offset, drift in ppm, NTP-like syncs with an error bound.
import { Rng } from '../../core/rng';
import { checkNumber, checkSeed, rejectUnknownKeys } from '../../core/options';

/** A node's hardware clock. */
export interface PhysicalClockOptions {
  /** Skew at the start: clock reading minus true time at time 0, in ms. Default 0. */
  offsetMs?: number;
  /** Rate error in parts per million of true time: +100 gains 0.1 ms per second. Default 0. Typical quartz: ±10..100. */
  driftPpm?: number;
  /** Synchronise (NTP-like) every this many ms of true time. Default: never. */
  syncIntervalMs?: number;
  /** Error bound of a sync: right after it the clock is off by a uniform draw in ±syncErrorMs, in ms. Default 1. */
  syncErrorMs?: number;
  /** Seed for the sync errors when the clock is used on its own (the simulator sets it). Default 0. */
  seed?: number;
}

export const PHYSICAL_CLOCK_KEYS = ['offsetMs', 'driftPpm', 'syncIntervalMs', 'syncErrorMs', 'seed'];

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
    rejectUnknownKeys('clock', options, PHYSICAL_CLOCK_KEYS);
    this.offsetMs = checkNumber('offsetMs', options.offsetMs ?? 0, -1e12, 1e12, 'ms');
    this.driftPpm = checkNumber('driftPpm', options.driftPpm ?? 0, -1e6 + 1, 1e6, 'ppm');
    this.syncIntervalMs =
      options.syncIntervalMs === undefined ? Infinity : checkNumber('syncIntervalMs', options.syncIntervalMs, 0.001, Infinity, 'ms');
    this.syncErrorMs = checkNumber('syncErrorMs', options.syncErrorMs ?? 1, 0, Infinity, 'ms');
    this.syncStream = (random ?? new Rng(checkSeed(options.seed, 0), 7)).nextUint32() >>> 1;
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
