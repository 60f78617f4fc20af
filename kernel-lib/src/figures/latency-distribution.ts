// Figure: latency distributions with their percentiles.
import { choiceOption, declareOptions, integerOption, numberListOption, type OptionsOf } from '../core/options';
import { checkSamples, heightPxOption, textOption, widthPxOption } from './common';
import { round, maxOf, minOf } from '../core/numbers';
import { Figure } from './figure';
import { percentile } from '../experiments/stats';
import { INK, PALETTE } from './theme';
import { formatDurationMs } from './units';

// Shared by the histogram and the CDF; only their names (in errors) and default scale differ.
const LATENCY_DISTRIBUTION_SPECS = {
  title: textOption({ doc: 'Chart title', defaultText: '"Latency distribution (n samples)" / "Latency CDF (n samples)"' }),
  widthPx: widthPxOption(560),
  heightPx: heightPxOption(260),
  binsMax: integerOption({ doc: 'Histogram bins at most (histogram only)', min: 2, max: 500, default: 40 }),
  scale: choiceOption(['linear', 'log'] as const, { doc: 'Scale of the latency axis', defaultText: '"linear" for the histogram, "log" for the CDF' }),
  percentiles: numberListOption({ doc: 'Percentiles to mark', min: 0, max: 100, lengthMax: 100, default: [50, 95, 99] }),
  what: textOption({ doc: 'Name of what was measured, for the subtitle', default: 'request latency' })
};
export const LATENCY_HISTOGRAM_OPTIONS = declareOptions('latencyHistogram', LATENCY_DISTRIBUTION_SPECS);
export const LATENCY_CDF_OPTIONS = declareOptions('latencyCdf', LATENCY_DISTRIBUTION_SPECS);
export type LatencyDistributionOptions = OptionsOf<typeof LATENCY_HISTOGRAM_OPTIONS>;

interface Checked {
  samplesMs: number[];
  title: string;
  widthPx: number;
  heightPx: number;
  binsMax: number;
  scale: 'linear' | 'log';
  percentiles: { name: string; q: number; valueMs: number; label: string }[];
  what: string;
}

function check(declared: typeof LATENCY_HISTOGRAM_OPTIONS, samplesMs: readonly number[], options: LatencyDistributionOptions, defaultTitle: string, defaultScale: 'linear' | 'log'): Checked {
  const o = declared.parse(options);
  const scale = o.scale ?? defaultScale;
  const samples = checkSamples('samplesMs', samplesMs, scale === 'log' ? Number.MIN_VALUE : 0);
  return {
    samplesMs: samples,
    title: o.title ?? `${defaultTitle} (${samples.length.toLocaleString('en-US')} samples)`,
    widthPx: o.widthPx,
    heightPx: o.heightPx,
    binsMax: o.binsMax,
    scale,
    what: o.what,
    percentiles: o.percentiles.map((q) => {
      const valueMs = percentile(samples, q);
      return { name: `p${q}`, q, valueMs: round(valueMs), label: `p${q} = ${formatDurationMs(valueMs)}` };
    })
  };
}

/** Vertical rules with labels at the percentiles, dashed, in the palette's accent colours. */
function percentileLayers(c: Checked) {
  const colours = [PALETTE[2], PALETTE[1], PALETTE[3], PALETTE[4], PALETTE[5]];
  const values = c.percentiles.map((p, i) => ({ ...p, colour: colours[i % colours.length], row: i }));
  return [
    {
      data: { values },
      mark: { type: 'rule', strokeDash: [5, 3], strokeWidth: 2 },
      encoding: {
        x: { field: 'valueMs', type: 'quantitative' },
        color: { field: 'name', type: 'nominal', title: 'percentile', scale: { domain: values.map((v) => v.name), range: values.map((v) => v.colour) } }
      }
    },
    {
      data: { values },
      // Stacked at the top-left of each rule so close percentiles do not overlap.
      mark: { type: 'text', align: 'left', dx: 4, fontSize: 11, fontWeight: 'bold', y: { expr: '10 + datum.row * 14' } },
      encoding: {
        x: { field: 'valueMs', type: 'quantitative' },
        text: { field: 'label' },
        color: { field: 'name', type: 'nominal', legend: null }
      }
    }
  ];
}

function summaryText(c: Checked, title: string): string {
  const sorted = [...c.samplesMs].sort((a, b) => a - b);
  return [
    title,
    `${c.samplesMs.length} samples of ${c.what}; min ${formatDurationMs(sorted[0])}, max ${formatDurationMs(sorted[sorted.length - 1])}`,
    ...c.percentiles.map((p) => p.label)
  ].join('\n');
}

/** Bins with a 1-2-5 step (linear) or equal ratios (log), at most binsMax of them. */
export function histogramBins(samples: readonly number[], binsMax: number, scale: 'linear' | 'log' = 'linear'): { fromMs: number; toMs: number; count: number }[] {
  const lo = minOf(samples);
  const hi = maxOf(samples);
  const edges: number[] = [];
  if (scale === 'log') {
    const ratio = Math.pow(hi / lo, 1 / binsMax) * 1.000001;
    for (let e = lo; edges.length <= binsMax; e *= ratio) edges.push(e);
  } else {
    const raw = (hi - lo || 1) / binsMax;
    const magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
    const step = [1, 2, 5, 10].map((m) => m * magnitude).find((v) => v >= raw) as number;
    for (let e = Math.floor(lo / step) * step; e <= hi + step * 1e-9 || edges.length < 2; e += step) edges.push(round(e, 9));
    if (edges[edges.length - 1] <= hi) edges.push(round(edges[edges.length - 1] + step, 9));
  }
  const counts = new Array(edges.length - 1).fill(0);
  for (const v of samples) {
    let i = edges.findIndex((e, k) => k + 1 < edges.length && v >= e && v < edges[k + 1]);
    if (i < 0) i = counts.length - 1;
    counts[i] += 1;
  }
  return counts.map((count, i) => ({ fromMs: round(edges[i]), toMs: round(edges[i + 1]), count }));
}

/**
 * Histogram of latency samples (milliseconds) with p50, p95 and p99 marked as dashed lines.
 * Display with `show(latencyHistogram(samplesMs))` or as the cell's last expression.
 */
export function latencyHistogram(samplesMs: readonly number[], options: LatencyDistributionOptions = {}): Figure {
  const c = check(LATENCY_HISTOGRAM_OPTIONS, samplesMs, options, 'Latency distribution', 'linear');
  const bins = histogramBins(c.samplesMs, c.binsMax, c.scale);
  const maxCount = maxOf(bins.map((b) => b.count));
  const spec = {
    title: { text: c.title, subtitle: `${c.what}; dashed lines: ${c.percentiles.map((p) => p.name).join(', ')}` },
    width: c.widthPx,
    height: c.heightPx,
    layer: [
      {
        data: { values: bins },
        mark: { type: 'bar', color: PALETTE[0], opacity: 0.85, stroke: PALETTE[0], strokeWidth: 0.5 },
        encoding: {
          x: {
            field: 'fromMs',
            type: 'quantitative',
            title: `${c.what} (ms${c.scale === 'log' ? ', log scale' : ''})`,
            scale: c.scale === 'log' ? { type: 'log' } : { zero: false }
          },
          x2: { field: 'toMs' },
          y2: { datum: 0 },
          // Headroom above the tallest bar keeps the percentile labels off the bars.
          y: { field: 'count', type: 'quantitative', title: 'requests', scale: { domain: [0, Math.ceil(maxCount * 1.3)] } },
          tooltip: [{ field: 'fromMs', title: 'from (ms)' }, { field: 'toMs', title: 'to (ms)' }, { field: 'count', title: 'requests' }]
        }
      },
      ...percentileLayers(c)
    ]
  };
  return new Figure(spec, summaryText(c, c.title));
}

/**
 * Empirical CDF of latency samples (milliseconds): the fraction of requests faster than x,
 * with p50, p95 and p99 marked. Log latency axis by default, so the tail is readable.
 */
export function latencyCdf(samplesMs: readonly number[], options: LatencyDistributionOptions = {}): Figure {
  const c = check(LATENCY_CDF_OPTIONS, samplesMs, options, 'Latency CDF', 'log');
  const sorted = [...c.samplesMs].sort((a, b) => a - b);
  // A step per distinct value keeps the spec small for large sample sets.
  const points: { latencyMs: number; fraction: number }[] = [];
  sorted.forEach((v, i) => {
    const fraction = (i + 1) / sorted.length;
    if (i + 1 < sorted.length && sorted[i + 1] === v) return;
    points.push({ latencyMs: round(v), fraction: round(fraction) });
  });
  const spec = {
    title: { text: c.title, subtitle: `${c.what}; fraction of requests at or below each latency` },
    width: c.widthPx,
    height: c.heightPx,
    layer: [
      {
        data: { values: points },
        mark: { type: 'line', interpolate: 'step-after', color: PALETTE[0], strokeWidth: 2 },
        encoding: {
          x: { field: 'latencyMs', type: 'quantitative', title: `${c.what} (ms${c.scale === 'log' ? ', log scale' : ''})`, scale: c.scale === 'log' ? { type: 'log' } : {} },
          y: { field: 'fraction', type: 'quantitative', title: 'fraction of requests ≤ latency', scale: { domain: [0, 1] }, axis: { format: '%' } },
          tooltip: [{ field: 'latencyMs', title: 'latency (ms)' }, { field: 'fraction', format: '.1%' }]
        }
      },
      {
        data: { values: c.percentiles.map((p) => ({ ...p, fraction: p.q / 100 })) },
        mark: { type: 'rule', color: INK, strokeDash: [2, 2], opacity: 0.7 },
        encoding: { y: { field: 'fraction', type: 'quantitative' } }
      },
      ...percentileLayers(c)
    ]
  };
  return new Figure(spec, summaryText(c, c.title));
}
