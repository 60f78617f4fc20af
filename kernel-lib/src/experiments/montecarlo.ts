// Monte Carlo over seeds and a parameter grid, with bounded memory (samples streamed).
import { describeThrown } from '../core/errors';
import { customOption, declareOptions, integerOption, invalid, rejectUnknownKeys, seedOption, type OptionsOf } from '../core/options';
import { cellReport, framesOfThrown, setLearnerFrames } from '../core/cell-frames';
import { CONFIDENCE_OPTION, MetricAccumulator, MetricSummary } from './stats';

/** One run of a Monte Carlo experiment, as the scenario receives it. */
export interface Trial {
  /** Seed for this run: pass it to `simulation({ seed })`. */
  seed: number;
  /** This grid point's parameters. */
  params: Record<string, any>;
  /** Whether this run should record a trace: pass it to `simulation({ trace })`. */
  trace: boolean;
}

/** What a scenario returns: one number or boolean, or several named ones. */
export type TrialOutcome = number | boolean | Record<string, number | boolean>;

/** A scenario: build a simulation from the trial, run it, return metrics. */
export type Scenario = (trial: Trial) => TrialOutcome;

/** A parameter grid: each key lists values; every combination is run. */
export type ParameterGrid = Record<string, any[]>;

/** One metric at one grid point. */
export interface MonteCarloRow extends MetricSummary {
  /** Grid point. */
  params: Record<string, any>;
  /** Metric name (`value` when the scenario returns a bare number or boolean). */
  metric: string;
}

export interface MonteCarloResult {
  /** One row per grid point and metric. */
  rows: MonteCarloRow[];
  /** Total runs. */
  runs: number;
  /** Seeds used at every grid point (made when read). */
  seeds: number[];
  /** Rows flattened for charts: params spread next to metric and statistics. */
  records(): Array<Record<string, any>>;
  /** The row of one metric at one grid point (params matched by value). */
  row(params: Record<string, any>, metric?: string): MonteCarloRow | undefined;
}

/**
 * Most runs (seeds × grid points) one Monte Carlo call makes. The simplest scenario of the
 * README (a client and 5 replicas, 10 messages) runs about 17,000 times a second on one core:
 * 10,000,000 runs take about 10 minutes, about as long as a learner watches a progress bar.
 */
export const MONTE_CARLO_RUNS_MAX = 10_000_000;
/** `step` records outcomes in batches of this many, so what it holds stays small. */
const RECORD_EVERY = 1024;

/** Grid points as a caller states them: how many, each key a non-empty list. */
function checkGrid(name: string, grid: unknown): ParameterGrid {
  if (grid === null || typeof grid !== 'object' || Array.isArray(grid)) invalid(name, grid, 'an object of value arrays');
  let count = 1;
  for (const [key, values] of Object.entries(grid)) {
    if (!Array.isArray(values) || values.length === 0) invalid(`${name}.${key}`, values, 'a non-empty array of values');
    count *= values.length;
  }
  if (count > MONTE_CARLO_RUNS_MAX) invalid(name, `${count} points`, `at most ${MONTE_CARLO_RUNS_MAX} points × seeds`);
  return grid as ParameterGrid;
}

// Order matters: `run` and `grid` are checked before `seeds`, whose bound depends on the grid.
export const MONTE_CARLO_OPTIONS = declareOptions('monteCarlo', {
  run: customOption<Scenario>({
    doc: 'The scenario: build a simulation from the trial, run it, return metrics. Required',
    defaultText: 'none (required)',
    expected: 'a function (trial) => metrics',
    parse: (name, value) => {
      if (typeof value !== 'function') invalid(name, value, 'a function (trial) => metrics');
      return value as Scenario;
    }
  }),
  grid: customOption<ParameterGrid>({
    doc: 'Parameter grid: each key lists values; every combination is run, e.g. `{ dropProbability: [0, 0.01, 0.1] }`',
    defaultText: 'one point with no parameters',
    expected: 'an object of value arrays',
    parse: checkGrid
  }),
  seeds: integerOption({
    doc: 'Runs (seeds) per grid point; seeds × grid points is at most 10,000,000',
    min: 1,
    max: MONTE_CARLO_RUNS_MAX,
    default: 100
  }),
  firstSeed: seedOption({ doc: 'First seed; seeds are firstSeed, firstSeed + 1, … (the same at every grid point)' }),
  traceEvery: integerOption({
    doc: 'Trace one run in every `traceEvery` (the first of each block), 0 for none: tracing costs time',
    min: 0,
    max: Number.MAX_SAFE_INTEGER,
    default: 0
  }),
  confidence: CONFIDENCE_OPTION
});
export type MonteCarloOptions = OptionsOf<typeof MONTE_CARLO_OPTIONS>;

function gridPoints(grid: ParameterGrid): Array<Record<string, any>> {
  let points: Array<Record<string, any>> = [{}];
  for (const key of Object.keys(grid)) {
    const next: Array<Record<string, any>> = [];
    for (const point of points) for (const value of grid[key]) next.push({ ...point, [key]: value });
    points = next;
  }
  return points;
}

/**
 * A Monte Carlo experiment that runs in steps: `step(runsMax)` makes up to that many more runs,
 * so a caller can report progress and yield between steps (`monteCarloAsync`). Each metric's
 * samples stream into a `MetricAccumulator`, and a grid point's rows are made when its last seed
 * has run, so memory stays bounded whatever the number of runs.
 */
export class MonteCarloRunner {
  /** Runs this experiment makes: seeds × grid points. */
  readonly runsTotal: number;
  /** Runs made so far. */
  runsDone = 0;
  /** Seed of the run in progress or the next one; after an error, the seed that raised it. */
  currentSeed: number;
  private readonly run: (trial: Trial) => TrialOutcome;
  private readonly seedCount: number;
  private readonly firstSeed: number;
  private readonly traceEvery: number;
  private readonly confidence: number;
  private readonly points: Array<Record<string, any>>;
  private readonly rows: MonteCarloRow[] = [];
  private pointIndex = 0;
  private seedIndex = 0;
  private metrics = new Map<string, MetricAccumulator>();

  /**
   * `where` and `extraKeys` serve a caller with options of its own (`monteCarloAsync` and its
   * `progress`): unknown keys are named against all of them, and the caller checks its own.
   */
  constructor(options: MonteCarloOptions, where = MONTE_CARLO_OPTIONS.where, extraKeys: readonly string[] = []) {
    let given: unknown = options;
    if (where !== MONTE_CARLO_OPTIONS.where || extraKeys.length > 0) {
      rejectUnknownKeys(where, options, [...MONTE_CARLO_OPTIONS.keys, ...extraKeys]);
      given = Object.fromEntries(Object.entries(options ?? {}).filter(([key]) => !extraKeys.includes(key)));
    }
    const { run, grid, seeds, firstSeed, traceEvery, confidence } = MONTE_CARLO_OPTIONS.parse(given);
    if (run === undefined) invalid('run', run, 'a function (trial) => metrics');
    this.points = gridPoints(grid ?? {});
    const seedsMax = Math.floor(MONTE_CARLO_RUNS_MAX / this.points.length);
    if (seeds > seedsMax) invalid('seeds', seeds, `an integer 1..${seedsMax} at ${this.points.length} grid points, ${MONTE_CARLO_RUNS_MAX} runs in all`);
    if (firstSeed > Number.MAX_SAFE_INTEGER - seeds) invalid('firstSeed', firstSeed, `an integer 0..${Number.MAX_SAFE_INTEGER - seeds}`);
    this.seedCount = seeds;
    this.firstSeed = firstSeed;
    this.traceEvery = traceEvery;
    this.confidence = confidence;
    this.run = run;
    this.runsTotal = seeds * this.points.length;
    this.currentSeed = this.firstSeed;
  }

  /** True when every run is made. */
  get done(): boolean {
    return this.runsDone === this.runsTotal;
  }

  /** Make up to `runsMax` more runs; returns `done`. */
  step(runsMax: number): boolean {
    const outcomes: TrialOutcome[] = [];
    for (let left = runsMax; left > 0 && !this.done; left -= RECORD_EVERY) {
      this.collect(Math.min(left, RECORD_EVERY), outcomes);
      this.record(outcomes);
      outcomes.length = 0;
    }
    return this.done;
  }

  /**
   * Make up to `runsMax` runs after those recorded, pushing each checked outcome onto `outcomes`
   * (empty at the start). Nothing of the runner changes but `currentSeed`, so a step stopped
   * half way by a watchdog loses only the run it was in: `record` what it pushed and go on.
   */
  collect(runsMax: number, outcomes: TrialOutcome[]): void {
    const runs = Math.min(runsMax, this.runsTotal - this.runsDone);
    const seedCount = this.seedCount;
    const traceEvery = this.traceEvery;
    let pointIndex = this.pointIndex;
    let i = this.seedIndex;
    while (outcomes.length < runs) {
      const params = this.points[pointIndex];
      const seed = this.firstSeed + i;
      this.currentSeed = seed;
      let outcome: TrialOutcome;
      try {
        outcome = this.run({ seed, params, trace: traceEvery > 0 && i % traceEvery === 0 });
      } catch (thrown) {
        throw MonteCarloRunError.of(thrown, seed, params, Object.keys(params).length > 0);
      }
      this.check(outcome, seed, params);
      outcomes.push(outcome);
      if (++i === seedCount) {
        i = 0;
        pointIndex++;
      }
    }
  }

  /** Add outcomes that `collect` made, in its order, to the summaries. */
  record(outcomes: readonly TrialOutcome[]): void {
    for (const outcome of outcomes) {
      if (typeof outcome === 'number' || typeof outcome === 'boolean') {
        this.add('value', outcome);
      } else {
        for (const key of Object.keys(outcome)) this.add(key, outcome[key]);
      }
      this.runsDone++;
      if (++this.seedIndex === this.seedCount) this.finishPoint();
    }
    if (!this.done) this.currentSeed = this.firstSeed + this.seedIndex;
  }

  /** The summary; every run must be made. */
  result(): MonteCarloResult {
    if (!this.done) invalid('result', `${this.runsDone} of ${this.runsTotal} runs`, 'every run made (call step until done)');
    const rows = this.rows;
    const first = this.firstSeed;
    const count = this.seedCount;
    return {
      rows,
      runs: this.runsTotal,
      get seeds(): number[] {
        return Array.from({ length: count }, (_, i) => first + i);
      },
      records: () => rows.map(({ params, ...rest }) => ({ ...params, ...rest })),
      row: (params, metric = 'value') =>
        rows.find((r) => r.metric === metric && Object.keys(params).every((k) => r.params[k] === params[k]))
    };
  }

  /** `, at grid point {…}` when there is a grid, for the messages of a failed run. */
  private atPoint(params: Record<string, any>): string {
    return Object.keys(params).length > 0 ? `, at grid point ${describeParams(params)}` : '';
  }

  /** A run's outcome is a number, a boolean or a record of them, none NaN. */
  private check(outcome: TrialOutcome, seed: number, params: Record<string, any>): void {
    if (typeof outcome === 'number' || typeof outcome === 'boolean') {
      if (outcome !== outcome) invalid(`metric value (seed=${seed})`, outcome, `a number or a boolean${this.atPoint(params)}`);
    } else if (outcome !== null && typeof outcome === 'object') {
      for (const key of Object.keys(outcome)) {
        const v = outcome[key];
        if ((typeof v !== 'number' && typeof v !== 'boolean') || v !== v) invalid(`metric ${key} (seed=${seed})`, v, `a number or a boolean${this.atPoint(params)}`);
      }
    } else {
      invalid(`run result (seed=${seed})`, outcome, `a number, a boolean or a record of them${this.atPoint(params)}`);
    }
  }

  private add(metric: string, value: number | boolean): void {
    let accumulator = this.metrics.get(metric);
    if (accumulator === undefined) this.metrics.set(metric, (accumulator = new MetricAccumulator(value)));
    accumulator.add(value);
  }

  private finishPoint(): void {
    const params = this.points[this.pointIndex];
    for (const [metric, accumulator] of this.metrics) this.rows.push({ params, metric, ...accumulator.summary(this.confidence) });
    this.metrics = new Map();
    this.pointIndex++;
    this.seedIndex = 0;
  }
}

/**
 * A run of a Monte Carlo experiment threw: which seed and grid point, at once (the runs after it
 * are not made). `cause` is what the scenario threw, with its own stack.
 */
export class MonteCarloRunError extends Error {
  /** What the scenario threw. */
  readonly cause: unknown;

  constructor(readonly seed: number, readonly params: Record<string, any>, cause: unknown, showParams: boolean) {
    const what = describeThrown(cause);
    // An error from the simulation already ends with this seed: say it once.
    const seedNote = what.endsWith(`(seed=${seed})`) ? '' : ` (seed=${seed})`;
    super(`Monte Carlo run failed${showParams ? ` at grid point ${describeParams(params)}` : ''}: ${what}${seedNote}`);
    this.name = 'MonteCarloRunError';
    this.cause = cause;
    // The frames of the scenario's line that threw, not Monte Carlo's own (`cause` has all).
    const frames = cause instanceof Error ? framesOfThrown(cause) : [];
    if (frames.length > 0) setLearnerFrames(this, frames);
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return cellReport(this);
  }

  /** The error to throw for what a run threw; an interrupt (breakOnSigint) passes unchanged. */
  static of(thrown: unknown, seed: number, params: Record<string, any>, showParams: boolean): unknown {
    if ((thrown as { code?: string } | null)?.code === 'ERR_SCRIPT_EXECUTION_INTERRUPTED') return thrown;
    return new MonteCarloRunError(seed, params, thrown, showParams);
  }
}

function describeParams(params: Record<string, any>): string {
  try {
    return JSON.stringify(params);
  } catch {
    return String(params);
  }
}

/**
 * Run a scenario over N seeds at every point of a parameter grid and summarise each metric.
 * Up to 100,000 runs per grid point the percentiles are exact; beyond, they are within 0.4 %
 * (see `MetricAccumulator`). For a long run with a progress bar: `await monteCarloAsync(...)`.
 */
export function monteCarlo(options: MonteCarloOptions & { run: Scenario }): MonteCarloResult {
  const runner = new MonteCarloRunner(options);
  runner.step(Infinity);
  return runner.result();
}
