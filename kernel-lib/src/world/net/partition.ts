// Partitions: splitting the network into sides, and healing it.
import { booleanOption, parseArray, parseNumber, customOption, declareOptions, numberOption, rejectUnknownKeys, type OptionsOf } from '../../core/options';

const START_MS = numberOption({ doc: 'Start, in virtual time (not before now)', min: 0, max: Infinity, unit: 'ms', defaultText: 'now (0 before the run starts)' });
const END_MS = numberOption({ doc: 'End: heal this partition only (not before its start)', min: 0, max: Infinity, unit: 'ms', defaultText: 'lasts until heal()' });

/** When a partition starts and ends. */
export const PARTITION_OPTIONS = declareOptions('partition', {
  atMs: START_MS,
  untilMs: END_MS,
  oneWay: booleanOption({ doc: 'Block only messages from the first side to the second; the other direction still works', default: false })
});
export type PartitionOptions = OptionsOf<typeof PARTITION_OPTIONS>;

export const SPLIT_OPTIONS = declareOptions('split', {
  minority: customOption<string[]>({
    doc: 'Nodes cut off as the minority',
    expected: 'a non-empty array of node names',
    defaultText: 'the last ⌊(n−1)/2⌋ declared nodes',
    parse: (name, value) => [...parseArray<string>(name, value, 'a non-empty array of node names')]
  }),
  atMs: START_MS,
  untilMs: END_MS
});
export type SplitOptions = OptionsOf<typeof SPLIT_OPTIONS>;

export const HEAL_OPTIONS = declareOptions('heal', {
  atMs: numberOption({ doc: 'When every partition heals (not before now)', min: 0, max: Infinity, unit: 'ms', defaultText: 'now' })
});
export type HealOptions = OptionsOf<typeof HEAL_OPTIONS>;

export function checkPartitionOptions(where: string, options: PartitionOptions | undefined, nowMs: number): { atMs: number; untilMs: number; oneWay: boolean } {
  rejectUnknownKeys(where, options, PARTITION_OPTIONS.keys);
  const o = PARTITION_OPTIONS.parse(options);
  const atMs = o.atMs === undefined ? nowMs : parseNumber('atMs', o.atMs, nowMs, Infinity, 'ms');
  const untilMs = o.untilMs === undefined ? Infinity : parseNumber('untilMs', o.untilMs, atMs, Infinity, 'ms');
  return { atMs, untilMs, oneWay: o.oneWay };
}
