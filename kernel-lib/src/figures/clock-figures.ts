// Figures of clocks: each clock's offset from true time, and the clock-skew story.
import { parseArray, parseNumber, parseString, choiceOption, declareOptions, numberOption, type OptionsOf } from '../core/options';
import { heightPxOption, textOption, TraceInput, traceEvents, textTable, widthPxOption } from './common';
import { round, maxOf, minOf } from '../core/numbers';
import { Figure } from './figure';
import { arrowAngleDeg, arrowTip, LaneGeometry, laneLinesLayer, laneY } from './lanes';
import { INK, PALETTE } from './theme';
import { formatDurationMs } from './units';
import { ClockOffsetData, ClockOffsetSample, ClockSyncMark } from '../topics/clocks/clock-offsets';

const UNIT_MS = { h: 3_600_000, min: 60_000, s: 1000, ms: 1 } as const;

export const CLOCK_OFFSET_CHART_OPTIONS = declareOptions('clockOffsetChart', {
  title: textOption({ doc: 'Chart title', default: 'Clock offsets from true time' }),
  widthPx: widthPxOption(620),
  heightPx: heightPxOption(300),
  syncLabel: textOption({ doc: 'From a trace: a `local` event whose label contains this text counts as a sync', default: 'sync' }),
  timeUnit: choiceOption(['h', 'min', 's', 'ms'] as const, { doc: 'Unit of the time axis', defaultText: 'chosen from the span (h, min, s or ms)' })
});
export type ClockOffsetChartOptions = OptionsOf<typeof CLOCK_OFFSET_CHART_OPTIONS>;

/**
 * The physical-clock offset (clock − true time) of each node over time, with syncs marked.
 * Input: `{ samples, syncs }` (e.g. from `driftingClockOffsets()`), or a trace, where each
 * event gives `clockMs − timeMs` for its node.
 */
export function clockOffsetChart(data: ClockOffsetData | TraceInput, options: ClockOffsetChartOptions = {}): Figure {
  const { title, widthPx, heightPx, syncLabel, timeUnit } = CLOCK_OFFSET_CHART_OPTIONS.parse(options);
  let samples: ClockOffsetSample[];
  let syncs: ClockSyncMark[];
  if (Array.isArray(data) || (typeof data === 'object' && data !== null && 'events' in data && !('samples' in data))) {
    const events = traceEvents(data as TraceInput);
    samples = events.map((e) => ({ node: e.node, timeMs: e.timeMs, offsetMs: round(e.clockMs - e.timeMs) }));
    syncs = events.filter((e) => e.type === 'local' && (e.label ?? '').includes(syncLabel)).map((e) => ({ node: e.node, timeMs: e.timeMs }));
  } else {
    const d = data as ClockOffsetData;
    samples = [...parseArray<ClockOffsetSample>('data.samples', d?.samples, 'a non-empty array of {node, timeMs, offsetMs}')];
    samples.forEach((s, i) => {
      parseString(`data.samples[${i}].node`, s.node);
      parseNumber(`data.samples[${i}].timeMs`, s.timeMs, -Infinity, Infinity, 'ms');
      parseNumber(`data.samples[${i}].offsetMs`, s.offsetMs, -Infinity, Infinity, 'ms');
    });
    syncs = [...(d.syncs ?? [])];
    syncs.forEach((s, i) => parseNumber(`data.syncs[${i}].timeMs`, s.timeMs, -Infinity, Infinity, 'ms'));
  }
  const spanMs = maxOf(samples.map((s) => s.timeMs)) - minOf(samples.map((s) => s.timeMs));
  const unit = timeUnit ?? (spanMs >= 2 * 3_600_000 ? 'h' : spanMs >= 120_000 ? 'min' : spanMs >= 2000 ? 's' : 'ms');
  const toUnit = (ms: number) => round(ms / UNIT_MS[unit]);
  const nodes = [...new Set(samples.map((s) => s.node))];
  const offsetAfterSync = (s: ClockSyncMark) => {
    const at = samples.filter((x) => x.node === s.node && x.timeMs === s.timeMs);
    return at.length > 0 ? at[at.length - 1].offsetMs : 0;
  };
  const lineValues = samples.map((s, i) => ({ node: s.node, t: toUnit(s.timeMs), offsetMs: s.offsetMs, i }));
  const syncValues = syncs.map((s) => ({ node: s.node, t: toUnit(s.timeMs), offsetMs: offsetAfterSync(s), what: 'sync' }));
  const x = { field: 't', type: 'quantitative', title: `true time (${unit})` };
  const y = { field: 'offsetMs', type: 'quantitative', title: 'clock − true time (ms)' };
  const color = { field: 'node', type: 'nominal', title: 'node', sort: nodes, legend: { orient: 'right' } };
  const spec = {
    title: { text: title, subtitle: `${nodes.length} nodes; lines: each clock's error; ◆ = sync (the clock is stepped)` },
    width: widthPx,
    height: heightPx,
    layer: [
      { data: { values: [{ zero: 0 }] }, mark: { type: 'rule', color: INK, strokeDash: [4, 4] }, encoding: { y: { field: 'zero', type: 'quantitative' } } },
      {
        data: { values: lineValues },
        mark: { type: 'line', strokeWidth: 2 },
        encoding: { x, y, color, order: { field: 'i', type: 'quantitative' }, tooltip: [{ field: 'node' }, { field: 't', title: `time (${unit})` }, { field: 'offsetMs' }] }
      },
      {
        data: { values: syncValues },
        mark: { type: 'point', shape: 'diamond', filled: true, size: 90, stroke: 'white', strokeWidth: 1 },
        encoding: { x, y, color, shape: { field: 'what', type: 'nominal', title: null, scale: { range: ['diamond'] }, legend: { orient: 'right' } } }
      }
    ]
  };
  const rows = nodes.map((n) => {
    const own = samples.filter((s) => s.node === n).map((s) => s.offsetMs);
    const worst = own.reduce((a, b) => (Math.abs(b) > Math.abs(a) ? b : a), 0);
    return [n, formatDurationMs(worst), String(syncs.filter((s) => s.node === n).length)];
  });
  let maxSkewMs = 0;
  const byTime = new Map<number, number[]>();
  for (const s of samples) byTime.set(s.timeMs, [...(byTime.get(s.timeMs) ?? []), s.offsetMs]);
  for (const offsets of byTime.values()) if (offsets.length > 1) maxSkewMs = Math.max(maxSkewMs, maxOf(offsets) - minOf(offsets));
  const summary = [title, textTable(['node', 'worst offset', 'syncs'], rows), `largest skew between two nodes at one instant: ${formatDurationMs(maxSkewMs)}`].join('\n');
  return new Figure(spec, summary);
}

export const CLOCK_SKEW_STORY_OPTIONS = declareOptions('clockSkewStory', {
  skewMs: numberOption({ doc: "How far the New Jersey clock runs behind Chicago's", min: 0, max: 1e6, unit: 'ms', default: 47 }),
  networkDelayMs: numberOption({ doc: 'One-way network delay Chicago → New Jersey', min: 0, max: 1e6, unit: 'ms', default: 6 }),
  hedgeProcessingMs: numberOption({ doc: 'Time New Jersey takes to place the hedge after the message arrives', min: 0, max: 1e6, unit: 'ms', default: 1 }),
  title: textOption({ doc: 'Chart title', defaultText: '"47 ms of clock skew: the hedge that came before its trade" (with the skew given)' }),
  widthPx: widthPxOption(600)
});
export type ClockSkewStoryOptions = OptionsOf<typeof CLOCK_SKEW_STORY_OPTIONS>;

/**
 * The course's trading story: a trade in Chicago causes a hedge in New Jersey, whose clock
 * runs `skewMs` behind. Three views of the same two events: true time (the cause comes first),
 * wall-clock timestamps (the hedge is stamped before its trade) and Lamport order (fixed).
 */
export function clockSkewStory(options: ClockSkewStoryOptions = {}): Figure {
  const { skewMs, networkDelayMs: delayMs, hedgeProcessingMs: processingMs, title: titleOption, widthPx } = CLOCK_SKEW_STORY_OPTIONS.parse(options);
  const title = titleOption ?? `${formatDurationMs(skewMs)} of clock skew: the hedge that came before its trade`;
  const lanes = ['Chicago', 'New Jersey'];
  const laneHeightPx = 46;
  const hedgeTrueMs = delayMs + processingMs;
  const hedgeStampMs = hedgeTrueMs - skewMs;
  const apparentGapMs = -hedgeStampMs;

  const panels = [
    { name: 'true time', trade: 0, arrive: delayMs, hedge: hedgeTrueMs, axis: 'true time (ms after the trade)', note: 'what happened: the trade causes the hedge' },
    {
      name: 'wall-clock stamps',
      trade: 0,
      arrive: delayMs - skewMs,
      hedge: hedgeStampMs,
      axis: 'timestamp in the logs (ms, relative to the trade’s stamp)',
      note: hedgeStampMs < 0 ? `what the logs say: the hedge is stamped ${formatDurationMs(apparentGapMs)} BEFORE its trade` : 'what the logs say: order preserved (skew smaller than the delay)'
    },
    { name: 'Lamport order', trade: 1, arrive: 2, hedge: 3, axis: 'Lamport timestamp', note: 'receive = max(own, message) + 1, so the hedge (L3) sorts after the trade (L1)' }
  ];
  const allX = panels.flatMap((p) => (p.name === 'Lamport order' ? [] : [p.trade, p.arrive, p.hedge]));
  const lo = minOf(allX);
  const hi = maxOf(allX);
  const pad = (hi - lo || 1) * 0.12;
  const charts = panels.map((p) => {
    const isLamport = p.name === 'Lamport order';
    const xMin = isLamport ? 0.5 : round(lo - pad);
    const xMax = isLamport ? 3.5 : round(hi + pad);
    const g: LaneGeometry = { lanes, widthPx, laneHeightPx, xMin, xMax };
    const x = { field: 'x', type: 'quantitative', title: p.axis, scale: { domain: [xMin, xMax], nice: false, zero: false }, axis: isLamport ? { values: [1, 2, 3], format: 'd' } : { tickCount: 8 } };
    const y = laneY(g);
    const backwards = p.hedge < p.trade;
    const tip = arrowTip(g, p.trade, 0, p.arrive, 1, 5);
    const events = [
      { x: p.trade, lane: 0, label: isLamport ? 'trade L1' : `trade ${p.name === 'true time' ? '' : '@ ' + p.trade + ' ms'}`.trim(), kind: 'trade' },
      { x: p.arrive, lane: 1, label: '', kind: 'message received' },
      { x: p.hedge, lane: 1, label: isLamport ? 'hedge L3' : `hedge${p.name === 'true time' ? '' : ' @ ' + round(p.hedge, 3) + ' ms'}`, kind: 'hedge' }
    ];
    return {
      title: { text: `${p.name}: ${p.note}`, fontSize: 12, color: backwards ? PALETTE[3] : INK, fontWeight: backwards ? 'bold' : 'normal' },
      width: widthPx,
      height: lanes.length * laneHeightPx,
      layer: [
        laneLinesLayer(g),
        {
          data: { values: [{ x: p.trade, lane: 0, x2: p.arrive, lane2: 1 }] },
          mark: { type: 'rule', strokeWidth: 2, color: PALETTE[0] },
          encoding: { x, y, x2: { field: 'x2' }, y2: { field: 'lane2' } }
        },
        {
          data: { values: [{ x: round(tip.x), lane: round(tip.lane), angle: arrowAngleDeg(g, p.trade, 0, p.arrive, 1) }] },
          mark: { type: 'point', shape: 'triangle-up', filled: true, size: 90, color: PALETTE[0] },
          encoding: { x, y, angle: { field: 'angle', type: 'quantitative', scale: null } }
        },
        {
          data: { values: events },
          mark: { type: 'point', filled: true, size: 110, strokeWidth: 0 },
          encoding: {
            x,
            y,
            color: { field: 'kind', type: 'nominal', title: 'event', scale: { domain: ['trade', 'message received', 'hedge'], range: [PALETTE[1], PALETTE[5], PALETTE[2]] }, legend: { orient: 'bottom' } }
          }
        },
        { data: { values: events }, mark: { type: 'text', dy: -14, fontSize: 11, fontWeight: 'bold', color: INK }, encoding: { x, y, text: { field: 'label' } } },
        ...(backwards
          ? [
              {
                data: { values: [{ x: p.hedge, x2: p.trade, lane: 1.38, text: `hedge appears ${formatDurationMs(apparentGapMs)} before the trade` }] },
                mark: { type: 'rule', color: PALETTE[3], strokeWidth: 2, strokeDash: [4, 2] },
                encoding: { x, x2: { field: 'x2' }, y }
              },
              {
                data: { values: [{ x: round((p.hedge + p.trade) / 2), lane: 1.38, text: `${formatDurationMs(apparentGapMs)} "earlier"` }] },
                mark: { type: 'text', dy: -7, fontSize: 11, fontWeight: 'bold', color: PALETTE[3] },
                encoding: { x, y, text: { field: 'text' } }
              }
            ]
          : [])
      ]
    };
  });
  const spec = {
    title: { text: title, subtitle: `New Jersey's clock runs ${formatDurationMs(skewMs)} behind Chicago's; the trade message takes ${formatDurationMs(delayMs)}` },
    vconcat: charts,
    spacing: 18,
    resolve: { scale: { x: 'independent' } }
  };
  const summary = [
    title,
    `true time:   trade at 0 ms (Chicago) -> hedge at ${formatDurationMs(hedgeTrueMs)} (New Jersey)`,
    `timestamps:  trade stamped 0 ms, hedge stamped ${formatDurationMs(hedgeStampMs)}${hedgeStampMs < 0 ? `  <- sorted by wall clock, the hedge comes ${formatDurationMs(apparentGapMs)} before its trade` : ''}`,
    'Lamport:     trade L1, hedge L3 -> the cause always sorts first'
  ].join('\n');
  return new Figure(spec, summary);
}
