import { checkString, invalid, rejectUnknownKeys, checkNumber } from '../options';
import { LATENCY_NUMBERS, LatencyNumber } from '../scenarios/latency/latency-numbers';
import { Figure } from './figure';
import { formatDurationNs, trimNumber, VEGA_LABEL_EXPR_NS } from './units';

export interface LatencyNumbersChartOptions {
  /** Rows to draw, in nanoseconds. Default: the course's latency-numbers table. */
  rows?: readonly LatencyNumber[];
  /** Row every other is compared to ("×N slower than …"). Default: the first row (L1 cache reference). */
  baseline?: string;
  /** Chart title. Default: "Latency numbers every programmer should know". */
  title?: string;
  /** Plot width in pixels. Default: 520. */
  widthPx?: number;
}

const OPTION_KEYS = ['rows', 'baseline', 'title', 'widthPx'] as const;

/**
 * The latency-numbers table as log-scale bars with human units, each bar annotated
 * with how many times slower it is than the baseline (an L1 cache reference).
 */
export function latencyNumbersChart(options: LatencyNumbersChartOptions = {}): Figure {
  rejectUnknownKeys('latencyNumbersChart', options, OPTION_KEYS);
  const rows = options.rows ?? LATENCY_NUMBERS;
  if (!Array.isArray(rows) || rows.length === 0) invalid('rows', rows, 'a non-empty array of {operation, latencyNs}');
  rows.forEach((row, i) => {
    checkString(`rows[${i}].operation`, row.operation);
    checkNumber(`rows[${i}].latencyNs`, row.latencyNs, Number.MIN_VALUE, Infinity, 'ns');
  });
  const baselineName = options.baseline ?? rows[0].operation;
  const baseline = rows.find((row) => row.operation === baselineName);
  if (baseline === undefined) invalid('baseline', baselineName, `one of the rows: ${rows.map((r) => r.operation).join(', ')}`);
  const title = options.title ?? 'Latency numbers every programmer should know';
  const widthPx = checkNumber('widthPx', options.widthPx ?? 520, 100, 4000, 'px');

  const values = rows.map((row) => {
    const ratio = row.latencyNs / baseline.latencyNs;
    return {
      operation: row.operation,
      latencyNs: row.latencyNs,
      human: formatDurationNs(row.latencyNs),
      annotation: `${formatDurationNs(row.latencyNs)}  ·  ×${trimNumber(ratio)} ${row === baseline ? '(baseline)' : `vs ${baseline.operation}`}`
    };
  });
  const order = values.map((v) => v.operation);
  const maxNs = Math.max(...values.map((v) => v.latencyNs));
  const minNs = Math.min(...values.map((v) => v.latencyNs));

  const spec = {
    title: { text: title, subtitle: `log scale; each bar is ×N the time of one ${baseline.operation}` },
    width: widthPx,
    height: { step: 30 },
    data: { values },
    encoding: {
      y: { field: 'operation', type: 'nominal', sort: order, title: null, axis: { labelLimit: 240 } },
      x: {
        field: 'latencyNs',
        type: 'quantitative',
        title: 'latency (log scale)',
        scale: { type: 'log', domain: [Math.pow(10, Math.floor(Math.log10(minNs))), Math.pow(10, Math.ceil(Math.log10(maxNs)) + 2)] },
        axis: { labelExpr: VEGA_LABEL_EXPR_NS, tickCount: 12, grid: true }
      },
      tooltip: [
        { field: 'operation', type: 'nominal' },
        { field: 'human', type: 'nominal', title: 'latency' },
        { field: 'annotation', type: 'nominal', title: 'compared' }
      ]
    },
    layer: [
      { mark: { type: 'bar', color: '#0072B2', height: { band: 0.7 } } },
      { mark: { type: 'text', align: 'left', dx: 4, fontSize: 11 }, encoding: { text: { field: 'annotation' } } }
    ]
  };
  const width = Math.max(...values.map((v) => v.operation.length));
  const summary = [title, ...values.map((v) => `${v.operation.padEnd(width)}  ${v.annotation}`)].join('\n');
  return new Figure(spec, summary);
}
