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
 * reading(t) = reading at the last sync + (t − last sync) × (1 + driftPpm·10⁻⁶).
 * Syncs are applied lazily when the clock is read, from the clock's own random stream,
 * so reading a clock never changes any other random choice of the run.
 * A sync steps the clock (it may jump backwards), which is what experiments should show.
 */
export class PhysicalClock {
  readonly offsetMs: number;
  readonly driftPpm: number;
  readonly syncIntervalMs: number;
  readonly syncErrorMs: number;
  private readonly rate: number;
  private readonly random: Rng;
  private baseTrueMs = 0;
  private baseReadingMs: number;
  private nextSyncMs: number;

  constructor(options: PhysicalClockOptions = {}, random?: Rng) {
    rejectUnknownKeys('clock', options, PHYSICAL_CLOCK_KEYS);
    this.offsetMs = checkNumber('offsetMs', options.offsetMs ?? 0, -1e12, 1e12, 'ms');
    this.driftPpm = checkNumber('driftPpm', options.driftPpm ?? 0, -1e6 + 1, 1e6, 'ppm');
    this.syncIntervalMs =
      options.syncIntervalMs === undefined ? Infinity : checkNumber('syncIntervalMs', options.syncIntervalMs, 0.001, Infinity, 'ms');
    this.syncErrorMs = checkNumber('syncErrorMs', options.syncErrorMs ?? 1, 0, Infinity, 'ms');
    this.random = random ?? new Rng(checkSeed(options.seed, 0), 7);
    this.rate = 1 + this.driftPpm * 1e-6;
    this.baseReadingMs = this.offsetMs;
    this.nextSyncMs = this.syncIntervalMs;
  }

  /** The clock's reading at true time `trueMs`, in ms. Read at non-decreasing times. */
  readMs(trueMs: number): number {
    while (trueMs >= this.nextSyncMs) {
      this.baseTrueMs = this.nextSyncMs;
      this.baseReadingMs = this.nextSyncMs + this.syncErrorMs * (2 * this.random.next() - 1);
      this.nextSyncMs += this.syncIntervalMs;
    }
    return this.baseReadingMs + (trueMs - this.baseTrueMs) * this.rate;
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
