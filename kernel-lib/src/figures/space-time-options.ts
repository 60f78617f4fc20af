// The options a space-time diagram and its replay share, declared once for both.
import { choiceOption, invalid, numberOption } from '../core/options';
import { textOption, widthPxOption } from './common';

export const SPACE_TIME_AXES = ['time', 'lamport', 'order'] as const;

export const SPACE_TIME_SHARED_OPTIONS = {
  axis: choiceOption(SPACE_TIME_AXES, {
    doc: 'Horizontal axis: "time" (virtual ms, proportional), "lamport" (Lamport stamp) or "order" (trace order)',
    default: 'time'
  }),
  fromMs: numberOption({ doc: 'Show only events at or after this virtual time', min: -Infinity, max: Infinity, unit: 'ms', defaultText: "the trace's start" }),
  toMs: numberOption({ doc: 'Show only events at or before this virtual time, at least fromMs', min: -Infinity, max: Infinity, unit: 'ms', defaultText: "the trace's end" }),
  title: textOption({ doc: 'Chart title', default: 'Space-time diagram' }),
  widthPx: widthPxOption(640),
  laneHeightPx: numberOption({ doc: "Height of one node's lane in pixels", min: 16, max: 400, unit: 'px', default: 64 })
};

/** The window `fromMs..toMs` with open ends filled; `toMs` must not come before `fromMs`. */
export function timeWindow(fromMs: number | undefined, toMs: number | undefined): { fromMs: number; toMs: number } {
  const from = fromMs ?? -Infinity;
  const to = toMs ?? Infinity;
  if (to < from) invalid('toMs', to, `a number >= ${from} ms (fromMs)`);
  return { fromMs: from, toMs: to };
}
