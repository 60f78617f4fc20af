// Figure: the latency numbers every programmer should know, on a log scale.
import { checkString, invalid, rejectUnknownKeys, checkNumber } from '../core/options';
import { maxOf, minOf } from '../core/numbers';
import { LATENCY_NUMBERS, LatencyNumber } from '../topics/latency/latency-numbers';
import { Figure } from './figure';
import { PALETTE } from './theme';
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
  /**
   * Rows measured on this machine (from `await measureThisMachine()`), in nanoseconds,
   * drawn in a second colour among the course's rows, sorted by latency. Default: none.
   */
  measured?: readonly LatencyNumber[];
}

const OPTION_KEYS = ['rows', 'baseline', 'title', 'widthPx', 'measured'] as const;

/**
 * The latency-numbers table as log-scale bars with human units, each bar annotated
 * with how many times slower it is than the baseline (an L1 cache reference).
 * With `measured`, the learner's own machine appears among the course's rows.
 * Display with `show(latencyNumbersChart())` or as the cell's last expression.
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

  const measured = options.measured ?? [];
  if (!Array.isArray(measured)) invalid('measured', measured, 'an array of {operation, latencyNs}');
  measured.forEach((row, i) => {
    checkString(`measured[${i}].operation`, row.operation);
    checkNumber(`measured[${i}].latencyNs`, row.latencyNs, Number.MIN_VALUE, Infinity, 'ns');
  });
  const all = [...rows.map((row) => ({ row, source: 'course table' })), ...measured.map((row) => ({ row, source: 'this machine (measured)' }))];
  if (measured.length > 0) all.sort((a, b) => a.row.latencyNs - b.row.latencyNs);

  const values = all.map(({ row, source }) => {
    const ratio = row.latencyNs / baseline.latencyNs;
    return {
      source,
      operation: row.operation,
      latencyNs: row.latencyNs,
      human: formatDurationNs(row.latencyNs),
      annotation: `${formatDurationNs(row.latencyNs)}  ·  ×${trimNumber(ratio)} ${row === baseline ? '(baseline)' : `vs ${baseline.operation}`}`
    };
  });
  const order = values.map((v) => v.operation);
  const maxNs = maxOf(values.map((v) => v.latencyNs));
  const minNs = minOf(values.map((v) => v.latencyNs));
  const domainMinNs = Math.pow(10, Math.floor(Math.log10(minNs)));
  const domainMaxNs = Math.pow(10, Math.ceil(Math.log10(maxNs)) + 2);
  const decades: number[] = [];
  for (let v = domainMinNs; v <= domainMaxNs * 1.0001; v *= 10) decades.push(Number(v.toPrecision(1)));

  const spec = {
    title: { text: title, subtitle: `log scale; each bar is ×N the time of one ${baseline.operation}` },
    width: widthPx,
    height: { step: 30 },
    data: { values },
    encoding: {
      y: { field: 'operation', type: 'nominal', sort: order, title: null, axis: { labelLimit: 320 } },
      x: {
        field: 'latencyNs',
        type: 'quantitative',
        title: 'latency (log scale)',
        scale: { type: 'log', domain: [domainMinNs, domainMaxNs] },
        axis: { labelExpr: VEGA_LABEL_EXPR_NS, values: decades, grid: true }
      },
      tooltip: [
        { field: 'operation', type: 'nominal' },
        { field: 'human', type: 'nominal', title: 'latency' },
        { field: 'annotation', type: 'nominal', title: 'compared' }
      ]
    },
    layer: [
      {
        mark: { type: 'bar', height: { band: 0.7 } },
        encoding: {
          x2: { datum: domainMinNs },
          color: {
            field: 'source',
            type: 'nominal',
            title: null,
            scale: { domain: ['course table', 'this machine (measured)'], range: [PALETTE[0], PALETTE[1]] },
            legend: measured.length > 0 ? { orient: 'bottom' } : null
          }
        }
      },
      { mark: { type: 'text', align: 'left', dx: 4, fontSize: 11 }, encoding: { text: { field: 'annotation' } } }
    ]
  };
  const width = maxOf(values.map((v) => v.operation.length));
  const summary = [title, ...values.map((v) => `${v.operation.padEnd(width)}  ${v.annotation}${v.source === 'course table' ? '' : '  (measured)'}`)].join('\n');
  return new Figure(spec, summary);
}
