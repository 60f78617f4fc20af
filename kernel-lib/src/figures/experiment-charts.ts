/**
 * Two small general charts for experiment results: `xyChart` (simulated points with
 * intervals beside a closed-form line) and `barChart` (one number per category, optionally
 * grouped). Scenarios return rows in these shapes so a notebook cell stays one line.
 */
import { booleanOption, parseArray, parseNumber, parseString, choiceOption, customOption, declareOptions, invalid, numberOption, type OptionsOf } from '../core/options';
import { heightPxOption, textOption, textTable, widthPxOption } from './common';
import { round, minOf } from '../core/numbers';
import { Figure } from './figure';
import { INK, PALETTE } from './theme';
import { trimNumber } from './units';
import { XyPoint } from '../experiments/points';

const SCALES = ['linear', 'log'] as const;

export const XY_CHART_OPTIONS = declareOptions('xyChart', {
  lines: customOption<readonly XyPoint[]>({
    doc: 'Closed-form or reference lines, drawn as lines without dots',
    defaultText: 'none',
    expected: 'a non-empty array of {series, x, y}',
    parse: (name, value) => checkPoints(name, value as readonly XyPoint[])
  }),
  xTitle: textOption({ doc: 'Axis title of x (with its unit). Required in practice', default: 'x' }),
  yTitle: textOption({ doc: 'Axis title of y (with its unit)', default: 'y' }),
  xScale: choiceOption(SCALES, { doc: 'Scale of the x axis', default: 'linear' }),
  yScale: choiceOption(SCALES, { doc: 'Scale of the y axis', default: 'linear' }),
  yPercent: booleanOption({ doc: 'Format y as a percentage (values 0..1)', default: false }),
  yDomain: customOption<readonly [number, number]>({
    doc: 'Fixed y domain [min, max]',
    defaultText: 'from the data',
    expected: '[min, max] with min < max',
    parse: (name, value) => {
      if (!Array.isArray(value) || value.length !== 2 || !value.every(Number.isFinite) || !(value[0] < value[1])) invalid(name, value, '[min, max] with min < max');
      return value as unknown as readonly [number, number];
    }
  }),
  connect: booleanOption({ doc: 'Draw the measured points joined by lines', default: true }),
  markers: customOption<readonly { x: number; text: string }[]>({
    doc: 'Vertical markers: `{x, text}` drawn as dashed rules with a label',
    defaultText: 'none',
    expected: 'an array of {x, text}',
    parse: (name, value) => {
      if (!Array.isArray(value)) invalid(name, value, 'an array of {x, text}');
      value.forEach((m, i) => {
        parseNumber(`${name}[${i}].x`, m?.x, -Infinity, Infinity);
        parseString(`${name}[${i}].text`, m?.text);
      });
      return value as readonly { x: number; text: string }[];
    }
  }),
  title: textOption({ doc: 'Chart title', default: 'Experiment' }),
  subtitle: textOption({ doc: 'Subtitle (say what the dots and lines are)', defaultText: 'none' }),
  widthPx: widthPxOption(520),
  heightPx: heightPxOption(300)
});
export type XyChartOptions = OptionsOf<typeof XY_CHART_OPTIONS>;

function checkPoints(name: string, points: readonly XyPoint[]): XyPoint[] {
  const rows = parseArray<XyPoint>(name, points, 'a non-empty array of {series, x, y}');
  return rows.map((p, i) => {
    parseString(`${name}[${i}].series`, p.series);
    parseNumber(`${name}[${i}].x`, p.x, -Infinity, Infinity);
    parseNumber(`${name}[${i}].y`, p.y, -Infinity, Infinity);
    if (p.low !== undefined) parseNumber(`${name}[${i}].low`, p.low, -Infinity, Infinity);
    if (p.high !== undefined) parseNumber(`${name}[${i}].high`, p.high, -Infinity, Infinity);
    return { series: p.series, x: round(p.x), y: round(p.y), ...(p.low !== undefined ? { low: round(p.low) } : {}), ...(p.high !== undefined ? { high: round(p.high) } : {}) };
  });
}

/**
 * Measured points (with optional interval bars) against x, one colour per series, and
 * optional closed-form lines in the same colours (same series name) or their own.
 */
export function xyChart(points: readonly XyPoint[], options: XyChartOptions = {}): Figure {
  const o = XY_CHART_OPTIONS.parse(options);
  const { xScale, yScale, title, widthPx, heightPx, xTitle, yTitle, yPercent, connect, yDomain } = o;
  const rows = checkPoints('points', points);
  const lines = o.lines ?? [];
  const markers = (o.markers ?? []).map((m) => ({ x: m.x, text: m.text }));
  const series = [...new Set([...rows.map((r) => r.series), ...lines.map((l) => l.series)])];
  const color = { field: 'series', type: 'nominal', title: null, sort: series, scale: { domain: series, range: [...PALETTE] }, legend: { orient: 'bottom', direction: 'vertical' } };
  // Whole-number x (servers, messengers, services): no fractional ticks such as "2.5 messengers".
  const xCounts = xScale === 'linear' && [...rows, ...lines].every((r) => Number.isInteger(r.x));
  const x = { field: 'x', type: 'quantitative', title: xTitle, scale: xScale === 'log' ? { type: 'log' } : { type: 'linear', zero: false, nice: true }, ...(xCounts ? { axis: { tickMinStep: 1, format: ',d' } } : {}) };
  const yAxis = yPercent ? { format: '%' } : {};
  const y = { field: 'y', type: 'quantitative', title: yTitle, axis: yAxis, scale: { type: yScale, ...(yScale === 'linear' ? { zero: !yDomain } : {}), ...(yDomain ? { domain: [...yDomain] } : {}) } };
  const withBars = rows.filter((r) => r.low !== undefined && r.high !== undefined);
  const layer: unknown[] = [];
  if (lines.length) {
    layer.push({ data: { values: lines }, mark: { type: 'line', strokeWidth: 2, strokeDash: [6, 3], opacity: 0.9 }, encoding: { x, y, color, detail: { field: 'series' }, tooltip: [{ field: 'series' }, { field: 'x' }, { field: 'y' }] } });
  }
  if (withBars.length) {
    layer.push({ data: { values: withBars }, mark: { type: 'rule', strokeWidth: 1.5 }, encoding: { x, y: { ...y, field: 'low' }, y2: { field: 'high' }, color } });
  }
  layer.push({
    data: { values: rows },
    mark: connect ? { type: 'line', strokeWidth: 2, point: { filled: true, size: 50 } } : { type: 'point', filled: true, size: 60 },
    encoding: { x, y, color, tooltip: [{ field: 'series' }, { field: 'x', title: xTitle }, { field: 'y', title: yTitle, ...(yPercent ? { format: '.2%' } : {}) }] }
  });
  if (markers.length) {
    // Labels sit above the plot, where no data can hide them: one row per marker, the first on top.
    const mx = { field: 'x', type: 'quantitative', scale: x.scale };
    layer.push({ data: { values: markers }, mark: { type: 'rule', color: INK, strokeDash: [3, 3] }, encoding: { x: mx } });
    layer.push({ data: { values: markers.map((m, i) => ({ ...m, row: i })) }, mark: { type: 'text', align: 'left', baseline: 'bottom', dx: 4, fontSize: 11, color: INK, y: { expr: `-3 - (${markers.length - 1} - datum.row) * 13` } }, encoding: { x: mx, text: { field: 'text' } } });
  }
  const spec = {
    title: { text: title, ...(o.subtitle ? { subtitle: o.subtitle } : {}) },
    width: widthPx,
    height: heightPx,
    layer
  };
  const fmt = (v: number) => (yPercent ? `${(v * 100).toFixed(1)}%` : trimNumber(v));
  const summary = [title, textTable(['series', xTitle, yTitle], rows.slice(0, 40).map((r) => [r.series, trimNumber(r.x), fmt(r.y)])), rows.length > 40 ? `… ${rows.length - 40} more points` : '']
    .filter(Boolean)
    .join('\n');
  return new Figure(spec, summary);
}

/** One bar: `category` on the axis, optional `group` for side-by-side bars. */
export interface Bar {
  category: string;
  value: number;
  group?: string;
  /** Text written at the end of the bar. Default: the value. */
  label?: string;
}

export const BAR_CHART_OPTIONS = declareOptions('barChart', {
  valueTitle: textOption({ doc: 'Axis title of the value (with its unit)', default: 'value' }),
  scale: choiceOption(SCALES, { doc: 'Scale of the value axis', default: 'linear' }),
  title: textOption({ doc: 'Chart title', default: 'Result' }),
  subtitle: textOption({ doc: 'Subtitle', defaultText: 'none' }),
  widthPx: widthPxOption(480),
  barHeightPx: numberOption({ doc: 'Height of one bar in pixels', min: 6, max: 200, unit: 'px', default: 22 })
});
export type BarChartOptions = OptionsOf<typeof BAR_CHART_OPTIONS>;

/**
 * Where bars start on a log axis: a log scale has no zero, so a bar begins at the axis' left end.
 * Put that end below the smallest value (by at least half a decade, on a power of ten) so the
 * shortest bar still has a visible length instead of sitting on the axis.
 */
function logBarBase(rows: readonly { value: number }[]): number {
  const positive = rows.map((r) => r.value).filter((v) => v > 0);
  if (positive.length === 0) throw new Error('barChart: a log scale needs at least one value > 0');
  return 10 ** Math.floor(Math.log10(minOf(positive)) - 0.3);
}

/** Horizontal bars, one per category (grouped bars when rows carry a `group`), labelled with their values. */
export function barChart(bars: readonly Bar[], options: BarChartOptions = {}): Figure {
  const { valueTitle, scale, title, subtitle, widthPx, barHeightPx } = BAR_CHART_OPTIONS.parse(options);
  const rows = parseArray<Bar>('bars', bars, 'a non-empty array of {category, value}').map((b, i) => {
    parseString(`bars[${i}].category`, b.category);
    parseNumber(`bars[${i}].value`, b.value, -Infinity, Infinity);
    if (b.group !== undefined) parseString(`bars[${i}].group`, b.group);
    return { category: b.category, value: round(b.value), group: b.group ?? b.category, label: b.label ?? trimNumber(b.value) };
  });
  const categories = [...new Set(rows.map((r) => r.category))];
  const groups = [...new Set(rows.map((r) => r.group))];
  const grouped = bars.some((b) => b.group !== undefined);
  const yField = grouped ? 'group' : 'category';
  const logBase = scale === 'log' ? logBarBase(rows) : 0;
  const encodingBase = {
    y: { field: yField, type: 'nominal', sort: grouped ? groups : categories, title: null, axis: { labelFontWeight: 'bold' } },
    x: { field: 'value', type: 'quantitative', title: valueTitle, scale: { type: scale, ...(scale === 'linear' ? { zero: true } : { domainMin: logBase }) } }
  };
  const color = grouped
    ? { field: 'category', type: 'nominal', title: null, sort: categories, scale: { domain: categories, range: [...PALETTE] }, legend: { orient: 'bottom', direction: 'vertical' } }
    : { field: 'category', type: 'nominal', legend: null, sort: categories, scale: { domain: categories, range: [...PALETTE] } };
  const spec = {
    title: { text: title, ...(subtitle ? { subtitle } : {}) },
    width: widthPx,
    // With yOffset, the step sizes each bar of a group, not the group.
    height: { step: barHeightPx + 4 },
    data: { values: rows },
    encoding: { ...encodingBase, ...(grouped ? { yOffset: { field: 'category', sort: categories } } : {}) },
    layer: [
      { mark: { type: 'bar', height: { band: 0.85 } }, encoding: { color, ...(scale === 'log' ? { x2: { datum: logBase } } : {}), tooltip: [{ field: 'group' }, { field: 'category' }, { field: 'value' }] } },
      { mark: { type: 'text', align: 'left', dx: 3, fontSize: 11, color: INK }, encoding: { text: { field: 'label' } } }
    ]
  };
  const summary = [title, textTable(grouped ? ['group', 'category', valueTitle] : ['category', valueTitle], rows.map((r) => (grouped ? [r.group, r.category, r.label] : [r.category, r.label])))].join('\n');
  return new Figure(spec, summary);
}
