// Faults of the simulated world: crash, restart, pause, slow, byzantine; their checked options.
import { checkNumber, invalid, rejectUnknownKeys } from '../../core/options';

/** When a fault happens. */
export interface FaultTimeOptions {
  /** Virtual time at which it happens, in ms. Default: now (0 before the run starts). */
  atMs?: number;
}

export interface CrashOptions extends FaultTimeOptions {
  /** Restart the node this many ms after the crash. Default: stays down. */
  restartAfterMs?: number;
  /** On that restart, keep the node's durable state (its "disk"); false also wipes it. Default true. */
  keepDurable?: boolean;
}

export interface RestartOptions extends FaultTimeOptions {
  /** Keep the node's durable state (its "disk"); false starts from a blank disk. Default true. Volatile state is always reset. */
  keepDurable?: boolean;
}

export interface PauseOptions extends FaultTimeOptions {
  /** How long the node stalls (a GC pause, a VM migration), in ms. Messages and timers wait until it resumes. Required. */
  durationMs: number;
}

export interface SlowOptions extends FaultTimeOptions {
  /** Extra delay on every message the node sends or receives, in ms. Required. */
  extraDelayMs: number;
  /** When the node recovers its speed, in ms of virtual time. Default: never. */
  untilMs?: number;
}

/** A message a node is about to send, as a byzantine hook sees it. */
export interface OutgoingMessage {
  /** Receiver node name. */
  to: string;
  /** Message type. */
  type: string;
  /** Payload. */
  body?: any;
}

/**
 * Byzantine behaviour: called for every message the node sends. Return `undefined` to send it
 * unchanged, or a list of messages to send instead (empty: send nothing). A hook can lie, drop
 * or equivocate (tell different peers different things). `random` is a number in [0, 1) drawn
 * from the run's seed.
 */
export type ByzantineHook = (message: OutgoingMessage, random: number) => OutgoingMessage[] | undefined;

/** Resolved time of a fault: `atMs` or now, never in the past. */
export function faultTimeMs(where: string, atMs: number | undefined, nowMs: number): number {
  if (atMs === undefined) return nowMs;
  return checkNumber(`${where} atMs`, atMs, nowMs, Infinity, 'ms');
}

export function checkCrash(options: CrashOptions | undefined): CrashOptions {
  rejectUnknownKeys('crash', options, ['atMs', 'restartAfterMs', 'keepDurable']);
  const o = options ?? {};
  if (o.restartAfterMs !== undefined) checkNumber('restartAfterMs', o.restartAfterMs, 0, Infinity, 'ms');
  if (o.keepDurable !== undefined && typeof o.keepDurable !== 'boolean') invalid('keepDurable', o.keepDurable, 'true or false');
  return o;
}

export function checkRestart(options: RestartOptions | undefined): RestartOptions {
  rejectUnknownKeys('restart', options, ['atMs', 'keepDurable']);
  const o = options ?? {};
  if (o.keepDurable !== undefined && typeof o.keepDurable !== 'boolean') invalid('keepDurable', o.keepDurable, 'true or false');
  return o;
}

export function checkPause(options: PauseOptions): PauseOptions {
  rejectUnknownKeys('pause', options, ['atMs', 'durationMs']);
  if (options === undefined) invalid('pause options', options, '{ durationMs }');
  checkNumber('durationMs', options.durationMs, 0, Infinity, 'ms');
  return options;
}

export function checkSlow(options: SlowOptions): SlowOptions {
  rejectUnknownKeys('slow', options, ['atMs', 'untilMs', 'extraDelayMs']);
  if (options === undefined) invalid('slow options', options, '{ extraDelayMs }');
  checkNumber('extraDelayMs', options.extraDelayMs, 0, Infinity, 'ms');
  return options;
}

export function checkByzantineHook(hook: unknown): ByzantineHook {
  if (typeof hook !== 'function') invalid('hook', hook, 'a function (message, random) => messages or undefined');
  return hook as ByzantineHook;
}
