// The exercise runner: many seeded runs, the first failing seed, a counterexample diagram, one check output.
import { inspect } from 'util';
import { Displayable, MimeBundle, MIME_SVG, MIME_TEXT, inspectDisplayable } from '../core/mime';
import { spaceTimeDiagram } from '../figures/space-time-diagram';
import { declareOptions, DistlabInputError, integerOption, numberOption, rejectUnknownKeys, type OptionsOf } from '../core/options';
import { TraceEvent } from '../trace/event';
import { LearnerThrewError, LearnerTimeoutError } from './bounded-call';
import { CheckFailureKind, CheckMimeType, CheckResultV1 } from './check-result-mime';

export const MIME_CHECK: CheckMimeType = 'application/vnd.distlab.check.v1+json';

export const GRADE_OPTIONS = declareOptions('gradeExercise', {
  seed: integerOption({
    doc: 'Check only this seed (replays a failure the check printed)',
    min: 0,
    max: Number.MAX_SAFE_INTEGER,
    defaultText: 'seeds 1..seeds in turn'
  }),
  seeds: integerOption({ doc: 'How many seeds to try', min: 1, max: 100_000, default: 200 }),
  callTimeoutMs: numberOption({ doc: 'Budget for one call of your function; past it the check stops with a timeout', min: 1, max: 600_000, unit: 'ms', default: 1000 })
});
export type GradeOptions = OptionsOf<typeof GRADE_OPTIONS>;

/** What a single seeded run found wrong: a message and the trace to draw. */
export interface RunFailure {
  message: string;
  events: readonly TraceEvent[];
  nodes?: readonly string[];
  description?: string;
  /** Default 'wrong'; 'invalid' when the function returned something of the wrong shape. */
  kind?: CheckFailureKind;
}

/** Context handed to an exercise's run: the seed and the bounded-call settings. */
export interface RunContext {
  seed: number;
  callTimeoutMs: number;
}

export interface ExerciseDefinition<F> {
  id: string;
  title: string;
  /** Signature the learner writes, shown in messages. */
  signature: string;
  /** One seeded run: returns null when every invariant held. */
  run(fn: F, context: RunContext): RunFailure | null;
  /**
   * The deliberately wrong first try the notebook hands out. A function that fails at the same
   * seed with the same message behaves like it there, so its run is not counted as an attempt.
   */
  starter: F;
}

/** A check's result: displays as one output (JSON for the lab, SVG diagram, text). */
export class ExerciseResult implements Displayable {
  constructor(readonly result: CheckResultV1, private readonly diagramSvg: string | null) {}

  get passed(): boolean {
    return this.result.passed;
  }

  get seed(): number | null {
    return this.result.seed;
  }

  get message(): string {
    return this.result.message;
  }

  toText(): string {
    const r = this.result;
    if (r.passed) return `✔ ${r.title}: passed ${r.runs} seeded runs. ${r.message}`;
    if (r.starter) return [`Starter code: ${r.title} (not counted as an attempt). ${r.message}`, 'This is the deliberately wrong first try: read the counterexample, change the function, and run the cell again.'].join('\n');
    return [`✘ ${r.title}: failed (seed ${r.seed}). ${r.message}`, r.counterexample ? `Counterexample: ${r.counterexample.description}` : '', r.replay ? `Replay: ${r.replay}` : '']
      .filter((line) => line !== '')
      .join('\n');
  }

  toMimeBundle(): MimeBundle {
    const data: Record<string, unknown> = { [MIME_CHECK]: this.result, [MIME_TEXT]: this.toText() };
    if (this.diagramSvg !== null) data[MIME_SVG] = this.diagramSvg;
    return { data };
  }

  [inspect.custom](depth: number, options: { depth?: number | null }): string {
    return inspectDisplayable(this, this.toText(), depth, options);
  }

  toString(): string {
    return this.toText();
  }
}

/** Seeds past the first failure on which a function must also fail as the starter does to count as it. */
const STARTER_SEEDS_AFTER = 20;

/**
 * `fn`, which first failed at `seed`, behaves as the starter code: the same outcome (pass, or
 * the same failure message) on every seed up to `seed` + STARTER_SEEDS_AFTER.
 */
function failsLikeStarter<F>(definition: ExerciseDefinition<F>, fn: F, seeds: readonly number[], seed: number, callTimeoutMs: number): boolean {
  const outcome = (f: F, s: number): string | null => {
    try {
      return definition.run(f, { seed: s, callTimeoutMs })?.message ?? null;
    } catch (error) {
      return `threw ${String(error)}`;
    }
  };
  const compared = seeds.length === 1 ? seeds : Array.from({ length: seed + STARTER_SEEDS_AFTER }, (_, i) => i + 1);
  return compared.every((s) => outcome(definition.starter, s) === outcome(fn, s));
}

/** Run an exercise's invariants over many seeds; stop at the first failing seed. */
export function runCheck<F>(definition: ExerciseDefinition<F>, fn: F, options: GradeOptions = {}): ExerciseResult {
  // Named after the exercise, so a misspelt option says which check it was given to.
  rejectUnknownKeys(`gradeExercise('${definition.id}')`, options, GRADE_OPTIONS.keys);
  if (typeof fn !== 'function') throw new DistlabInputError(`invalid function for ${definition.id}: ${typeof fn} (expected a function ${definition.signature})`);
  const { seed: onlySeed, seeds: seedsCount, callTimeoutMs } = GRADE_OPTIONS.parse(options);
  const seeds = onlySeed !== undefined ? [onlySeed] : Array.from({ length: seedsCount }, (_, i) => i + 1);
  const replayCall = (seed: number) => `dl.gradeExercise('${definition.id}', yourFunction, { seed: ${seed} })`;
  let runs = 0;
  for (const seed of seeds) {
    runs++;
    let failure: RunFailure | null;
    let kind: CheckFailureKind = 'wrong';
    try {
      failure = definition.run(fn, { seed, callTimeoutMs });
    } catch (error) {
      if (error instanceof LearnerTimeoutError) {
        kind = 'timeout';
        failure = { message: `Your function ${error.message}.`, events: [] };
      } else if (error instanceof LearnerThrewError) {
        kind = 'threw';
        failure = { message: `Your function threw ${error.message}.`, events: [] };
      } else throw error;
    }
    if (failure === null) continue;
    kind = failure.kind ?? kind;
    const nodes = failure.nodes ?? [...new Set(failure.events.map((e) => e.node))];
    let svg: string | null = null;
    if (failure.events.length > 0) {
      svg = spaceTimeDiagram(failure.events, { title: `Counterexample: ${definition.title} (seed ${seed})`, nodes: failure.nodes, widthPx: 560 }).svg();
    }
    const result: CheckResultV1 = {
      version: 1,
      exercise: definition.id,
      title: definition.title,
      passed: false,
      starter: kind === 'wrong' && failsLikeStarter(definition, fn, seeds, seed, callTimeoutMs),
      seed,
      runs,
      message: failure.message,
      failure: kind,
      counterexample: failure.events.length > 0 ? { description: failure.description ?? failure.message, nodes: [...nodes], events: failure.events.length } : null,
      replay: replayCall(seed)
    };
    return new ExerciseResult(result, svg);
  }
  return new ExerciseResult(
    { version: 1, exercise: definition.id, title: definition.title, passed: true, starter: false, seed: null, runs, message: `Every invariant held on ${runs === 1 ? `seed ${seeds[0]}` : `seeds 1..${runs}`}.`, failure: null, counterexample: null, replay: null },
    null
  );
}
