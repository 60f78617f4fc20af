// Partitions: splitting the network into sides, and healing it.
import { checkNumber, invalid, rejectUnknownKeys } from '../../core/options';

/** When a partition starts and ends. */
export interface PartitionOptions {
  /** Start, in ms of virtual time. Default: now (0 before the run starts). */
  atMs?: number;
  /** End (heal this partition only), in ms. Default: lasts until `heal()`. */
  untilMs?: number;
  /** Block only messages from the first side to the second; the other direction still works. Default false (both directions). */
  oneWay?: boolean;
}

export interface SplitOptions {
  /** Nodes cut off as the minority. Default: the last ⌊(n−1)/2⌋ declared nodes. */
  minority?: string[];
  /** Start, in ms. Default: now. */
  atMs?: number;
  /** End, in ms. Default: lasts until `heal()`. */
  untilMs?: number;
}

export interface HealOptions {
  /** When every partition heals, in ms. Default: now. */
  atMs?: number;
}

export function checkPartitionOptions(where: string, options: PartitionOptions | undefined, nowMs: number): { atMs: number; untilMs: number; oneWay: boolean } {
  rejectUnknownKeys(where, options, ['atMs', 'untilMs', 'oneWay']);
  const o = options ?? {};
  const atMs = o.atMs === undefined ? nowMs : checkNumber('atMs', o.atMs, nowMs, Infinity, 'ms');
  const untilMs = o.untilMs === undefined ? Infinity : checkNumber('untilMs', o.untilMs, atMs, Infinity, 'ms');
  if (o.oneWay !== undefined && typeof o.oneWay !== 'boolean') invalid('oneWay', o.oneWay, 'true or false');
  return { atMs, untilMs, oneWay: o.oneWay ?? false };
}
