/**
 * Geometry shared by lane figures (space-time diagram, skew story, state lanes): lanes
 * are a quantitative y scale with fixed pixel size, so arrowheads can be angled in data.
 */
import { INK } from './theme';

export interface LaneGeometry {
  lanes: readonly string[];
  widthPx: number;
  laneHeightPx: number;
  xMin: number;
  xMax: number;
}

export function laneIndex(geometry: LaneGeometry, lane: string): number {
  return geometry.lanes.indexOf(lane);
}

/** y encoding: lane index, top lane first, labelled with the lane names. */
export function laneY(geometry: LaneGeometry, field = 'lane', title: string | null = null) {
  const n = geometry.lanes.length;
  return {
    field,
    type: 'quantitative',
    title,
    scale: { domain: [-0.5, n - 0.5], reverse: true, nice: false, zero: false },
    axis: {
      values: geometry.lanes.map((_, i) => i),
      labelExpr: `${JSON.stringify(geometry.lanes)}[datum.value]`,
      grid: false,
      ticks: false,
      domain: false,
      labelFontSize: 12,
      labelFontWeight: 'bold',
      labelPadding: 6
    }
  };
}

/** Angle in degrees that turns Vega's `triangle-up` to point from (x1, lane1) to (x2, lane2). */
export function arrowAngleDeg(geometry: LaneGeometry, x1: number, lane1: number, x2: number, lane2: number): number {
  const span = geometry.xMax - geometry.xMin || 1;
  const dxPx = ((x2 - x1) / span) * geometry.widthPx;
  const dyPx = (lane2 - lane1) * geometry.laneHeightPx;
  return Number(((Math.atan2(dxPx, -dyPx) * 180) / Math.PI).toFixed(2));
}

/** Point `backPx` pixels before (x2, lane2) along the segment, in data units: where the arrowhead sits. */
export function arrowTip(geometry: LaneGeometry, x1: number, lane1: number, x2: number, lane2: number, backPx: number): { x: number; lane: number } {
  const span = geometry.xMax - geometry.xMin || 1;
  const dxPx = ((x2 - x1) / span) * geometry.widthPx;
  const dyPx = (lane2 - lane1) * geometry.laneHeightPx;
  const length = Math.hypot(dxPx, dyPx) || 1;
  const k = Math.min(backPx, length / 2) / length;
  return { x: x2 - (dxPx * k * span) / geometry.widthPx, lane: lane2 - (dyPx * k) / geometry.laneHeightPx };
}

/** The horizontal line of each lane (a process's timeline in a space-time diagram). */
export function laneLinesLayer(geometry: LaneGeometry) {
  return {
    data: { values: geometry.lanes.map((name, lane) => ({ name, lane, x1: geometry.xMin, x2: geometry.xMax })) },
    mark: { type: 'rule', color: INK, strokeWidth: 1, opacity: 0.6 },
    encoding: { y: laneY(geometry), x: { field: 'x1', type: 'quantitative' }, x2: { field: 'x2' } }
  };
}
