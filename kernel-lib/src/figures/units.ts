/** Format a duration given in nanoseconds with a human unit: 0.5 ns, 16 µs, 2 ms, 1.5 s. */
export function formatDurationNs(ns: number): string {
  const abs = Math.abs(ns);
  const [value, unit] =
    abs < 1e3 ? [ns, 'ns'] : abs < 1e6 ? [ns / 1e3, 'µs'] : abs < 1e9 ? [ns / 1e6, 'ms'] : [ns / 1e9, 's'];
  return `${trimNumber(value)} ${unit}`;
}

/** Format a duration given in milliseconds with a human unit. */
export function formatDurationMs(ms: number): string {
  return formatDurationNs(ms * 1e6);
}

/** Up to 3 significant digits, no trailing zeros, thousands separated. */
export function trimNumber(value: number): string {
  if (value === 0) return '0';
  const abs = Math.abs(value);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
  return Number(value.toFixed(digits)).toLocaleString('en-US', { maximumFractionDigits: digits });
}

/**
 * The same formatting as a Vega expression, for axis labels of a nanosecond scale.
 * Kept beside `formatDurationNs` so the two agree.
 */
export const VEGA_LABEL_EXPR_NS =
  "datum.value < 1e3 ? format(datum.value, '~g') + ' ns' : datum.value < 1e6 ? format(datum.value / 1e3, '~g') + ' µs' : datum.value < 1e9 ? format(datum.value / 1e6, '~g') + ' ms' : format(datum.value / 1e9, '~g') + ' s'";
