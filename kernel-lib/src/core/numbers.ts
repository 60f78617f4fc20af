// Number helpers shared by models and figures.

/** Round for chart data so specs and SVGs do not carry float noise. */
export function round(value: number, digits = 6): number {
  return Number(value.toFixed(digits));
}

/**
 * The smallest of `values`, as `Math.min(...values)` says it (Infinity when empty, NaN if any is
 * NaN), in a loop: a spread passes every value as an argument and throws (RangeError) past about
 * 100,000 of them.
 */
export function minOf(values: ArrayLike<number>): number {
  let min = Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== v) return NaN;
    if (v < min) min = v;
  }
  return min;
}

/** The largest of `values`, as `Math.max(...values)` says it (-Infinity when empty, NaN if any is NaN), in a loop. */
export function maxOf(values: ArrayLike<number>): number {
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== v) return NaN;
    if (v > max) max = v;
  }
  return max;
}
