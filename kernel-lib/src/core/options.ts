/**
 * Checks for options received at the public API. One phrasing for every input error:
 * `invalid dropProbability: 1.5 (expected 0..1)`, `unknown option: lossy (expected one of …)`.
 * Internal invariants use `assert` instead: a failure there is a bug, not bad input.
 */

export class DistlabInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DistlabInputError';
    this.stack = learnerStack(this);
  }
}

/**
 * Keep only the stack frames of the learner's own code: frames inside distlab, tslab and
 * Node itself say nothing about which cell line passed the bad value.
 */
function learnerStack(error: Error): string {
  return [`${error.name}: ${error.message}`, ...learnerFrames(error.stack ?? '')].join('\n');
}

/**
 * The `at …` lines of a stack outside distlab's own code (its source or build), tslab and Node;
 * all of them if none is left (the caller is distlab itself, or its tests).
 */
export function learnerFrames(stack: string): string[] {
  const frames = stack.split('\n').filter((line) => /^\s+at /.test(line));
  const own = frames.filter((line) => !/[\\/]kernel-lib[\\/](src|dist)[\\/]|[\\/]node_modules[\\/](distlab|tslab)[\\/]|\(node:|at node:/.test(line));
  return own.length > 0 ? own : frames;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) return String(value);
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

/** Throw `invalid <name>: <value> (expected <expected>)`, and ` (seed=N)` when found during a run. */
export function invalid(name: string, value: unknown, expected: string, seed?: number): never {
  const message = `invalid ${name}: ${describe(value)} (expected ${expected})`;
  throw new DistlabInputError(seed === undefined ? message : `${message} (seed=${seed})`);
}

/** Reject keys of `options` that are not in `allowed`; a misspelt option never passes silently. */
export function rejectUnknownKeys(where: string, options: object | undefined, allowed: readonly string[]): void {
  if (options === undefined) return;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    invalid(where, options, 'an options object');
  }
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) {
      throw new DistlabInputError(`unknown option in ${where}: ${key} (expected one of ${allowed.join(', ')})`);
    }
  }
}

/** A finite number in [min, max]; returns it. */
export function checkNumber(name: string, value: unknown, min: number, max: number, unit = ''): number {
  const suffix = unit ? ` ${unit}` : '';
  const range = max === Infinity ? `a number >= ${min}${suffix}` : `${min}..${max}${suffix}`;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) invalid(name, value, range);
  return value;
}

/** An integer in [min, max]; returns it. */
export function checkInteger(name: string, value: unknown, min: number, max: number): number {
  const range = max === Infinity ? `an integer >= ${min}` : `an integer ${min}..${max}`;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) invalid(name, value, range);
  return value;
}

/** A seed: an integer 0..2^53 − 1; `undefined` gives `fallback`. Returns it. */
export function checkSeed(value: unknown, fallback = 1): number {
  return checkInteger('seed', value ?? fallback, 0, Number.MAX_SAFE_INTEGER);
}

/** A probability in [0, 1]; returns it. */
export function checkProbability(name: string, value: unknown): number {
  return checkNumber(name, value, 0, 1);
}

/** One of the listed strings; returns it. */
export function checkOneOf<T extends string>(name: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    invalid(name, value, `one of ${allowed.join(', ')}`);
  }
  return value as T;
}

/** A non-empty string; returns it. */
export function checkString(name: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) invalid(name, value, 'a non-empty string');
  return value;
}

/** Internal invariant. A failure is a bug in distlab, not in the learner's input. */
export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`distlab internal error: ${message}`);
}

/** A non-empty array; returned as is. */
export function checkArray<T>(name: string, value: unknown, expected: string): readonly T[] {
  if (!Array.isArray(value) || value.length === 0) invalid(name, value, expected);
  return value as T[];
}
