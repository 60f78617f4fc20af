// Summary statistics of many runs: mean, spread, percentiles, confidence intervals.
import { assert, parseInteger, parseNumber, declareOptions, invalid, numberOption, type OptionsOf } from '../core/options';

/** Summary statistics of one metric over many runs. */
export interface MetricSummary {
  /** Number of runs. */
  n: number;
  /** 'proportion' when the runs returned booleans (mean = fraction true), else 'number'. */
  kind: 'number' | 'proportion';
  mean: number;
  /** Sample standard deviation (n − 1). */
  std: number;
  min: number;
  max: number;
  p50: number;
  p90: number;
  p99: number;
  /** Lower end of the confidence interval of the mean (Wilson interval for proportions). */
  ciLow: number;
  /** Upper end of the confidence interval of the mean. */
  ciHigh: number;
  /** Confidence level of [ciLow, ciHigh], e.g. 0.95. */
  confidence: number;
}

/** Standard normal quantile (Acklam's rational approximation, relative error < 1.2e-9). */
export function normalQuantile(p: number): number {
  parseNumber('p', p, Number.MIN_VALUE, 1 - Number.EPSILON);
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - low) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

/** The q-quantile (0..1) of ascending-sorted values, linear between order statistics. */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/** The confidence level of intervals, declared once for `summarize` and `monteCarlo`. */
export const CONFIDENCE_OPTION = numberOption({ doc: 'Confidence level of the intervals', min: 0.5, max: 0.9999, default: 0.95 });

export const SUMMARIZE_OPTIONS = declareOptions('summarize', { confidence: CONFIDENCE_OPTION });
export type SummarizeOptions = OptionsOf<typeof SUMMARIZE_OPTIONS>;

/**
 * Mean, spread, percentiles and a confidence interval. Booleans count as 1/0 and get a Wilson
 * score interval (good near 0 and 1); numbers get mean ± z·s/√n.
 */
export function summarize(values: ArrayLike<number | boolean>, options: SummarizeOptions = {}): MetricSummary {
  const { confidence } = SUMMARIZE_OPTIONS.parse(options);
  const n = values.length;
  if (n === 0) invalid('values', '[]', 'at least one value');
  const proportion = typeof values[0] === 'boolean';
  const xs = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (typeof v === 'boolean') xs[i] = v ? 1 : 0;
    else if (typeof v === 'number' && !Number.isNaN(v)) xs[i] = v;
    else invalid(`values[${i}]`, v, 'a number or a boolean');
  }
  return summarizeNumbers(xs, proportion, confidence);
}

/** `summarize` of checked values: booleans already 1/0, no NaN. */
function summarizeNumbers(xs: Float64Array, proportion: boolean, confidence: number): MetricSummary {
  const n = xs.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += xs[i];
  const mean = sum / n;
  let squares = 0;
  for (let i = 0; i < n; i++) squares += (xs[i] - mean) * (xs[i] - mean);
  const std = n > 1 ? Math.sqrt(squares / (n - 1)) : 0;
  const sorted = xs.slice().sort();
  return withInterval(n, proportion, mean, std, sorted[0], sorted[n - 1], (q) => quantileSorted(sorted, q), confidence);
}

/** The summary from its parts: the confidence interval of the mean (Wilson for proportions). */
function withInterval(
  n: number,
  proportion: boolean,
  mean: number,
  std: number,
  min: number,
  max: number,
  quantile: (q: number) => number,
  confidence: number
): MetricSummary {
  const z = normalQuantile(0.5 + confidence / 2);
  let ciLow: number;
  let ciHigh: number;
  if (proportion) {
    const denominator = 1 + (z * z) / n;
    const centre = (mean + (z * z) / (2 * n)) / denominator;
    const half = (z * Math.sqrt((mean * (1 - mean)) / n + (z * z) / (4 * n * n))) / denominator;
    ciLow = Math.max(0, centre - half);
    ciHigh = Math.min(1, centre + half);
  } else {
    const half = n > 1 ? (z * std) / Math.sqrt(n) : Infinity;
    ciLow = mean - half;
    ciHigh = mean + half;
  }
  return {
    n,
    kind: proportion ? 'proportion' : 'number',
    mean,
    std,
    min,
    max,
    p50: quantile(0.5),
    p90: quantile(0.9),
    p99: quantile(0.99),
    ciLow,
    ciHigh,
    confidence
  };
}

/**
 * Samples of one metric kept exactly, per metric and grid point. Up to this many runs a Monte
 * Carlo row is exactly `summarize` of every sample; beyond it the samples go into a
 * `QuantileHistogram` and memory stays bounded whatever the number of runs.
 */
export const SAMPLES_EXACT_MAX = 100_000;

// A double's high 32 bits: sign, 11 exponent bits, then the mantissa's top 20 bits.
const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);
F64[0] = 1;
const HIGH_WORD = U32[1] === 0x3ff00000 ? 1 : 0;
/** Mantissa bits a bucket keeps: 2^8 = 256 buckets per power of two. */
const BUCKET_MANTISSA_BITS = 8;
const BUCKET_SHIFT = 20 - BUCKET_MANTISSA_BITS;

/**
 * A deterministic, bounded histogram for percentiles of a stream (no sampling, no randomness).
 * A value's bucket is its sign, its exponent and the top 8 bits of its mantissa, read from the
 * bits of the double: 256 buckets per power of two, so a bucket spans at most 1/256 of its
 * smallest magnitude. Each bucket keeps its count and the smallest and largest value it saw; the
 * k-th smallest value is estimated inside its bucket's [smallest, largest], spread evenly by rank.
 * So the estimate is within 1/256 (0.4 %) of the true value, and exact when the bucket saw one
 * distinct value (booleans, counts, any integer below 512). Buckets are made as values arrive:
 * data spanning a few powers of ten uses a few thousand, and there are at most 2^20.
 */
export class QuantileHistogram {
  /** Values added. */
  n = 0;
  private readonly slotOf = new Map<number, number>();
  private counts = new Float64Array(64);
  private mins = new Float64Array(64);
  private maxs = new Float64Array(64);
  private used = 0;
  private order: Int32Array | null = null;

  add(x: number): void {
    F64[0] = x;
    const key = U32[HIGH_WORD] >>> BUCKET_SHIFT;
    let slot = this.slotOf.get(key);
    if (slot === undefined) {
      if (this.used === this.counts.length) this.grow();
      slot = this.used++;
      this.slotOf.set(key, slot);
      this.mins[slot] = x;
      this.maxs[slot] = x;
    } else if (x < this.mins[slot]) this.mins[slot] = x;
    else if (x > this.maxs[slot]) this.maxs[slot] = x;
    this.counts[slot]++;
    this.n++;
    this.order = null;
  }

  /** Buckets in use. */
  get buckets(): number {
    return this.used;
  }

  /** Estimate of the k-th smallest value (0-based). */
  orderStatistic(k: number): number {
    assert(k >= 0 && k < this.n, 'order statistic out of range');
    const order = this.sortedSlots();
    let below = 0;
    for (let i = 0; i < order.length; i++) {
      const slot = order[i];
      below += this.counts[slot];
      if (k < below) {
        const min = this.mins[slot];
        const max = this.maxs[slot];
        const count = this.counts[slot];
        if (min === max || count === 1) return min;
        // Rank inside the bucket, 0..count − 1, mapped evenly onto [min, max].
        const rank = k - (below - count);
        return min + (max - min) * (rank / (count - 1));
      }
    }
    assert(false, 'histogram counts do not add up');
  }

  /** The q-quantile (0..1), linear between order statistics like `quantileSorted`. */
  quantile(q: number): number {
    const h = (this.n - 1) * q;
    const lo = Math.floor(h);
    const hi = Math.min(lo + 1, this.n - 1);
    const a = this.orderStatistic(lo);
    return hi === lo ? a : a + (h - lo) * (this.orderStatistic(hi) - a);
  }

  private sortedSlots(): Int32Array {
    if (this.order === null) {
      const order = new Int32Array(this.used);
      for (let i = 0; i < this.used; i++) order[i] = i;
      // Buckets never overlap, so ordering them by their smallest value orders their values.
      const mins = this.mins;
      order.sort((a, b) => mins[a] - mins[b]);
      this.order = order;
    }
    return this.order;
  }

  private grow(): void {
    const size = this.counts.length * 2;
    const grown = (a: Float64Array) => {
      const b = new Float64Array(size);
      b.set(a);
      return b;
    };
    this.counts = grown(this.counts);
    this.mins = grown(this.mins);
    this.maxs = grown(this.maxs);
  }
}

/**
 * One metric's samples as they stream in. Up to `SAMPLES_EXACT_MAX` it keeps them all and its
 * summary is `summarize` of them, bit for bit. Past that it keeps a `QuantileHistogram`, the exact
 * min and max, a compensated sum (mean) and Welford's running sum of squares (std), so memory no
 * longer grows with the runs; p50/p90/p99 are then within 0.4 % of the exact ones.
 */
export class MetricAccumulator {
  /** Samples added. */
  n = 0;
  /** True when the first sample was a boolean (all count as 1/0). */
  readonly proportion: boolean;
  private exact: Float64Array | null = new Float64Array(256);
  private histogram: QuantileHistogram | null = null;
  private min = Infinity;
  private max = -Infinity;
  private sum = 0;
  private sumCompensation = 0;
  private welfordMean = 0;
  private welfordSquares = 0;

  constructor(first: number | boolean, private readonly exactMax = SAMPLES_EXACT_MAX) {
    this.proportion = typeof first === 'boolean';
  }

  /** Add one sample (a boolean counts as 1/0; the caller has rejected NaN). */
  add(value: number | boolean): void {
    const x = typeof value === 'boolean' ? (value ? 1 : 0) : value;
    assert(x === x, 'NaN sample');
    const n = ++this.n;
    if (x < this.min) this.min = x;
    if (x > this.max) this.max = x;
    // Neumaier's compensated sum, and Welford's update of the mean and squared deviations.
    const t = this.sum + x;
    this.sumCompensation += Math.abs(this.sum) >= Math.abs(x) ? this.sum - t + x : x - t + this.sum;
    this.sum = t;
    const delta = x - this.welfordMean;
    this.welfordMean += delta / n;
    this.welfordSquares += delta * (x - this.welfordMean);
    if (this.exact !== null) {
      if (n <= this.exactMax) {
        if (n > this.exact.length) {
          const grown = new Float64Array(Math.min(this.exact.length * 2, this.exactMax));
          grown.set(this.exact);
          this.exact = grown;
        }
        this.exact[n - 1] = x;
        return;
      }
      const histogram = new QuantileHistogram();
      for (let i = 0; i < n - 1; i++) histogram.add(this.exact[i]);
      this.exact = null;
      this.histogram = histogram;
    }
    (this.histogram as QuantileHistogram).add(x);
  }

  /** True while every sample is kept (the summary is exact). */
  get isExact(): boolean {
    return this.exact !== null;
  }

  summary(confidence: number): MetricSummary {
    assert(this.n > 0, 'summary of no samples');
    if (this.exact !== null) return summarizeNumbers(this.exact.subarray(0, this.n), this.proportion, confidence);
    const histogram = this.histogram as QuantileHistogram;
    const n = this.n;
    const mean = (this.sum + this.sumCompensation) / n;
    const std = n > 1 ? Math.sqrt(Math.max(0, this.welfordSquares) / (n - 1)) : 0;
    return withInterval(n, this.proportion, mean, std, this.min, this.max, (q) => histogram.quantile(q), confidence);
  }
}

/** Wilson score interval for a proportion: what to pass as the error bar of a simulated point. */
export function wilsonInterval(successes: number, trials: number, z = 1.96): { low: number; high: number } {
  parseInteger('trials', trials, 1, Number.MAX_SAFE_INTEGER);
  parseInteger('successes', successes, 0, trials);
  parseNumber('z', z, 0, 10);
  const phat = successes / trials;
  const denominator = 1 + (z * z) / trials;
  const centre = (phat + (z * z) / (2 * trials)) / denominator;
  const half = (z * Math.sqrt((phat * (1 - phat)) / trials + (z * z) / (4 * trials * trials))) / denominator;
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/** Nearest-rank percentile (q in 0..100) of samples; the value a p99 line is drawn at. */
export function percentile(samples: readonly number[], q: number): number {
  if (!Array.isArray(samples) || samples.length === 0) invalid('samples', samples, 'a non-empty array of numbers');
  parseNumber('q', q, 0, 100);
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((q / 100) * sorted.length));
  return sorted[rank - 1];
}
