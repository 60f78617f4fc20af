// Number helpers shared by models and figures.

/** Round for chart data so specs and SVGs do not carry float noise. */
export function round(value: number, digits = 6): number {
  return Number(value.toFixed(digits));
}
