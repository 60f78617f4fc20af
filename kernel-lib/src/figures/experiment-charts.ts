/**
 * Two small general charts for experiment results: `xyChart` (simulated points with
 * intervals beside a closed-form line) and `barChart` (one number per category, optionally
 * grouped). Scenarios return rows in these shapes so a notebook cell stays one line.
 */
import { checkNumber, checkOneOf, checkString, invalid, rejectUnknownKeys, checkArray } from '../core/options';
import { checkHeightPx, checkTitle, checkWidthPx, textTable } from './common';
import { round, minOf } from '../core/numbers';
import { Figure } from './figure';
import { INK, PALETTE } from './theme';
import { trimNumber } from './units';
import { XyPoint } from '../experiments/points';

export interface XyChartOptions {
  /** Closed-form or reference lines, drawn as lines without dots. Default: none. */
  lines?: readonly XyPoint[];
  /** Axis title of x (with its unit). Required in practice; default "x". */
  xTitle?: string;
  /** Axis title of y (with its unit). Default "y". */
  yTitle?: string;
  /** Scale of the x axis. Default "linear". */
  xScale?: 'linear' | 'log';
  /** Scale of the y axis. Default "linear". */
  yScale?: 'linear' | 'log';
  /** Format y as a percentage (values 0..1). Default false. */
  yPercent?: boolean;
  /** Fixed y domain [min, max]. Default: from the data. */
  yDomain?: readonly [number, number];
  /** Draw the measured points joined by lines. Default true. */
  connect?: boolean;
  /** Vertical markers: `{x, text}` drawn as dashed rules with a label. Default none. */
  markers?: readonly { x: number; text: string }[];
  /** Chart title. Default "Experiment". */
  title?: string;
  /** Subtitle (say what the dots and lines are). Default none. */
  subtitle?: string;
  /** Plot width in pixels. Default 520. */
  widthPx?: number;
  /** Plot height in pixels. Default 300. */
  heightPx?: number;
}

const XY_KEYS = ['lines', 'xTitle', 'yTitle', 'xScale', 'yScale', 'yPercent', 'yDomain', 'connect', 'markers', 'title', 'subtitle', 'widthPx', 'heightPx'] as const;

function checkPoints(name: string, points: readonly XyPoint[]): XyPoint[] {
  const rows = checkArray<XyPoint>(name, points, 'a non-empty array of {series, x, y}');
  return rows.map((p, i) => {
    checkString(`${name}[${i}].series`, p.series);
    checkNumber(`${name}[${i}].x`, p.x, -Infinity, Infinity);
    checkNumber(`${name}[${i}].y`, p.y, -Infinity, Infinity);
    if (p.low !== undefined) checkNumber(`${name}[${i}].low`, p.low, -Infinity, Infinity);
    if (p.high !== undefined) checkNumber(`${name}[${i}].high`, p.high, -Infinity, Infinity);
    return { series: p.series, x: round(p.x), y: round(p.y), ...(p.low !== undefined ? { low: round(p.low) } : {}), ...(p.high !== undefined ? { high: round(p.high) } : {}) };
  });
}

/**
 * Measured points (with optional interval bars) against x, one colour per series, and
 * optional closed-form lines in the same colours (same series name) or their own.
 */
export function xyChart(points: readonly XyPoint[], options: XyChartOptions = {}): Figure {
  rejectUnknownKeys('xyChart', options, XY_KEYS);
  const rows = checkPoints('points', points);
  const lines = options.lines === undefined ? [] : checkPoints('lines', options.lines);
  const xScale = checkOneOf('xScale', options.xScale ?? 'linear', ['linear', 'log'] as const);
  const yScale = checkOneOf('yScale', options.yScale ?? 'linear', ['linear', 'log'] as const);
  const title = checkTitle(options.title, 'Experiment');
  const widthPx = checkWidthPx(options.widthPx, 520);
  const heightPx = checkHeightPx(options.heightPx, 300);
  const xTitle = checkString('xTitle', options.xTitle ?? 'x');
  const yTitle = checkString('yTitle', options.yTitle ?? 'y');
  const yPercent = options.yPercent ?? false;
  if (typeof yPercent !== 'boolean') invalid('yPercent', yPercent, 'true or false');
  const connect = options.connect ?? true;
  if (typeof connect !== 'boolean') invalid('connect', connect, 'true or false');
  if (options.yDomain !== undefined && (!Array.isArray(options.yDomain) || options.yDomain.length !== 2 || !(options.yDomain[0] < options.yDomain[1]))) {
    invalid('yDomain', options.yDomain, '[min, max] with min < max');
  }
  const markers = (options.markers ?? []).map((m, i) => ({ x: checkNumber(`markers[${i}].x`, m.x, -Infinity, Infinity), text: checkString(`markers[${i}].text`, m.text) }));
  const series = [...new Set([...rows.map((r) => r.series), ...lines.map((l) => l.series)])];
  const color = { field: 'series', type: 'nominal', title: null, sort: series, scale: { domain: series, range: [...PALETTE] }, legend: { orient: 'bottom', direction: 'vertical' } };
  // Whole-number x (servers, messengers, services): no fractional ticks such as "2.5 messengers".
  const xCounts = xScale === 'linear' && [...rows, ...lines].every((r) => Number.isInteger(r.x));
  const x = { field: 'x', type: 'quantitative', title: xTitle, scale: xScale === 'log' ? { type: 'log' } : { type: 'linear', zero: false, nice: true }, ...(xCounts ? { axis: { tickMinStep: 1, format: ',d' } } : {}) };
  const yAxis = yPercent ? { format: '%' } : {};
  const y = { field: 'y', type: 'quantitative', title: yTitle, axis: yAxis, scale: { type: yScale, ...(yScale === 'linear' ? { zero: !options.yDomain } : {}), ...(options.yDomain ? { domain: [...options.yDomain] } : {}) } };
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
    title: { text: title, ...(options.subtitle ? { subtitle: checkString('subtitle', options.subtitle) } : {}) },
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

export interface BarChartOptions {
  /** Axis title of the value (with its unit). Default "value". */
  valueTitle?: string;
  /** Scale of the value axis. Default "linear". */
  scale?: 'linear' | 'log';
  /** Chart title. Default "Result". */
  title?: string;
  /** Subtitle. Default none. */
  subtitle?: string;
  /** Plot width in pixels. Default 480. */
  widthPx?: number;
  /** Height of one bar in pixels. Default 22. */
  barHeightPx?: number;
}

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
  rejectUnknownKeys('barChart', options, ['valueTitle', 'scale', 'title', 'subtitle', 'widthPx', 'barHeightPx']);
  const rows = checkArray<Bar>('bars', bars, 'a non-empty array of {category, value}').map((b, i) => {
    checkString(`bars[${i}].category`, b.category);
    checkNumber(`bars[${i}].value`, b.value, -Infinity, Infinity);
    if (b.group !== undefined) checkString(`bars[${i}].group`, b.group);
    return { category: b.category, value: round(b.value), group: b.group ?? b.category, label: b.label ?? trimNumber(b.value) };
  });
  const scale = checkOneOf('scale', options.scale ?? 'linear', ['linear', 'log'] as const);
  const title = checkTitle(options.title, 'Result');
  const widthPx = checkWidthPx(options.widthPx, 480);
  const barHeightPx = checkNumber('barHeightPx', options.barHeightPx ?? 22, 6, 200, 'px');
  const valueTitle = checkString('valueTitle', options.valueTitle ?? 'value');
  const categories = [...new Set(rows.map((r) => r.category))];
  const groups = [...new Set(rows.map((r) => r.group))];
  const grouped = bars.some((b) => b.group !== undefined);
  const yField = grouped ? 'group' : 'category';
  const logBase = scale === 'log' ? logBarBase(rows) : 0;
  const encodingBase = {
    y: { field: yField, type: 'nominal', sort: grouped ? groups : categories, title: null, axis: { labelLimit: 260, labelFontWeight: 'bold' } },
    x: { field: 'value', type: 'quantitative', title: valueTitle, scale: { type: scale, ...(scale === 'linear' ? { zero: true } : { domainMin: logBase }) } }
  };
  const color = grouped
    ? { field: 'category', type: 'nominal', title: null, sort: categories, scale: { domain: categories, range: [...PALETTE] }, legend: { orient: 'bottom', direction: 'vertical' } }
    : { field: 'category', type: 'nominal', legend: null, sort: categories, scale: { domain: categories, range: [...PALETTE] } };
  const spec = {
    title: { text: title, ...(options.subtitle ? { subtitle: checkString('subtitle', options.subtitle) } : {}) },
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
