import { checkNumber, invalid } from '../options';

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
  checkNumber('p', p, Number.MIN_VALUE, 1 - Number.EPSILON);
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

/**
 * Mean, spread, percentiles and a confidence interval. Booleans count as 1/0 and get a Wilson
 * score interval (good near 0 and 1); numbers get mean ± z·s/√n.
 */
export function summarize(values: ArrayLike<number | boolean>, options?: { confidence?: number }): MetricSummary {
  const confidence = checkNumber('confidence', options?.confidence ?? 0.95, 0.5, 0.9999);
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
  let sum = 0;
  for (let i = 0; i < n; i++) sum += xs[i];
  const mean = sum / n;
  let squares = 0;
  for (let i = 0; i < n; i++) squares += (xs[i] - mean) * (xs[i] - mean);
  const std = n > 1 ? Math.sqrt(squares / (n - 1)) : 0;
  const sorted = xs.slice().sort();
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
    min: sorted[0],
    max: sorted[n - 1],
    p50: quantileSorted(sorted, 0.5),
    p90: quantileSorted(sorted, 0.9),
    p99: quantileSorted(sorted, 0.99),
    ciLow,
    ciHigh,
    confidence
  };
}
