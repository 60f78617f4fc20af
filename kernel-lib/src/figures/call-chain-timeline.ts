// Figure: a request's call chain over time (sequential, batched, parallel).
import { declareOptions, type OptionsOf } from '../core/options';
import { textOption, textTable, widthPxOption } from './common';
import { round } from '../core/numbers';
import { Figure } from './figure';
import { CALL_CHAIN_OPTIONS, callChainTimings } from '../topics/latency/call-chains';
import { PALETTE } from './theme';
import { formatDurationMs } from './units';

export const CALL_CHAIN_TIMELINE_OPTIONS = declareOptions('callChainTimeline', {
  ...CALL_CHAIN_OPTIONS.specs,
  title: textOption({ doc: 'Chart title', defaultText: '"50 calls × 2 ms: sequential, batched, parallel" (with the calls given)' }),
  widthPx: widthPxOption(620)
});
export type CallChainTimelineOptions = OptionsOf<typeof CALL_CHAIN_TIMELINE_OPTIONS>;

/**
 * The course's question as a timeline: a request needs `calls` remote calls of `callMs`
 * each, made one after another, in batches, or all at once. Each bar is a round trip;
 * the label is the request's latency (100 ms, 10 ms, 2 ms with the course's numbers).
 */
export function callChainTimeline(options: CallChainTimelineOptions = {}): Figure {
  const { title, widthPx: width, calls, callMs, batchSize } = CALL_CHAIN_TIMELINE_OPTIONS.parse(options);
  const t = callChainTimings({ calls, callMs, batchSize });
  const chartTitle = title ?? `${t.calls} calls × ${formatDurationMs(t.callMs)}: sequential, batched, parallel`;
  const batches = Math.ceil(t.calls / t.batchSize);
  const rowName = {
    sequential: `sequential (${t.calls} round trips)`,
    batched: `batched (${batches} × ${t.batchSize} calls)`,
    parallel: `parallel (${t.calls} at once)`
  };
  const totals = { sequential: t.sequentialMs, batched: t.batchedMs, parallel: t.parallelMs };
  const order = [rowName.sequential, rowName.batched, rowName.parallel];
  const spans = t.spans.map((s) => ({
    strategy: rowName[s.strategy],
    call: s.index + 1,
    calls: s.callsInSpan,
    startMs: round(s.startMs),
    endMs: round(s.endMs)
  }));
  const totalsData = (Object.keys(totals) as (keyof typeof totals)[]).map((k) => ({
    strategy: rowName[k],
    endMs: round(totals[k]),
    label: `${formatDurationMs(totals[k])}${k === 'sequential' ? '' : ` (${(t.sequentialMs / totals[k]).toFixed(0)}× faster)`}`
  }));
  const y = { field: 'strategy', type: 'nominal', sort: order, title: null };
  const spec = {
    title: { text: chartTitle, subtitle: 'each bar is one network round trip; parallel bars overlap' },
    width,
    height: { step: 44 },
    layer: [
      {
        data: { values: spans },
        mark: { type: 'bar', height: { band: 0.6 }, stroke: 'white', strokeWidth: 0.5, strokeOpacity: 0.6, opacity: 0.9 },
        encoding: {
          y,
          x: { field: 'startMs', type: 'quantitative', title: 'time since the request started (ms)', scale: { domain: [0, t.sequentialMs * 1.18] } },
          x2: { field: 'endMs' },
          color: { field: 'strategy', type: 'nominal', sort: order, title: 'strategy', scale: { range: [PALETTE[3], PALETTE[1], PALETTE[2]] }, legend: { orient: 'bottom' } },
          tooltip: [{ field: 'strategy' }, { field: 'call', title: 'round trip #' }, { field: 'calls', title: 'calls in it' }, { field: 'startMs' }, { field: 'endMs' }]
        }
      },
      {
        data: { values: totalsData },
        mark: { type: 'text', align: 'left', dx: 6, fontSize: 12, fontWeight: 'bold' },
        encoding: { y, x: { field: 'endMs', type: 'quantitative' }, text: { field: 'label' } }
      }
    ]
  };
  const summary = [
    chartTitle,
    textTable(
      ['strategy', 'latency'],
      totalsData.map((d) => [d.strategy, d.label])
    )
  ].join('\n');
  return new Figure(spec, summary);
}
