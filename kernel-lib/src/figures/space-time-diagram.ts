// Figure: the space-time diagram of a trace (lanes, messages, drops, crashes, stamps).
import { choiceOption, declareOptions, integerOption, invalid, type OptionsOf } from '../core/options';
import { CausalOrder } from '../trace/causality';
import { TraceEvent } from '../trace/event';
import { textListOption, TraceInput, traceEvents } from './common';
import { SPACE_TIME_SHARED_OPTIONS, timeWindow } from './space-time-options';
import { round, maxOf, minOf } from '../core/numbers';
import { Figure } from './figure';
import { arrowAngleDeg, arrowTip, LaneGeometry, laneLinesLayer, laneY } from './lanes';
import { EVENT_COLOURS as KIND_COLOURS, INK, PALETTE } from './theme';
import { formatDurationMs } from './units';
import { declaredNodes, defaultLanes, SPACE_TIME_REPLAY_OPTIONS, withReplay } from './space-time-replay';

export const SPACE_TIME_DIAGRAM_OPTIONS = declareOptions('spaceTimeDiagram', {
  axis: SPACE_TIME_SHARED_OPTIONS.axis,
  stamps: choiceOption(['lamport', 'vector', 'none'] as const, {
    doc: 'Stamp printed beside each event: "lamport" (L3), "vector" ([1,0,2] in lane order) or "none"',
    default: 'lamport'
  }),
  nodes: textListOption({ doc: 'Lane order, top to bottom; every node of the trace', defaultText: 'the order the scenario declared its nodes (a Trace), else first appearance', expected: 'a non-empty array of node names' }),
  causalPastOf: integerOption({
    doc: 'Highlight the causal past of the event with this seq (everything that happened before it)',
    min: 0,
    max: Number.MAX_SAFE_INTEGER,
    defaultText: 'none'
  }),
  concurrentWith: integerOption({
    doc: 'Highlight the events concurrent with the event with this seq (neither before nor after it); not with causalPastOf',
    min: 0,
    max: Number.MAX_SAFE_INTEGER,
    defaultText: 'none'
  }),
  eventsMax: integerOption({ doc: 'Above this many events (after the window), draw a summary (counts per bin) instead of every event', min: 1, max: 100_000, default: 300 }),
  stampsMax: integerOption({ doc: 'Stamps are printed only up to this many events, so labels never pile up', min: 0, max: 100_000, default: 80 }),
  fromMs: SPACE_TIME_SHARED_OPTIONS.fromMs,
  toMs: SPACE_TIME_SHARED_OPTIONS.toMs,
  summaryBins: integerOption({ doc: 'Bins across the axis in summary mode', min: 2, max: 1000, default: 60 }),
  title: SPACE_TIME_SHARED_OPTIONS.title,
  widthPx: SPACE_TIME_SHARED_OPTIONS.widthPx,
  laneHeightPx: SPACE_TIME_SHARED_OPTIONS.laneHeightPx,
  laneStates: SPACE_TIME_REPLAY_OPTIONS.specs.laneStates
});
export type SpaceTimeDiagramOptions = OptionsOf<typeof SPACE_TIME_DIAGRAM_OPTIONS>;

const KIND_SHAPES: Record<string, string> = {
  send: 'circle',
  deliver: 'circle',
  drop: 'cross',
  timer: 'diamond',
  local: 'square',
  crash: 'triangle-down',
  restart: 'triangle-up',
  pause: 'triangle-down',
  resume: 'triangle-up',
  partition: 'stroke',
  heal: 'stroke'
};
const HIGHLIGHT = PALETTE[4];
/** Draw order of event marks (later on top): a node's crash, restart, pause or resume is never hidden under a drop's cross. */
const DRAW_RANK: Record<string, number> = { drop: 0, crash: 2, restart: 2, pause: 2, resume: 2 };
const drawRank = (kind: string) => DRAW_RANK[kind] ?? 1;
/** Rows of stamps above a lane; a stamp that overlaps one on every row is left out (its event's tooltip has it). */
const STAMP_ROWS = 3;

// The happened-before relation lives in trace/causality; re-exported for the figure's tests.
export { CausalOrder };

/** A scale over the values of `order` that occur in `present`, in that order, with their ranges. */
function presentScale<R>(order: readonly string[], range: readonly R[], present: readonly string[]): { domain: string[]; range: R[] } {
  const seen = new Set(present);
  const kept = order.map((value, i) => [value, range[i]] as const).filter(([value]) => seen.has(value));
  return { domain: kept.map(([value]) => value), range: kept.map(([, r]) => r) };
}

interface Message {
  msgId: number;
  send: TraceEvent;
  end: TraceEvent | null;
  outcome: 'delivered' | 'dropped' | 'in flight';
}

/** Pair each send with its deliveries and drops (a duplicated message has several). */
function messagesOf(events: readonly TraceEvent[]): { messages: Message[]; orphanEnds: TraceEvent[] } {
  const sends = new Map<number, TraceEvent>();
  const ended = new Set<number>();
  const messages: Message[] = [];
  const orphanEnds: TraceEvent[] = [];
  for (const e of events) {
    if (e.msgId === undefined) continue;
    if (e.type === 'send') sends.set(e.msgId, e);
    else if (e.type === 'deliver' || e.type === 'drop') {
      const send = sends.get(e.msgId);
      if (send === undefined) orphanEnds.push(e);
      else {
        ended.add(e.msgId);
        messages.push({ msgId: e.msgId, send, end: e, outcome: e.type === 'deliver' ? 'delivered' : 'dropped' });
      }
    }
  }
  for (const [msgId, send] of sends) if (!ended.has(msgId)) messages.push({ msgId, send, end: null, outcome: 'in flight' });
  return { messages, orphanEnds };
}

/**
 * Space-time (Lamport) diagram of a trace: one lane per node, an arrow per delivered message,
 * dropped messages as dashed lines ending in a cross, partitions and crashes shaded.
 * Up to `eventsMax` events every event is drawn; beyond that the figure says so and draws
 * counts per bin instead (narrow the window with `fromMs`/`toMs` to see single events).
 * Accepts the engine's `TraceEvent[]` or `{ events }`. Display with `show(fig)` or as the
 * cell's last expression.
 */
export function spaceTimeDiagram(trace: TraceInput, options: SpaceTimeDiagramOptions = {}): Figure {
  const o = SPACE_TIME_DIAGRAM_OPTIONS.parse(options);
  const { axis, stamps, eventsMax, stampsMax, summaryBins, title, widthPx, laneHeightPx } = o;
  const all = traceEvents(trace);
  const { fromMs, toMs } = timeWindow(o.fromMs, o.toMs);
  if (o.causalPastOf !== undefined && o.concurrentWith !== undefined) {
    invalid('concurrentWith', o.concurrentWith, 'not both causalPastOf and concurrentWith');
  }
  const focusSeq = o.causalPastOf ?? o.concurrentWith;
  if (focusSeq !== undefined && !all.some((e) => e.seq === focusSeq)) {
    invalid(o.causalPastOf !== undefined ? 'causalPastOf' : 'concurrentWith', focusSeq, `the seq of an event in the trace (0..${all.length > 0 ? all[all.length - 1].seq : 0})`);
  }

  const events = all.filter((e) => e.timeMs >= fromMs && e.timeMs <= toMs);
  // Lanes in the order the scenario declared its nodes, whatever the seed; partition-only pseudo-nodes are not lanes.
  const laneNodes = defaultLanes(all, declaredNodes(trace));
  let lanes = laneNodes;
  if (o.nodes !== undefined) {
    for (const node of laneNodes) if (!o.nodes.includes(node)) invalid('nodes', o.nodes, `every node of the trace, missing ${node}`);
    lanes = [...o.nodes];
  }
  if (lanes.length === 0) invalid('trace', `${all.length} events`, 'at least one event on a node');

  const position = new Map<number, number>();
  events.forEach((e, i) => position.set(e.seq, axis === 'time' ? e.timeMs : axis === 'lamport' ? e.lamport : i));
  const xs = [...position.values()];
  const rawMin = xs.length ? minOf(xs) : 0;
  const rawMax = xs.length ? maxOf(xs) : 1;
  const pad = (rawMax - rawMin || 1) * 0.04;
  const geometry: LaneGeometry = { lanes, widthPx, laneHeightPx, xMin: round(rawMin - pad), xMax: round(rawMax + pad) };
  const xTitle = axis === 'time' ? 'virtual time (ms)' : axis === 'lamport' ? 'Lamport timestamp (logical time)' : 'order in the trace (event #)';
  // A tick every ~70 px at most: four-digit times ("1,000", "1,100") printed every 40 px touch in the lab.
  const ticks = { tickCount: Math.max(2, Math.round(widthPx / 70)), labelSeparation: 4 };
  const x = { field: 'x', type: 'quantitative', title: xTitle, scale: { domain: [geometry.xMin, geometry.xMax], nice: false, zero: false }, axis: axis === 'time' ? ticks : { ...ticks, tickMinStep: 1, format: 'd' } };
  const y = laneY(geometry);
  const laneOf = (node: string) => lanes.indexOf(node);

  const { messages, orphanEnds } = messagesOf(all);
  const windowed = (e: TraceEvent | null) => e !== null && position.has(e.seq);
  const counts = {
    delivered: messages.filter((m) => m.outcome === 'delivered' && windowed(m.send) && windowed(m.end)).length,
    dropped: messages.filter((m) => m.outcome === 'dropped' && windowed(m.send) && windowed(m.end)).length,
    inFlight: messages.filter((m) => m.outcome === 'in flight' && windowed(m.send)).length,
    crossing: messages.filter((m) => m.end !== null && windowed(m.send) !== windowed(m.end)).length + orphanEnds.filter(windowed).length
  };
  const windowNote = o.fromMs !== undefined || o.toMs !== undefined
    ? `window ${o.fromMs ?? '−∞'}..${o.toMs ?? '∞'} ms of ${all.length} events; `
    : '';

  if (events.length > eventsMax) {
    return summaryDiagram(events, position, geometry, x, { title, axis, eventsMax, summaryBins, windowNote, counts, xTitle });
  }

  // Shaded intervals: partitions (per node, or all lanes for a pseudo-node), crashes, pauses.
  const intervals: { lane: number; laneTop: number; laneBottom: number; x1: number; x2: number; kind: string }[] = [];
  const open = new Map<string, number>();
  const xOf = (e: TraceEvent) => position.get(e.seq) as number;
  const closeInterval = (key: string, endX: number) => {
    const startX = open.get(key);
    if (startX === undefined) return;
    open.delete(key);
    const [kind, node] = key.split('|');
    const laneIndexes = laneOf(node) >= 0 ? [laneOf(node)] : lanes.map((_, i) => i);
    for (const lane of laneIndexes) intervals.push({ lane, laneTop: lane - 0.42, laneBottom: lane + 0.42, x1: round(startX), x2: round(endX), kind });
  };
  const openers: Record<string, [string, string]> = { partition: ['partitioned', 'heal'], crash: ['crashed', 'restart'], pause: ['paused', 'resume'] };
  for (const e of events) {
    const opener = openers[e.type];
    if (opener) {
      const key = `${opener[0]}|${e.node}`;
      if (!open.has(key)) open.set(key, xOf(e));
    }
    for (const [kindName, closer] of Object.values(openers)) if (e.type === closer) closeInterval(`${kindName}|${e.node}`, xOf(e));
  }
  for (const key of [...open.keys()]) closeInterval(key, geometry.xMax);

  // Highlight sets.
  const order = focusSeq !== undefined ? new CausalOrder(all) : null;
  let highlighted = new Set<number>();
  let highlightNote = '';
  if (order !== null && focusSeq !== undefined) {
    const focus = all.find((e) => e.seq === focusSeq) as TraceEvent;
    if (o.causalPastOf !== undefined) {
      highlighted = order.pastOf(focusSeq);
      highlightNote = `ringed: the ${highlighted.size} events that happened before event #${focusSeq} (${focus.type} on ${focus.node})`;
    } else {
      highlighted = order.concurrentWith(focusSeq);
      highlightNote = `ringed: the ${highlighted.size} events concurrent with event #${focusSeq} (${focus.type} on ${focus.node})`;
    }
  }
  const dimmed = (seq: number) => order !== null && seq !== focusSeq && !highlighted.has(seq);

  const showStamps = stamps !== 'none' && events.length <= stampsMax;
  const stampOf = (e: TraceEvent) =>
    stamps === 'lamport' ? `L${e.lamport}` : `[${lanes.map((n) => (e.vector ?? {})[n] ?? 0).join(',')}]`;
  const points = events
    // Partitions are drawn as shading, not as points.
    .filter((e) => e.type !== 'partition' && e.type !== 'heal')
    .map((e) => ({
      seq: e.seq,
      x: round(xOf(e)),
      lane: laneOf(e.node),
      kind: e.type,
      node: e.node,
      timeMs: e.timeMs,
      lamport: e.lamport,
      label: e.label ?? '',
      stamp: stampOf(e),
      opacity: dimmed(e.seq) ? 0.3 : 1
    }));

  const arrows = messages
    .filter((m) => windowed(m.send) && (m.end === null || windowed(m.end)))
    .map((m) => {
      const x1 = xOf(m.send);
      const lane1 = laneOf(m.send.node);
      const peerLane = m.end !== null ? laneOf(m.end.node) : laneOf(m.send.peer ?? m.send.node);
      // In flight at the end of the window: a dashed stub to the right edge.
      const x2 = m.end !== null ? xOf(m.end) : geometry.xMax;
      const lane2 = m.end !== null ? peerLane : lane1 + (peerLane - lane1) * 0.5;
      const tip = arrowTip(geometry, x1, lane1, x2, lane2, 4);
      const inChain = order !== null && (m.send.seq === focusSeq || highlighted.has(m.send.seq)) && (m.end === null || m.end.seq === focusSeq || highlighted.has(m.end.seq));
      return {
        msgId: m.msgId,
        outcome: m.outcome,
        from: m.send.node,
        to: m.end?.node ?? m.send.peer ?? '?',
        label: m.send.label ?? '',
        x: round(x1),
        lane: lane1,
        x2: round(x2),
        lane2: round(lane2),
        tipX: round(tip.x),
        tipLane: round(tip.lane),
        angle: arrowAngleDeg(geometry, x1, lane1, x2, lane2),
        opacity: order === null || inChain ? 1 : 0.25,
        strokeWidth: order !== null && inChain ? 2.5 : 1.4
      };
    });

  // Legends list only what is drawn: each domain keeps the values its layer's data holds.
  const outcomeScale = presentScale(['delivered', 'dropped', 'in flight'], [PALETTE[0], PALETTE[3], PALETTE[7]], arrows.map((a) => a.outcome));
  const dashes = presentScale(['delivered', 'dropped', 'in flight'], [[1, 0], [5, 3], [2, 3]], arrows.map((a) => a.outcome));
  const kinds = [...new Set(points.map((p) => p.kind))];
  const shaded = presentScale(['partitioned', 'crashed', 'paused'], [INK, PALETTE[3], PALETTE[1]], intervals.map((i) => i.kind));
  const layers: unknown[] = [
    laneLinesLayer(geometry),
    {
      data: { values: intervals },
      mark: { type: 'rect', opacity: 0.22 },
      encoding: {
        x: { ...x, field: 'x1' },
        x2: { field: 'x2' },
        y: { ...y, field: 'laneTop' },
        y2: { field: 'laneBottom' },
        fill: { field: 'kind', type: 'nominal', title: 'shaded', scale: shaded, legend: intervals.length ? { orient: 'right' } : null }
      }
    },
    {
      data: { values: arrows },
      mark: { type: 'rule' },
      encoding: {
        x,
        x2: { field: 'x2' },
        y,
        y2: { field: 'lane2' },
        // stroke, not color: events own the color scale, messages get their own legend.
        stroke: { field: 'outcome', type: 'nominal', title: 'message', scale: outcomeScale, legend: arrows.length ? { orient: 'right' } : null },
        strokeDash: { field: 'outcome', type: 'nominal', title: 'message', scale: dashes, legend: arrows.length ? { orient: 'right' } : null },
        strokeWidth: { field: 'strokeWidth', type: 'quantitative', scale: null },
        opacity: { field: 'opacity', type: 'quantitative', scale: null },
        tooltip: [{ field: 'msgId', title: 'message' }, { field: 'label' }, { field: 'from' }, { field: 'to' }, { field: 'outcome' }]
      }
    },
    {
      data: { values: arrows.filter((a) => a.outcome === 'delivered') },
      mark: { type: 'point', shape: 'triangle-up', filled: true, size: 70, strokeWidth: 0, color: PALETTE[0] },
      encoding: {
        x: { ...x, field: 'tipX' },
        y: { ...y, field: 'tipLane' },
        angle: { field: 'angle', type: 'quantitative', scale: null },
        opacity: { field: 'opacity', type: 'quantitative', scale: null }
      }
    },
    {
      data: { values: [...points].sort((a, b) => drawRank(a.kind) - drawRank(b.kind)) },
      mark: { type: 'point', filled: true, size: 60, strokeWidth: 2 },
      encoding: {
        x,
        y,
        color: { field: 'kind', type: 'nominal', title: 'event', scale: { domain: kinds, range: kinds.map((k) => KIND_COLOURS[k] ?? INK) }, legend: { orient: 'right' } },
        shape: { field: 'kind', type: 'nominal', title: 'event', scale: { domain: kinds, range: kinds.map((k) => KIND_SHAPES[k] ?? 'circle') }, legend: { orient: 'right' } },
        size: { condition: { test: "datum.kind === 'drop'", value: 140 }, value: 60 },
        opacity: { field: 'opacity', type: 'quantitative', scale: null },
        tooltip: [{ field: 'seq', title: 'event #' }, { field: 'kind' }, { field: 'node' }, { field: 'label' }, { field: 'timeMs', title: 'time (ms)' }, { field: 'lamport' }, { field: 'stamp' }]
      }
    }
  ];
  if (order !== null) {
    const ringed = points.filter((p) => highlighted.has(p.seq));
    const focusPoint = points.filter((p) => p.seq === focusSeq);
    layers.push(
      { data: { values: ringed }, mark: { type: 'point', filled: false, size: 260, strokeWidth: 2.5, color: HIGHLIGHT }, encoding: { x, y } },
      {
        data: { values: focusPoint.map((p) => ({ ...p, text: `event #${p.seq}` })) },
        mark: { type: 'point', shape: 'square', filled: false, size: 320, strokeWidth: 3, color: HIGHLIGHT },
        encoding: { x, y }
      },
      {
        data: { values: focusPoint.map((p) => ({ ...p, text: `#${p.seq}` })) },
        mark: { type: 'text', dy: 22, fontSize: 11, fontWeight: 'bold', color: HIGHLIGHT },
        encoding: { x, y, text: { field: 'text' } }
      }
    );
  }
  let stampsLeftOut = 0;
  if (showStamps) {
    // Events close together on one lane would print their stamps on top of each other: a stamp
    // that would overlap the previous one on its row moves up a row; with no row free it is left out.
    const pxPerX = widthPx / Math.max(geometry.xMax - geometry.xMin, 1e-9);
    const rowEnds = new Map<number, number[]>();
    const rowOf = new Map<number, number>();
    [...points].sort((a, b) => a.lane - b.lane || a.x - b.x || a.seq - b.seq).forEach((p) => {
      const halfPx = (p.stamp.length * 6.4) / 2 + 1; // 10 px digits are up to 6.4 px wide (DejaVu Sans)
      const centre = p.x * pxPerX;
      const ends = rowEnds.get(p.lane) ?? Array.from({ length: STAMP_ROWS }, () => -Infinity);
      rowEnds.set(p.lane, ends);
      const row = ends.findIndex((end) => centre - halfPx >= end);
      if (row < 0) return;
      ends[row] = centre + halfPx;
      rowOf.set(p.seq, row);
    });
    const stamped = points.filter((p) => rowOf.has(p.seq)).map((p) => ({ ...p, stampRow: rowOf.get(p.seq) as number }));
    stampsLeftOut = points.length - stamped.length;
    for (let row = 0; row < STAMP_ROWS; row++) {
      if (!stamped.some((p) => p.stampRow === row)) continue;
      layers.push({
        data: { values: stamped.filter((p) => p.stampRow === row) },
        mark: { type: 'text', dy: -13 - 11 * row, fontSize: 10, color: INK },
        encoding: { x, y, text: { field: 'stamp' }, opacity: { field: 'opacity', type: 'quantitative', scale: null } }
      });
    }
  }

  const subtitle = [
    `${windowNote}${lanes.length} nodes, ${events.length} events; messages: ${counts.delivered} delivered, ${counts.dropped} dropped (dashed, ×)` +
      (counts.inFlight ? `, ${counts.inFlight} in flight at the end (dotted)` : '') +
      (counts.crossing ? `, ${counts.crossing} crossing the window edge (not drawn)` : ''),
    stamps === 'none' ? '' : showStamps ? `labels: ${stamps === 'lamport' ? 'Lamport stamps' : `vector stamps [${lanes.join(',')}]`}${stampsLeftOut ? ` (${stampsLeftOut} too close to print: hover the event)` : ''}` : `stamps hidden: ${events.length} events > stampsMax ${stampsMax}`,
    highlightNote
  ].filter((s) => s !== '');
  const spec = {
    title: { text: title, subtitle },
    width: widthPx,
    height: lanes.length * laneHeightPx,
    layer: layers
  };
  const partitions = intervals.filter((i) => i.kind === 'partitioned').length;
  const summary = [
    `${title}: ${lanes.length} nodes (${lanes.join(', ')}), ${events.length} events, axis ${axis}`,
    `messages: ${counts.delivered} delivered, ${counts.dropped} dropped, ${counts.inFlight} in flight${counts.crossing ? `, ${counts.crossing} crossing the window edge` : ''}`,
    `shaded: ${partitions} partitioned, ${intervals.filter((i) => i.kind === 'crashed').length} crashed, ${intervals.filter((i) => i.kind === 'paused').length} paused lane intervals`,
    ...(highlightNote ? [highlightNote.replace('ringed', 'highlighted')] : [])
  ].join('\n');
  // The same diagram as a replay (plotly), beside the Vega-Lite spec and the SVG that reports show.
  return withReplay(new Figure(spec, summary), trace, { axis, nodes: lanes, laneStates: o.laneStates, fromMs: o.fromMs, toMs: o.toMs, focusSeq, title, widthPx, laneHeightPx });
}

interface SummaryContext {
  title: string;
  axis: string;
  eventsMax: number;
  summaryBins: number;
  windowNote: string;
  counts: { delivered: number; dropped: number; inFlight: number; crossing: number };
  xTitle: string;
}

/** Too many events to draw one by one: event counts per node and bin, drops as crosses. */
function summaryDiagram(events: TraceEvent[], position: Map<number, number>, geometry: LaneGeometry, x: Record<string, unknown>, c: SummaryContext): Figure {
  const binWidth = (geometry.xMax - geometry.xMin) / c.summaryBins;
  const cells = new Map<string, { lane: number; bin: number; events: number; drops: number; sends: number }>();
  for (const e of events) {
    const lane = geometry.lanes.indexOf(e.node);
    if (lane < 0) continue;
    const bin = Math.min(c.summaryBins - 1, Math.floor(((position.get(e.seq) as number) - geometry.xMin) / binWidth));
    const key = `${lane}|${bin}`;
    const cell = cells.get(key) ?? { lane, bin, events: 0, drops: 0, sends: 0 };
    cell.events += 1;
    if (e.type === 'drop') cell.drops += 1;
    if (e.type === 'send') cell.sends += 1;
    cells.set(key, cell);
  }
  const values = [...cells.values()].map((cell) => ({
    ...cell,
    x: round(geometry.xMin + cell.bin * binWidth),
    x2: round(geometry.xMin + (cell.bin + 1) * binWidth),
    laneTop: cell.lane - 0.4,
    laneBottom: cell.lane + 0.4,
    node: geometry.lanes[cell.lane]
  }));
  const y = laneY(geometry);
  const binText = c.axis === 'time' ? formatDurationMs(binWidth) : `${round(binWidth, 2)} ${c.axis === 'lamport' ? 'Lamport ticks' : 'events'}`;
  const headline = `SUMMARY VIEW: ${events.length.toLocaleString('en-US')} events > eventsMax ${c.eventsMax}; counts per ${binText} bin`;
  const spec = {
    title: {
      text: `${c.title} (summary)`,
      subtitle: [
        headline,
        `${c.windowNote}messages: ${c.counts.delivered} delivered, ${c.counts.dropped} dropped (× = bins with drops)`,
        'set fromMs/toMs to a window with fewer events to see every message, or raise eventsMax'
      ],
      subtitleColor: PALETTE[3]
    },
    width: geometry.widthPx,
    height: geometry.lanes.length * geometry.laneHeightPx,
    layer: [
      {
        data: { values },
        mark: { type: 'rect' },
        encoding: {
          x: { ...x, title: c.xTitle },
          x2: { field: 'x2' },
          y: { ...y, field: 'laneTop' },
          y2: { field: 'laneBottom' },
          color: { field: 'events', type: 'quantitative', title: 'events per bin', scale: { scheme: 'viridis' }, legend: { orient: 'bottom' } },
          tooltip: [{ field: 'node' }, { field: 'x', title: 'bin start' }, { field: 'events' }, { field: 'sends' }, { field: 'drops' }]
        }
      },
      {
        data: { values: values.filter((v) => v.drops > 0).map((v) => ({ ...v, mid: round((v.x + v.x2) / 2) })) },
        mark: { type: 'point', shape: 'cross', filled: true, color: PALETTE[3], stroke: 'white', strokeWidth: 0.5 },
        encoding: { x: { ...x, field: 'mid' }, y, size: { field: 'drops', type: 'quantitative', title: 'drops per bin', scale: { domain: [1, Math.max(2, maxOf(values.map((v) => v.drops)))], range: [50, 220] }, legend: { orient: 'bottom', format: 'd', tickMinStep: 1 } } }
      }
    ]
  };
  const summary = [
    `${c.title} (summary): ${headline}`,
    `${geometry.lanes.length} nodes; messages: ${c.counts.delivered} delivered, ${c.counts.dropped} dropped, ${c.counts.inFlight} in flight`,
    'set fromMs/toMs to a window with fewer events to see every message, or raise eventsMax'
  ].join('\n');
  return new Figure(spec, summary);
}
