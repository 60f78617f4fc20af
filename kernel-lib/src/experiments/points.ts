// The plain shape experiments return for their charts.

/** One measured point: `series` names the line it belongs to. */
export interface XyPoint {
  series: string;
  x: number;
  y: number;
  /** Lower end of an interval (e.g. 95% Wilson), same unit as y. Optional. */
  low?: number;
  /** Upper end of an interval. Optional. */
  high?: number;
}
