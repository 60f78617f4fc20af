// Figure: how fan-out turns rare slow backends into common slow requests.
import { checkInteger, checkProbability, rejectUnknownKeys, checkArray } from '../core/options';
import { checkTitle, checkWidthPx, checkHeightPx, textTable } from './common';
import { round } from '../core/numbers';
import { Figure } from './figure';
import { fanoutSlowProbability } from '../topics/latency/call-chains';
import { INK } from './theme';

export interface FanoutTailChartOptions {
  /** Probability that one backend call is slow (beyond its p99 if 0.01), one line each. Default: [0.001, 0.01, 0.05]. */
  slowProbabilities?: readonly number[];
  /** Largest fan-out drawn (backends a request waits for). Default: 100. */
  fanoutMax?: number;
  /** Fan-outs to annotate with their value on every line. Default: [100] (clipped to fanoutMax). */
  markFanouts?: readonly number[];
  /** Chart title. Default: "Tail-latency amplification under fan-out". */
  title?: string;
  /** Plot width in pixels. Default: 560. */
  widthPx?: number;
  /** Plot height in pixels. Default: 300. */
  heightPx?: number;
}

const OPTION_KEYS = ['slowProbabilities', 'fanoutMax', 'markFanouts', 'title', 'widthPx', 'heightPx'] as const;

/**
 * A request that waits for n backends is as slow as the slowest: P(slow) = 1 - (1 - q)^n.
 * One line per per-backend slow probability q, against the fan-out n.
 */
export function fanoutTailChart(options: FanoutTailChartOptions = {}): Figure {
  rejectUnknownKeys('fanoutTailChart', options, OPTION_KEYS);
  const qs = checkArray<number>('slowProbabilities', options.slowProbabilities ?? [0.001, 0.01, 0.05], 'a non-empty array of probabilities 0..1');
  qs.forEach((q, i) => checkProbability(`slowProbabilities[${i}]`, q));
  const fanoutMax = checkInteger('fanoutMax', options.fanoutMax ?? 100, 2, 100_000);
  const marks = checkArray<number>('markFanouts', options.markFanouts ?? [Math.min(100, fanoutMax)], 'a non-empty array of fan-outs');
  marks.forEach((n, i) => checkInteger(`markFanouts[${i}]`, n, 1, fanoutMax));
  const title = checkTitle(options.title, 'Tail-latency amplification under fan-out');
  const widthPx = checkWidthPx(options.widthPx, 560);
  const heightPx = checkHeightPx(options.heightPx, 300);

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
