// Figure: how fan-out turns rare slow backends into common slow requests.
import { declareOptions, integerOption, invalid, numberListOption, type OptionsOf } from '../core/options';
import { heightPxOption, textOption, textTable, widthPxOption } from './common';
import { round } from '../core/numbers';
import { Figure } from './figure';
import { fanoutSlowProbability } from '../topics/latency/call-chains';
import { INK } from './theme';

export const FANOUT_TAIL_CHART_OPTIONS = declareOptions('fanoutTailChart', {
  slowProbabilities: numberListOption({
    doc: 'Probability that one backend call is slow (beyond its p99 if 0.01), one line each',
    min: 0,
    max: 1,
    lengthMax: 20,
    default: [0.001, 0.01, 0.05]
  }),
  fanoutMax: integerOption({ doc: 'Largest fan-out drawn (backends a request waits for)', min: 2, max: 100_000, default: 100 }),
  markFanouts: numberListOption({
    doc: 'Fan-outs to annotate with their value on every line, each at most fanoutMax',
    min: 1,
    max: 100_000,
    integer: true,
    lengthMax: 20,
    defaultText: '[100] (clipped to fanoutMax)'
  }),
  title: textOption({ doc: 'Chart title', default: 'Tail-latency amplification under fan-out' }),
  widthPx: widthPxOption(560),
  heightPx: heightPxOption(300)
});
export type FanoutTailChartOptions = OptionsOf<typeof FANOUT_TAIL_CHART_OPTIONS>;

/**
 * A request that waits for n backends is as slow as the slowest: P(slow) = 1 - (1 - q)^n.
 * One line per per-backend slow probability q, against the fan-out n.
 */
export function fanoutTailChart(options: FanoutTailChartOptions = {}): Figure {
  const { slowProbabilities: qs, fanoutMax, markFanouts, title, widthPx, heightPx } = FANOUT_TAIL_CHART_OPTIONS.parse(options);
  const marks = markFanouts ?? [Math.min(100, fanoutMax)];
  marks.forEach((n, i) => {
    if (n > fanoutMax) invalid(`markFanouts[${i}]`, n, `an integer 1..${fanoutMax} (at most fanoutMax)`);
  });

  const ns: number[] = [];
  for (let n = 1; n <= fanoutMax; n = n < 20 ? n + 1 : Math.ceil(n * 1.08)) ns.push(n);
  if (ns[ns.length - 1] !== fanoutMax) ns.push(fanoutMax);
  const seriesName = (q: number) => `q = ${round(q * 100, 4)}% of calls slow`;
  const line = qs.flatMap((q) => ns.map((n) => ({ series: seriesName(q), fanout: n, slowFraction: round(fanoutSlowProbability(q, n)) })));
  const marked = qs.flatMap((q) =>
    marks.map((n) => {
      const p = fanoutSlowProbability(q, n);
      return { series: seriesName(q), fanout: n, slowFraction: round(p), label: `n=${n}: ${(p * 100).toFixed(p < 0.1 ? 1 : 0)}%` };
    })
  );
  const x = { field: 'fanout', type: 'quantitative', title: 'fan-out n (backends each request waits for, log scale)', scale: { type: 'log', domain: [1, fanoutMax] } };
  const y = { field: 'slowFraction', type: 'quantitative', title: 'requests that are slow: 1 − (1 − q)ⁿ', axis: { format: '%' }, scale: { domain: [0, 1] } };
  const color = { field: 'series', type: 'nominal', title: 'per-backend slow probability q', sort: qs.map(seriesName), legend: { orient: 'bottom', direction: 'vertical' } };
  const spec = {
    title: { text: title, subtitle: 'a request is slow if any one of its n backend calls is slow' },
    width: widthPx,
    height: heightPx,
    layer: [
      { data: { values: line }, mark: { type: 'line', strokeWidth: 2 }, encoding: { x, y, color, tooltip: [{ field: 'series' }, { field: 'fanout' }, { field: 'slowFraction', format: '.1%' }] } },
      { data: { values: marked }, mark: { type: 'point', filled: true, size: 50 }, encoding: { x, y, color } },
      { data: { values: marked }, mark: { type: 'text', align: 'right', dx: -6, dy: -8, fontSize: 11, color: INK }, encoding: { x, y, text: { field: 'label' } } }
    ]
  };
  const summary = [title, 'P(request slow) = 1 - (1 - q)^n', textTable(['q', ...marks.map((n) => `n=${n}`)], qs.map((q) => [`${round(q * 100, 4)}%`, ...marks.map((n) => `${(fanoutSlowProbability(q, n) * 100).toFixed(1)}%`)]))].join('\n');
  return new Figure(spec, summary);
}
