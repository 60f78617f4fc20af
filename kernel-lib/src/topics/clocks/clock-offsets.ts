// Drifting physical clocks in closed form: each clock's error against true time, with syncs.
import { checkNumber, checkString, invalid, rejectUnknownKeys, checkArray } from '../../core/options';
import { round } from '../../core/numbers';

/** One reading of a node's clock error: its clock minus true time, in ms. */
export interface ClockOffsetSample {
  node: string;
  timeMs: number;
  offsetMs: number;
}

/** A clock synchronisation (NTP step) of one node at true time `timeMs`. */
export interface ClockSyncMark {
  node: string;
  timeMs: number;
}

export interface ClockOffsetData {
  samples: readonly ClockOffsetSample[];
  syncs?: readonly ClockSyncMark[];
}

/** One node of the drift model. */
export interface DriftingClock {
  node: string;
  /** Rate error in parts per million: +20 gains 72 ms per hour. */
  driftPpm: number;
  /** Offset at time 0, in ms. Default: 0. */
  initialOffsetMs?: number;
  /** Offset left right after each sync (the sync's own error), in ms. Default: 0. */
  syncResidualMs?: number;
}

export interface DriftingClockOffsetsOptions {
  /** The clocks. Default: four nodes at +25, −15, +40 and −35 ppm with small sync residuals. */
  clocks?: readonly DriftingClock[];
  /** Length of the run in hours. Default: 6 h. */
  hours?: number;
  /** Minutes between syncs; 0 means never. Default: 64 min (NTP's longest default poll is ~17 min; a slow cron-style sync shows the sawtooth). */
  syncEveryMinutes?: number;
  /** Minutes between samples. Default: 2 min. */
  sampleEveryMinutes?: number;
}

/**
 * Physical-clock offsets from a linear drift model: offset grows by driftPpm × elapsed time
 * and a sync steps it back to the node's residual. Deterministic.
 */
export function driftingClockOffsets(options: DriftingClockOffsetsOptions = {}): ClockOffsetData {
  rejectUnknownKeys('driftingClockOffsets', options, ['clocks', 'hours', 'syncEveryMinutes', 'sampleEveryMinutes']);
  const clocks = checkArray<DriftingClock>('clocks', options.clocks ?? DEFAULT_CLOCKS, 'a non-empty array of {node, driftPpm}');
  clocks.forEach((c, i) => {
    checkString(`clocks[${i}].node`, c.node);
    checkNumber(`clocks[${i}].driftPpm`, c.driftPpm, -100_000, 100_000, 'ppm');
    checkNumber(`clocks[${i}].initialOffsetMs`, c.initialOffsetMs ?? 0, -1e9, 1e9, 'ms');
    checkNumber(`clocks[${i}].syncResidualMs`, c.syncResidualMs ?? 0, -1e9, 1e9, 'ms');
  });
  const hours = checkNumber('hours', options.hours ?? 6, 0.01, 24 * 365, 'h');
  const syncEveryMinutes = checkNumber('syncEveryMinutes', options.syncEveryMinutes ?? 64, 0, 1e6, 'min');
  const sampleEveryMinutes = checkNumber('sampleEveryMinutes', options.sampleEveryMinutes ?? 2, 0.001, 1e6, 'min');
  const endMs = hours * 3_600_000;
  const stepMs = sampleEveryMinutes * 60_000;
  const syncMs = syncEveryMinutes * 60_000;
  if (endMs / stepMs > 20_000) invalid('sampleEveryMinutes', sampleEveryMinutes, `at most 20000 samples over ${hours} h`);
  const samples: ClockOffsetSample[] = [];
  const syncs: ClockSyncMark[] = [];
  for (const c of clocks) {
    const rate = c.driftPpm / 1e6;
    let baseMs = 0;
    let baseOffsetMs = c.initialOffsetMs ?? 0;
    const times: number[] = [];
    for (let t = 0; t <= endMs + 1e-9; t += stepMs) times.push(t);
    if (syncMs > 0) for (let t = syncMs; t < endMs; t += syncMs) times.push(t);
    const uniqueTimes = [...new Set(times)].sort((a, b) => a - b);
    for (const t of uniqueTimes) {
      const isSync = syncMs > 0 && t > 0 && Math.abs(t / syncMs - Math.round(t / syncMs)) < 1e-9 && t < endMs;
      const before = baseOffsetMs + rate * (t - baseMs);
      samples.push({ node: c.node, timeMs: round(t), offsetMs: round(before) });
      if (isSync) {
        baseMs = t;
        baseOffsetMs = c.syncResidualMs ?? 0;
        syncs.push({ node: c.node, timeMs: round(t) });
        samples.push({ node: c.node, timeMs: round(t), offsetMs: round(baseOffsetMs) });
      }
    }
  }
  return { samples, syncs };
}

const DEFAULT_CLOCKS: DriftingClock[] = [
  { node: 'n1', driftPpm: 25, initialOffsetMs: 3, syncResidualMs: 2 },
  { node: 'n2', driftPpm: -15, initialOffsetMs: -6, syncResidualMs: -3 },
  { node: 'n3', driftPpm: 40, initialOffsetMs: 0, syncResidualMs: 4 },
  { node: 'n4', driftPpm: -35, initialOffsetMs: 8, syncResidualMs: -1 }
];
