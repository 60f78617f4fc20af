// Figure: the latency numbers every programmer should know, on a log scale.
import { parseNumber, parseString, customOption, declareOptions, invalid, type OptionsOf } from '../core/options';
import { textOption, widthPxOption } from './common';
import { maxOf, minOf } from '../core/numbers';
import { LATENCY_NUMBERS, LatencyNumber } from '../topics/latency/latency-numbers';
import { Figure } from './figure';
import { PALETTE } from './theme';
import { formatDurationNs, trimNumber, VEGA_LABEL_EXPR_NS } from './units';

/** Rows of `{operation, latencyNs}`, each row checked and named in its error. */
function latencyRowsOption(doc: string, defaultText: string, nonEmpty: boolean) {
  const expected = `${nonEmpty ? 'a non-empty array' : 'an array'} of {operation, latencyNs}`;
  return customOption<readonly LatencyNumber[]>({
    doc,
    defaultText,
    expected,
    parse: (name, value) => {
      if (!Array.isArray(value) || (nonEmpty && value.length === 0)) invalid(name, value, expected);
      value.forEach((row: LatencyNumber, i: number) => {
        parseString(`${name}[${i}].operation`, row?.operation);
        parseNumber(`${name}[${i}].latencyNs`, row?.latencyNs, Number.MIN_VALUE, Infinity, 'ns');
      });
      return value as readonly LatencyNumber[];
    }
  });
}

export const LATENCY_NUMBERS_CHART_OPTIONS = declareOptions('latencyNumbersChart', {
  rows: latencyRowsOption('Rows to draw, in nanoseconds', "the course's latency-numbers table", true),
  baseline: textOption({ doc: 'Row every other is compared to ("×N slower than …")', defaultText: 'the first row (L1 cache reference)' }),
  title: textOption({ doc: 'Chart title', default: 'Latency numbers every programmer should know' }),
  widthPx: widthPxOption(520),
  measured: latencyRowsOption(
    "Rows measured on this machine (from `await measureThisMachine()`), in nanoseconds, drawn in a second colour among the course's rows, sorted by latency",
    'none',
    false
  )
});
export type LatencyNumbersChartOptions = OptionsOf<typeof LATENCY_NUMBERS_CHART_OPTIONS>;

/**
 * The latency-numbers table as log-scale bars with human units, each bar annotated
 * with how many times slower it is than the baseline (an L1 cache reference).
 * With `measured`, the learner's own machine appears among the course's rows.
 * Display with `show(latencyNumbersChart())` or as the cell's last expression.
 */
export function latencyNumbersChart(options: LatencyNumbersChartOptions = {}): Figure {
  const { rows = LATENCY_NUMBERS, baseline: baselineOption, title, widthPx, measured = [] } = LATENCY_NUMBERS_CHART_OPTIONS.parse(options);
  const baselineName = baselineOption ?? rows[0].operation;
  const baseline = rows.find((row) => row.operation === baselineName);
  if (baseline === undefined) invalid('baseline', baselineName, `one of the rows: ${rows.map((r) => r.operation).join(', ')}`);

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
  // A label per decade needs about 60 px ('100 µs'); narrower, label only 1 ns, 1 µs, 1 ms, 1 s…
  const labelEvery = widthPx / Math.max(1, decades.length - 1) >= 60 ? 1 : 3;
  const labelled = decades.filter((v) => Math.round(Math.log10(v)) % labelEvery === 0);

  const spec = {
    title: { text: title, subtitle: `log scale; each bar is ×N the time of one ${baseline.operation}` },
    width: widthPx,
    height: { step: 30 },
    data: { values },
    encoding: {
      y: { field: 'operation', type: 'nominal', sort: order, title: null },
      x: {
        field: 'latencyNs',
        type: 'quantitative',
        title: 'latency (log scale)',
        scale: { type: 'log', domain: [domainMinNs, domainMaxNs] },
        axis: { labelExpr: VEGA_LABEL_EXPR_NS, values: labelled, grid: true }
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
