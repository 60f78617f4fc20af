// Faults of the simulated world: crash, restart, pause, slow, byzantine; their checked options.
import { booleanOption, parseNumber, declareOptions, invalid, numberOption, required, type OptionsOf } from '../../core/options';

const AT_MS = numberOption({ doc: 'Virtual time at which it happens (not before now)', min: 0, max: Infinity, unit: 'ms', defaultText: 'now (0 before the run starts)' });
const KEEP_DURABLE = booleanOption({ doc: 'Keep the node\'s durable state (its "disk"); false starts from a blank disk. Volatile state is always reset', default: true });

export const CRASH_OPTIONS = declareOptions('crash', {
  atMs: AT_MS,
  restartAfterMs: numberOption({ doc: 'Restart the node this many ms after the crash', min: 0, max: Infinity, unit: 'ms', defaultText: 'stays down' }),
  keepDurable: KEEP_DURABLE
});
export type CrashOptions = OptionsOf<typeof CRASH_OPTIONS>;

export const RESTART_OPTIONS = declareOptions('restart', { atMs: AT_MS, keepDurable: KEEP_DURABLE });
export type RestartOptions = OptionsOf<typeof RESTART_OPTIONS>;

export const PAUSE_OPTIONS = declareOptions('pause', {
  atMs: AT_MS,
  durationMs: required(numberOption({ doc: 'How long the node stalls (a GC pause, a VM migration). Messages and timers wait until it resumes', min: 0, max: Infinity, unit: 'ms' }))
});
export type PauseOptions = OptionsOf<typeof PAUSE_OPTIONS>;

export const SLOW_OPTIONS = declareOptions('slow', {
  atMs: AT_MS,
  extraDelayMs: required(numberOption({ doc: 'Extra delay on every message the node sends or receives', min: 0, max: Infinity, unit: 'ms' })),
  untilMs: numberOption({ doc: 'When the node recovers its speed, in virtual time', min: 0, max: Infinity, unit: 'ms', defaultText: 'never' })
});
export type SlowOptions = OptionsOf<typeof SLOW_OPTIONS>;

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
  return parseNumber(`${where} atMs`, atMs, nowMs, Infinity, 'ms');
}

export function checkCrash(options: CrashOptions | undefined): CrashOptions {
  return CRASH_OPTIONS.parse(options);
}

export function checkRestart(options: RestartOptions | undefined): RestartOptions {
  return RESTART_OPTIONS.parse(options);
}

export function checkPause(options: PauseOptions): PauseOptions {
  if (options === undefined) invalid('pause options', options, '{ durationMs }');
  return PAUSE_OPTIONS.parse(options);
}

export function checkSlow(options: SlowOptions): SlowOptions {
  if (options === undefined) invalid('slow options', options, '{ extraDelayMs }');
  return SLOW_OPTIONS.parse(options);
}

export function checkByzantineHook(hook: unknown): ByzantineHook {
  if (typeof hook !== 'function') invalid('hook', hook, 'a function (message, random) => messages or undefined');
  return hook as ByzantineHook;
}
