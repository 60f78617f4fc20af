// Drifting physical clocks in closed form: each clock's error against true time, with syncs.
import { parseArray, parseNumber, parseString, customOption, declareOptions, invalid, numberOption, type OptionsOf } from '../../core/options';
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

export const DRIFTING_CLOCK_OFFSETS_OPTIONS = declareOptions('driftingClockOffsets', {
  clocks: customOption<readonly DriftingClock[]>({
    doc: 'The clocks',
    expected: 'a non-empty array of {node, driftPpm, initialOffsetMs?, syncResidualMs?}',
    defaultText: 'four nodes at +25, −15, +40 and −35 ppm with small sync residuals',
    parse: (name, value) => {
      const clocks = parseArray<DriftingClock>(name, value, 'a non-empty array of {node, driftPpm}');
      clocks.forEach((c, i) => {
        parseString(`${name}[${i}].node`, c.node);
        parseNumber(`${name}[${i}].driftPpm`, c.driftPpm, -100_000, 100_000, 'ppm');
        parseNumber(`${name}[${i}].initialOffsetMs`, c.initialOffsetMs ?? 0, -1e9, 1e9, 'ms');
        parseNumber(`${name}[${i}].syncResidualMs`, c.syncResidualMs ?? 0, -1e9, 1e9, 'ms');
      });
      return clocks;
    }
  }),
  hours: numberOption({ doc: 'Length of the run', min: 0.01, max: 24 * 365, unit: 'h', default: 6 }),
  syncIntervalMin: numberOption({ doc: "Minutes between syncs; 0 means never (NTP's longest default poll is ~17 min; a slow cron-style sync shows the sawtooth)", min: 0, max: 1e6, unit: 'min', default: 64 }),
  sampleIntervalMin: numberOption({ doc: 'Minutes between samples (at most 20,000 samples per run)', min: 0.001, max: 1e6, unit: 'min', default: 2 })
});
export type DriftingClockOffsetsOptions = OptionsOf<typeof DRIFTING_CLOCK_OFFSETS_OPTIONS>;

/**
 * Physical-clock offsets from a linear drift model: offset grows by driftPpm × elapsed time
 * and a sync steps it back to the node's residual. Deterministic.
 */
export function driftingClockOffsets(options: DriftingClockOffsetsOptions = {}): ClockOffsetData {
  const parsed = DRIFTING_CLOCK_OFFSETS_OPTIONS.parse(options);
  const clocks = parsed.clocks ?? DEFAULT_CLOCKS;
  const { hours, syncIntervalMin: syncIntervalMin, sampleIntervalMin: sampleIntervalMin } = parsed;
  const endMs = hours * 3_600_000;
  const stepMs = sampleIntervalMin * 60_000;
  const syncMs = syncIntervalMin * 60_000;
  if (endMs / stepMs > 20_000) invalid('sampleIntervalMin', sampleIntervalMin, `at most 20000 samples over ${hours} h`);
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
