// Figure: two or more distributions of one quantity on one ECDF (say simulated and real failover times).
import { choiceOption, declareOptions, invalid, parseString, type OptionsOf } from '../core/options';
import { round } from '../core/numbers';
import { percentile } from '../experiments/stats';
import { checkSamples, heightPxOption, textOption, textTable, widthPxOption } from './common';
import { Figure } from './figure';
import { PALETTE } from './theme';
import { formatDurationMs } from './units';

/** One named set of samples, in milliseconds. */
export interface DistributionSeries {
  name: string;
  samplesMs: readonly number[];
}

export const DISTRIBUTION_COMPARISON_OPTIONS = declareOptions('distributionComparisonChart', {
  title: textOption({ doc: 'Chart title', defaultText: '"<what>: <series names>"' }),
  what: textOption({ doc: 'What was measured, for the axis and the summary', default: 'time' }),
  scale: choiceOption(['linear', 'log'] as const, { doc: 'Scale of the time axis', default: 'linear' }),
  widthPx: widthPxOption(560),
  heightPx: heightPxOption(260)
});
export type DistributionComparisonOptions = OptionsOf<typeof DISTRIBUTION_COMPARISON_OPTIONS>;

const SERIES_MAX = 8;

/**
 * Empirical CDFs of several sets of samples on one axis, each with its median marked: the same
 * figure for a simulated and a measured distribution, so the two can be read against each other.
 *
 *     dl.distributionComparisonChart([{ name: 'simulated', samplesMs: sim.points.map((p) => p.failoverMs) },
 *                                     { name: 'real etcd', samplesMs: real.points.map((p) => p.failoverMs) }], { what: 'failover time' })
 */
export function distributionComparisonChart(series: readonly DistributionSeries[], options: DistributionComparisonOptions = {}): Figure {
  const o = DISTRIBUTION_COMPARISON_OPTIONS.parse(options);
  if (!Array.isArray(series) || series.length === 0 || series.length > SERIES_MAX) invalid('series', series, `an array of 1..${SERIES_MAX} { name, samplesMs }`);
  const checked = series.map((s, i) => {
    if (typeof s !== 'object' || s === null) invalid(`series[${i}]`, s, 'an object { name, samplesMs }');
    const name = parseString(`series[${i}].name`, s.name);
    const samples = checkSamples(`series[${i}].samplesMs`, s.samplesMs, o.scale === 'log' ? Number.MIN_VALUE : 0);
    return { name, sorted: [...samples].sort((a, b) => a - b) };
  });
  const names = checked.map((c) => c.name);
  if (new Set(names).size !== names.length) invalid('series', names, 'series with distinct names');
  const colours = checked.map((_, i) => PALETTE[i % PALETTE.length]);
  const steps: { series: string; ms: number; fraction: number }[] = [];
  for (const c of checked) {
    // The curve rises from 0 at the smallest sample, so a few samples do not start mid-air.
    steps.push({ series: c.name, ms: round(c.sorted[0]), fraction: 0 });
    c.sorted.forEach((v, i) => {
      if (i + 1 < c.sorted.length && c.sorted[i + 1] === v) return;
      steps.push({ series: c.name, ms: round(v), fraction: round((i + 1) / c.sorted.length) });
    });
  }
  // On the picture as well as in the text: the lab shows the picture only.
  const ratioText = checked.length === 2
    ? `medians ${checked.map((c) => `${c.name} ${formatDurationMs(percentile(c.sorted, 50))}`).join(', ')}; ${checked[1].name} / ${checked[0].name} = ${(percentile(checked[1].sorted, 50) / percentile(checked[0].sorted, 50)).toFixed(2)}`
    : '';
  const medians = checked.map((c) => ({ series: c.name, ms: round(percentile(c.sorted, 50)), label: `median ${formatDurationMs(percentile(c.sorted, 50))}` }));
  const colour = { field: 'series', type: 'nominal', title: null, scale: { domain: names, range: colours } };
  const title = o.title ?? `${o.what}: ${names.join(' vs ')}`;
  const spec = {
    title: { text: title, subtitle: [`fraction of ${checked.map((c) => `${c.sorted.length} ${c.name}`).join(', ')} samples at or below each ${o.what}`, ...(ratioText ? [ratioText] : [])] },
    width: o.widthPx,
    height: o.heightPx,
    layer: [
      {
        data: { values: steps },
        mark: { type: 'line', interpolate: 'step-after', strokeWidth: 2 },
        encoding: {
          x: { field: 'ms', type: 'quantitative', title: `${o.what} (ms${o.scale === 'log' ? ', log scale' : ''})`, scale: o.scale === 'log' ? { type: 'log' } : { zero: false } },
          y: { field: 'fraction', type: 'quantitative', title: `fraction ≤ ${o.what}`, scale: { domain: [0, 1] }, axis: { format: '%' } },
          // Along the fraction, so the rise from 0 comes before the first step at the same time.
          order: { field: 'fraction', type: 'quantitative' },
          color: { ...colour, legend: { orient: 'top-left', direction: 'vertical', offset: 8 } },
          tooltip: [{ field: 'series' }, { field: 'ms', title: `${o.what} (ms)` }, { field: 'fraction', format: '.1%' }]
        }
      },
      {
        data: { values: medians },
        mark: { type: 'rule', strokeDash: [5, 3], strokeWidth: 1.5 },
        encoding: { x: { field: 'ms', type: 'quantitative' }, color: colour }
      },
      {
        data: { values: medians.map((m, row) => ({ ...m, row })) },
        mark: { type: 'text', align: 'left', dx: 4, fontSize: 11, fontWeight: 'bold', y: { expr: `${o.heightPx - 12} - datum.row * 14` } },
        encoding: { x: { field: 'ms', type: 'quantitative' }, text: { field: 'label' }, color: colour }
      }
    ]
  };
  const rows = checked.map((c) => [c.name, String(c.sorted.length), formatDurationMs(percentile(c.sorted, 50)), formatDurationMs(percentile(c.sorted, 90)), formatDurationMs(c.sorted[0]), formatDurationMs(c.sorted[c.sorted.length - 1])]);
  const ratio = checked.length === 2 ? `\n${checked[1].name} / ${checked[0].name} median: ${(percentile(checked[1].sorted, 50) / percentile(checked[0].sorted, 50)).toFixed(2)}` : '';
  return new Figure(spec, `${title}\n${textTable(['series', 'n', 'median', 'p90', 'min', 'max'], rows)}${ratio}`);
}
