import { checkInteger, checkNumber, invalid, rejectUnknownKeys } from '../options';
import { MetricSummary, summarize } from './stats';

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

export interface MonteCarloOptions {
  /** The scenario: build a simulation from the trial, run it, return metrics. Required. */
  run: (trial: Trial) => TrialOutcome;
  /** Runs (seeds) per grid point. Default 100. */
  seeds?: number;
  /** First seed; seeds are firstSeed, firstSeed + 1, … (the same at every grid point). Default 1. */
  firstSeed?: number;
  /** Parameter grid: each key lists values; every combination is run, e.g. `{ dropProbability: [0, 0.01, 0.1] }`. Default: one point with no parameters. */
  grid?: Record<string, any[]>;
  /** Trace one run in every `traceEvery` (the first of each block), 0 for none: tracing costs time. Default 0. */
  traceEvery?: number;
  /** Confidence level of the intervals, 0.5..0.9999. Default 0.95. */
  confidence?: number;
}

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
  /** Seeds used at every grid point. */
  seeds: number[];
  /** Rows flattened for charts: params spread next to metric and statistics. */
  records(): Array<Record<string, any>>;
  /** The row of one metric at one grid point (params matched by value). */
  row(params: Record<string, any>, metric?: string): MonteCarloRow | undefined;
}

function gridPoints(grid: Record<string, any[]>): Array<Record<string, any>> {
  let points: Array<Record<string, any>> = [{}];
  for (const key of Object.keys(grid)) {
    const values = grid[key];
    if (!Array.isArray(values) || values.length === 0) invalid(`grid.${key}`, values, 'a non-empty array of values');
    const next: Array<Record<string, any>> = [];
    for (const point of points) for (const value of values) next.push({ ...point, [key]: value });
    points = next;
  }
  return points;
}

/** Run a scenario over N seeds at every point of a parameter grid and summarise each metric. */
export function monteCarlo(options: MonteCarloOptions): MonteCarloResult {
  rejectUnknownKeys('monteCarlo', options, ['run', 'seeds', 'firstSeed', 'grid', 'traceEvery', 'confidence']);
  if (options === undefined || typeof options.run !== 'function') invalid('run', options?.run, 'a function (trial) => metrics');
  const seedCount = checkInteger('seeds', options.seeds ?? 100, 1, 100_000_000);
  const firstSeed = checkInteger('firstSeed', options.firstSeed ?? 1, 0, Number.MAX_SAFE_INTEGER - seedCount);
  const traceEvery = checkInteger('traceEvery', options.traceEvery ?? 0, 0, Number.MAX_SAFE_INTEGER);
  const confidence = checkNumber('confidence', options.confidence ?? 0.95, 0.5, 0.9999);
  const grid = options.grid ?? {};
  if (grid === null || typeof grid !== 'object' || Array.isArray(grid)) invalid('grid', grid, 'an object of value arrays');
  const seeds: number[] = [];
  for (let i = 0; i < seedCount; i++) seeds.push(firstSeed + i);
  const rows: MonteCarloRow[] = [];
  let runs = 0;
  for (const params of gridPoints(grid)) {
    const samples = new Map<string, Array<number | boolean>>();
    for (let i = 0; i < seedCount; i++) {
      const trial: Trial = { seed: seeds[i], params, trace: traceEvery > 0 && i % traceEvery === 0 };
      const outcome = options.run(trial);
      runs++;
      if (typeof outcome === 'number' || typeof outcome === 'boolean') {
        push(samples, 'value', outcome);
      } else if (outcome !== null && typeof outcome === 'object') {
        for (const key of Object.keys(outcome)) {
          const v = outcome[key];
          if (typeof v !== 'number' && typeof v !== 'boolean') invalid(`metric ${key} (seed=${trial.seed})`, v, 'a number or a boolean');
          push(samples, key, v);
        }
      } else {
        invalid(`run result (seed=${trial.seed})`, outcome, 'a number, a boolean or a record of them');
      }
    }
    for (const [metric, values] of samples) rows.push({ params, metric, ...summarize(values, { confidence }) });
  }
  return {
    rows,
    runs,
    seeds,
    records: () => rows.map(({ params, ...rest }) => ({ ...params, ...rest })),
    row: (params, metric = 'value') =>
      rows.find((r) => r.metric === metric && Object.keys(params).every((k) => r.params[k] === params[k]))
  };
}

function push(samples: Map<string, Array<number | boolean>>, key: string, value: number | boolean): void {
  let list = samples.get(key);
  if (list === undefined) samples.set(key, (list = []));
  list.push(value);
}
