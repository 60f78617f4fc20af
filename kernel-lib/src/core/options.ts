/**
 * Options received at the public API: their declarations (name, unit, default, range and doc,
 * written once) and the checks derived from them. One phrasing for every input error:
 * `invalid dropProbability: 1.5 (expected 0..1)`, `unknown option: lossy (expected one of …)`.
 * Internal invariants use `assert` instead: a failure there is a bug, not bad input.
 */
import { captureFrames, cellReport, setLearnerFrames } from './cell-frames';

export class DistlabInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DistlabInputError';
    setLearnerFrames(this, captureFrames(new.target));
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return cellReport(this);
  }
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
export function parseNumber(name: string, value: unknown, min: number, max: number, unit = ''): number {
  const suffix = unit ? ` ${unit}` : '';
  const range = max === Infinity ? `a number >= ${min}${suffix}` : `${min}..${max}${suffix}`;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) invalid(name, value, range);
  return value;
}

/** An integer in [min, max]; returns it. */
export function parseInteger(name: string, value: unknown, min: number, max: number): number {
  const range = max === Infinity ? `an integer >= ${min}` : `an integer ${min}..${max}`;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) invalid(name, value, range);
  return value;
}

/** A seed: an integer 0..2^53 − 1; `undefined` gives `fallback`. Returns it. */
export function parseSeed(value: unknown, fallback = 1): number {
  return parseInteger('seed', value ?? fallback, 0, Number.MAX_SAFE_INTEGER);
}

/** A probability in [0, 1]; returns it. */
export function parseProbability(name: string, value: unknown): number {
  return parseNumber(name, value, 0, 1);
}

/** One of the listed strings; returns it. */
export function parseOneOf<T extends string>(name: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    invalid(name, value, `one of ${allowed.join(', ')}`);
  }
  return value as T;
}

/** A non-empty string; returns it. */
export function parseString(name: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) invalid(name, value, 'a non-empty string');
  return value;
}

/** Internal invariant. A failure is a bug in distlab, not in the learner's input. */
export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`distlab internal error: ${message}`);
}

/** A non-empty array; returned as is. */
export function parseArray<T>(name: string, value: unknown, expected: string): readonly T[] {
  if (!Array.isArray(value) || value.length === 0) invalid(name, value, expected);
  return value as T[];
}

// ---------------------------------------------------------------------------------------------
// Option declarations. Each option of a public function is declared once, with its doc, unit,
// default and range; from that one declaration come the validation, the unknown-key check, the
// Shift-Tab doc (kernel-lib/scripts/option-docs.cjs writes it into the .d.ts) and the ranges the
// notebooks' parameter controls are checked against.
// ---------------------------------------------------------------------------------------------

/** What a parameter control may offer for an option: read by tests and tools, never by a run. */
export type OptionControl =
  | { kind: 'range'; min: number; max: number; integer: boolean; unit: string }
  | { kind: 'choice'; values: readonly string[] }
  | { kind: 'boolean' }
  | { kind: 'seed' }
  | { kind: 'none' };

/** One declared option: `parse` checks a received value (never undefined) and returns it. */
export interface OptionSpec<T, HasDefault extends boolean = boolean> {
  readonly doc: string;
  /** The allowed values in words, as errors and docs state them: `0..1`, `one of CP, AP`. */
  readonly expected: string;
  readonly default: HasDefault extends true ? T : T | undefined;
  readonly hasDefault: HasDefault;
  readonly control: OptionControl;
  /** The default as docs print it (`20 ms`, `'crash'`), or what happens without one. */
  readonly defaultText: string | undefined;
  parse(name: string, value: unknown): T;
}

type SpecValue<S> = S extends { parse(name: string, value: unknown): infer T } ? T : never;
type SpecHasDefault<S> = S extends { hasDefault: true } ? true : S extends { required: true } ? true : false;

type RequiredKeys<D> = { [K in keyof D]: D[K] extends { required: true } ? K : never }[keyof D];
type OptionalKeys<D> = Exclude<keyof D, RequiredKeys<D>>;

/** The options object a caller passes: every declared option, optional unless declared required. */
export type OptionsOf<O> = O extends OptionSet<infer D>
  ? { [K in OptionalKeys<D>]?: SpecValue<D[K]> } & { [K in RequiredKeys<D>]: SpecValue<D[K]> }
  : never;

/** What `parse` returns: options with a default are always there. */
export type ParsedOptions<D> = { [K in keyof D]: SpecHasDefault<D[K]> extends true ? SpecValue<D[K]> : SpecValue<D[K]> | undefined };

type Declarations = Record<string, OptionSpec<any, boolean>>;

/** The options of one public function. */
export interface OptionSet<D extends Declarations> {
  /** The function whose options these are, as errors name it. */
  readonly where: string;
  readonly specs: D;
  readonly keys: readonly string[];
  /** Reject unknown keys, check each given value, fill defaults. */
  parse(options: unknown): ParsedOptions<D>;
  /** One line per option, for docs: `dropProbability: probability a message is lost; 0..1; default 0.4`. */
  describe(): string[];
}

const REGISTRY = new Map<string, OptionSet<Declarations>>();

/** Every declared option set, by function name: for the doc generator and the control-range test. */
export function declaredOptionSets(): ReadonlyMap<string, OptionSet<Declarations>> {
  return REGISTRY;
}

/** Declare the options of `where` (a public function's name). */
export function declareOptions<D extends Declarations>(where: string, specs: D): OptionSet<D> {
  const keys = Object.keys(specs);
  const set: OptionSet<D> = {
    where,
    specs,
    keys,
    parse(options: unknown): ParsedOptions<D> {
      rejectUnknownKeys(where, options as object | undefined, keys);
      const given = (options ?? {}) as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const key of keys) {
        // Own keys only: an option named like an Object.prototype member (valueOf) is not inherited.
        const value = Object.prototype.hasOwnProperty.call(given, key) ? given[key] : undefined;
        if (value === undefined && (specs[key] as { required?: boolean }).required) invalid(key, value, `${specs[key].expected} (required)`);
        out[key] = value === undefined ? specs[key].default : specs[key].parse(key, value);
      }
      return out as ParsedOptions<D>;
    },
    describe(): string[] {
      return keys.map((key) => `${key}: ${optionDoc(specs[key])}`);
    }
  };
  REGISTRY.set(where, set as unknown as OptionSet<Declarations>);
  return set;
}

/** The doc of one option as Shift-Tab shows it: its sentence, the range, the default. */
export function optionDoc(spec: OptionSpec<unknown>): string {
  const sentence = spec.doc.trim().replace(/\.?$/, '.');
  const range = spec.expected ? ` Allowed: ${spec.expected}.` : '';
  const fallback = (spec as { required?: boolean }).required ? ' Required.' : spec.defaultText === undefined ? '' : ` Default ${spec.defaultText}.`;
  return `${sentence}${range}${fallback}`;
}

interface Common<T> {
  doc: string;
  default?: T;
  /** Said in the doc when there is no default value: what happens without the option. */
  defaultText?: string;
}

function spec<T, D extends boolean>(
  common: Common<T>,
  expected: string,
  control: OptionControl,
  parse: (name: string, value: unknown) => T,
  show: (value: T) => string
): OptionSpec<T, D> {
  // A default is checked like a value: a declaration cannot state a default outside its range.
  if (common.default !== undefined) parse('default', common.default);
  return {
    doc: common.doc,
    expected,
    control,
    default: common.default as OptionSpec<T, D>['default'],
    hasDefault: (common.default !== undefined) as D,
    defaultText: common.defaultText ?? (common.default === undefined ? undefined : show(common.default)),
    parse
  };
}

function rangeText(min: number, max: number, unit: string, integer: boolean): string {
  const suffix = unit ? ` ${unit}` : '';
  const kind = integer ? 'an integer ' : '';
  if (max === Infinity) return `${integer ? 'an integer' : 'a number'} >= ${min}${suffix}`;
  return `${kind}${min}..${max}${suffix}`;
}

interface RangeOptions<T> extends Common<T> {
  min: number;
  max: number;
  unit?: string;
  /** Infinity is allowed as well as the range (for "never"). */
  infinity?: boolean;
}

/** A finite number in [min, max], with its unit. */
export function numberOption(o: RangeOptions<number> & { default: number }): OptionSpec<number, true>;
export function numberOption(o: RangeOptions<number>): OptionSpec<number, false>;
export function numberOption(o: RangeOptions<number>): OptionSpec<number> {
  const unit = o.unit ?? '';
  const expected = rangeText(o.min, o.max, unit, false) + (o.infinity ? ' or Infinity' : '');
  return spec(o, expected, { kind: 'range', min: o.min, max: o.max, integer: false, unit }, (name, value) => {
    if (o.infinity && value === Infinity) return Infinity;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < o.min || value > o.max) invalid(name, value, expected);
    return value;
  }, (value) => `${value}${unit ? ` ${unit}` : ''}`);
}

/** An integer in [min, max]. */
export function integerOption(o: RangeOptions<number> & { default: number }): OptionSpec<number, true>;
export function integerOption(o: RangeOptions<number>): OptionSpec<number, false>;
export function integerOption(o: RangeOptions<number>): OptionSpec<number> {
  const unit = o.unit ?? '';
  const expected = rangeText(o.min, o.max, unit, true);
  return spec(o, expected, { kind: 'range', min: o.min, max: o.max, integer: true, unit }, (name, value) => {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < o.min || value > o.max) invalid(name, value, expected);
    return value;
  }, (value) => `${value}${unit ? ` ${unit}` : ''}`);
}

/** A probability in [0, 1]. */
export function probabilityOption(o: Common<number> & { default: number }): OptionSpec<number, true>;
export function probabilityOption(o: Common<number>): OptionSpec<number, false>;
export function probabilityOption(o: Common<number>): OptionSpec<number> {
  return numberOption({ ...o, min: 0, max: 1 });
}

/** One of the listed strings. */
/** T as written, not inferred from this position (TypeScript 5.0 has no NoInfer). */
type Declared<T> = [T][T extends unknown ? 0 : never];

export function choiceOption<T extends string>(values: readonly T[], o: Common<Declared<T>> & { default: Declared<T> }): OptionSpec<T, true>;
export function choiceOption<T extends string>(values: readonly T[], o: Common<Declared<T>>): OptionSpec<T, false>;
export function choiceOption<T extends string>(values: readonly T[], o: Common<T>): OptionSpec<T> {
  const expected = `one of ${values.join(', ')}`;
  return spec(o, expected, { kind: 'choice', values }, (name, value) => parseOneOf(name, value, values), (value) => `'${value}'`);
}

/** true or false. */
export function booleanOption(o: Common<boolean> & { default: boolean }): OptionSpec<boolean, true>;
export function booleanOption(o: Common<boolean>): OptionSpec<boolean, false>;
export function booleanOption(o: Common<boolean>): OptionSpec<boolean> {
  return spec(o, 'true or false', { kind: 'boolean' }, (name, value) => {
    if (typeof value !== 'boolean') invalid(name, value, 'true or false');
    return value;
  }, String);
}

/** The seed of every random choice of a run: an integer 0..2^53 − 1. */
export function seedOption(o: Partial<Common<number>> = {}): OptionSpec<number, true> {
  return spec<number, true>(
    { doc: o.doc ?? 'Seed of every random choice; the same seed replays the same run', default: o.default ?? 1 },
    `an integer 0..${Number.MAX_SAFE_INTEGER}`,
    { kind: 'seed' },
    (name, value) => parseInteger(name, value, 0, Number.MAX_SAFE_INTEGER),
    String
  );
}

interface ListOptions<T> extends Common<readonly T[]> {
  /** Longest list accepted: a bound on the work the list asks for. */
  lengthMax: number;
}

/** A non-empty list of numbers, each in [min, max]. */
type NumberListOptions = ListOptions<number> & { min: number; max: number; unit?: string; integer?: boolean };
export function numberListOption(o: NumberListOptions & { default: readonly number[] }): OptionSpec<readonly number[], true>;
export function numberListOption(o: NumberListOptions): OptionSpec<readonly number[], false>;
export function numberListOption(o: NumberListOptions): OptionSpec<readonly number[]> {
  const unit = o.unit ?? '';
  const each = rangeText(o.min, o.max, unit, o.integer ?? false);
  const expected = `a list of 1..${o.lengthMax} values, each ${each}`;
  return spec(o, expected, { kind: 'none' }, (name, value) => {
    if (!Array.isArray(value) || value.length === 0 || value.length > o.lengthMax) invalid(name, value, expected);
    value.forEach((item, i) => (o.integer ? parseInteger(`${name}[${i}]`, item, o.min, o.max) : parseNumber(`${name}[${i}]`, item, o.min, o.max, unit)));
    return value as readonly number[];
  }, (value) => `[${value.join(', ')}]${unit ? ` ${unit}` : ''}`);
}

/** An option whose value has its own shape: `parse` checks it, `expected` says it in words. */
type CustomOptions<T> = Common<T> & { expected: string; parse: (name: string, value: unknown) => T };
export function customOption<T>(o: CustomOptions<T> & { default: T }): OptionSpec<T, true>;
export function customOption<T>(o: CustomOptions<T>): OptionSpec<T, false>;
export function customOption<T>(o: CustomOptions<T>): OptionSpec<T> {
  return spec(o, o.expected, { kind: 'none' }, o.parse, (value) => (typeof value === 'string' ? `'${value}'` : JSON.stringify(value)));
}

/** The same option, which every call must give: no default, and leaving it out is an error. */
export function required<T>(spec: OptionSpec<T, boolean>): OptionSpec<T, true> & { readonly required: true } {
  return { ...spec, required: true, defaultText: undefined } as OptionSpec<T, true> & { readonly required: true };
}
