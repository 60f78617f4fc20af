// Figure: a space-time diagram you can replay (plotly frames: messages travel, lanes show their state, a click shows causality).
import { parseNumber, parseString, customOption, declareOptions, integerOption, invalid, type OptionsOf } from '../core/options';
import { MimeBundle } from '../core/mime';
import { maxOf, minOf, round } from '../core/numbers';
import { TraceEvent } from '../trace/event';
import { StateInterval } from '../trace/state-intervals';
import { textListOption, TraceInput, traceEvents } from './common';
import { SPACE_TIME_SHARED_OPTIONS, timeWindow } from './space-time-options';
import { Figure } from './figure';
import { arrowAngleDeg, arrowTip, LaneGeometry } from './lanes';
import { EVENT_COLOURS as KIND_COLOURS, INK, PALETTE } from './theme';
import { VegaLiteSpec } from './vega-svg';

/** The MIME type JupyterLab's plotly renderers (and ours, in the distlab extension) draw. */
export const MIME_PLOTLY = 'application/vnd.plotly.v1+json';

/** Version of the `layout.meta.distlabReplay` block the extension's renderer reads. */
export const REPLAY_META_VERSION = 1;

export const SPACE_TIME_REPLAY_OPTIONS = declareOptions('spaceTimeReplay', {
  axis: SPACE_TIME_SHARED_OPTIONS.axis,
  nodes: textListOption({
    doc: 'Lane order, top to bottom; every node of the trace',
    defaultText: 'the order the scenario declared its nodes (a Trace), else first appearance',
    expected: 'a non-empty array of node names'
  }),
  laneStates: customOption<readonly StateInterval[]>({
    doc: 'States per lane over virtual time (lane = node name), e.g. the register value per replica; axis "time" only',
    defaultText: 'none',
    expected: 'an array of {lane, state, startMs, endMs}',
    // Each interval is checked against the lanes once they are known.
    parse: (name, value) => {
      if (!Array.isArray(value)) invalid(name, value, 'an array of {lane, state, startMs, endMs}');
      return value as readonly StateInterval[];
    }
  }),
  fromMs: SPACE_TIME_SHARED_OPTIONS.fromMs,
  toMs: SPACE_TIME_SHARED_OPTIONS.toMs,
  focusSeq: integerOption({ doc: 'Event (seq) whose causal past and future are lit when the figure opens', min: 0, max: Number.MAX_SAFE_INTEGER, defaultText: 'none' }),
  framesMax: integerOption({ doc: 'At most this many frames, sampled evenly along the axis', min: 2, max: 600, default: 240 }),
  eventsMax: integerOption({ doc: 'Above this many events the replay is off and says why (narrow fromMs/toMs)', min: 1, max: 5000, default: 2000 }),
  title: SPACE_TIME_SHARED_OPTIONS.title,
  widthPx: SPACE_TIME_SHARED_OPTIONS.widthPx,
  laneHeightPx: SPACE_TIME_SHARED_OPTIONS.laneHeightPx
});
export type SpaceTimeReplayOptions = OptionsOf<typeof SPACE_TIME_REPLAY_OPTIONS>;

/** A plotly figure as plain JSON: what `application/vnd.plotly.v1+json` carries. */
export interface PlotlyFigureJson {
  data: Record<string, unknown>[];
  layout: Record<string, unknown>;
  frames: PlotlyFrameJson[];
}

export interface PlotlyFrameJson {
  name: string;
  /** Partial updates of the traces listed in `traces`, in the same order. */
  data: Record<string, unknown>[];
  traces: number[];
}

/** What the extension's renderer needs beside plotly's own fields (in `layout.meta.distlabReplay`). */
export interface ReplayMeta {
  version: number;
  /** Why there is no replay (too many events), or null. */
  off: string | null;
  axis: 'time' | 'lamport' | 'order';
  axisTitle: string;
  /** Unit of the readout beside the scrubber ("ms", "" for Lamport and order). */
  unit: string;
  lanes: string[];
  /** Axis position of each frame, ascending; frame k is named String(k). */
  frameTimes: number[];
  /** Frames shown per second at 1× speed. */
  framesPerSecond: number;
  speeds: number[];
  /** Trace index of each layer the renderer touches. */
  traces: {
    events: number[];
    arrows: number[];
    arrowHeads: number;
    labels: number;
    litArrows: number;
    past: number;
    focus: number;
    future: number;
    curtain: number;
    cursor: number;
    moving: number;
    stateText: number;
  };
  /** Per drawn event, in seq order: its seq, lane and vector stamp (components in `vectorNodes` order). */
  causal: { seqs: number[]; lanes: number[]; vectors: number[][]; vectorNodes: string[] };
  /** Messages drawn as arrows: [sendSeq, endSeq or -1, x1, lane1, x2, lane2]. */
  messages: number[][];
  focusSeq: number | null;
}

interface Message {
  msgId: number;
  send: TraceEvent;
  end: TraceEvent | null;
  outcome: 'delivered' | 'dropped' | 'in flight';
}

const KIND_SYMBOLS: Record<string, string> = {
  send: 'circle',
  deliver: 'circle-open',
  drop: 'x-thin-open',
  timer: 'diamond',
  local: 'square',
  crash: 'triangle-down',
  restart: 'triangle-up',
  pause: 'triangle-down-open',
  resume: 'triangle-up-open'
};
const KIND_ORDER = ['send', 'deliver', 'drop', 'timer', 'local', 'crash', 'restart', 'pause', 'resume'];
const OUTCOME_STYLE = {
  delivered: { color: PALETTE[0], dash: 'solid' },
  dropped: { color: PALETTE[3], dash: 'dash' },
  'in flight': { color: PALETTE[7], dash: 'dot' }
} as const;
const SHADE_COLOURS: Record<string, string> = { partitioned: INK, crashed: PALETTE[3], paused: PALETTE[1] };
const STATE_COLOURS: Record<string, string> = { leader: PALETTE[0], follower: PALETTE[5], candidate: PALETTE[1], up: PALETTE[2], down: PALETTE[3], crashed: PALETTE[3] };
const STATE_SPARE = [PALETTE[2], PALETTE[1], PALETTE[4], PALETTE[5], PALETTE[0], PALETTE[6], PALETTE[3], PALETTE[7]];
/** The page's background; the renderer repaints it with the theme's colour. */
const CURTAIN = 'rgb(255,255,255)';
const PAST = PALETTE[4];
const FUTURE = PALETTE[5];
const FOCUS = PALETTE[1];
const MARGIN = { l: 72, r: 24, t: 64, b: 0 };
/** More states than this alternate two tones instead of a colour each. */
const STATES_COLOURED_MAX = 6;
const STATE_TONES = [PALETTE[5], PALETTE[2]];
const LEGEND_RANK = { state: 1, shaded: 2, message: 3, event: 4 };
const NATIVE_SLIDER_STEPS = 40;

/** Escape text for plotly's pseudo-HTML labels: names and labels come from the learner's code. */
function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Pair each send with its deliveries and drops (a duplicated message has several). */
function messagesOf(events: readonly TraceEvent[]): Message[] {
  const sends = new Map<number, TraceEvent>();
  const ended = new Set<number>();
  const messages: Message[] = [];
  for (const e of events) {
    if (e.msgId === undefined) continue;
    if (e.type === 'send') sends.set(e.msgId, e);
    else if (e.type === 'deliver' || e.type === 'drop') {
      const send = sends.get(e.msgId);
      if (send === undefined) continue;
      ended.add(e.msgId);
      messages.push({ msgId: e.msgId, send, end: e, outcome: e.type === 'deliver' ? 'delivered' : 'dropped' });
    }
  }
  for (const [msgId, send] of sends) if (!ended.has(msgId)) messages.push({ msgId, send, end: null, outcome: 'in flight' });
  return messages;
}

/** Lanes: the nodes that have events (partition-only pseudo-nodes aside), in declared order when the trace knows it. */
export function defaultLanes(all: readonly TraceEvent[], declared: readonly string[]): string[] {
  const present: string[] = [];
  const add = (node: string | undefined) => {
    if (node !== undefined && !present.includes(node)) present.push(node);
  };
  for (const e of all) if (e.type !== 'partition' && e.type !== 'heal') add(e.node);
  for (const e of all) if (e.type === 'send') add(e.peer);
  return [...declared.filter((n) => present.includes(n)), ...present.filter((n) => !declared.includes(n))];
}

/** The nodes a Trace declares (the engine's `Trace.nodes`), or none for plain event arrays. */
export function declaredNodes(trace: TraceInput): readonly string[] {
  const nodes = Array.isArray(trace) ? undefined : (trace as { nodes?: unknown }).nodes;
  return Array.isArray(nodes) && nodes.every((n) => typeof n === 'string') ? (nodes as string[]) : [];
}

/** The state of each lane at axis position t: the interval with startMs <= t < endMs ('' if none). */
export function laneStateAt(intervals: readonly StateInterval[], lanes: readonly string[], t: number): string[] {
  return lanes.map((lane) => {
    let state = '';
    for (const i of intervals) if (i.lane === lane && i.startMs <= t && t < i.endMs) state = i.state;
    return state;
  });
}

/** Where a travelling message is at t, or null when it is not in flight (sent at x1, arrives at x2). */
export function messagePositionAt(x1: number, lane1: number, x2: number, lane2: number, t: number): { x: number; lane: number } | null {
  if (!(t >= x1 && t < x2)) return null;
  return { x: t, lane: lane1 + ((lane2 - lane1) * (t - x1)) / (x2 - x1) };
}

/** Frame positions: `count` evenly spaced from `start` to `end` (both included). */
function frameTimesOf(start: number, end: number, count: number): number[] {
  if (end <= start) return [round(start, 4)];
  return Array.from({ length: count }, (_, k) => round(start + ((end - start) * k) / (count - 1), 4));
}

/** Label boxes in pixels, greedily placed along their arrows so that none overlaps another or an event. */
function placeLabels(
  candidates: { text: string; x1: number; lane1: number; x2: number; lane2: number }[],
  obstacles: { x: number; lane: number }[],
  geometry: LaneGeometry,
  labelsMax: number
): { x: number; lane: number; text: string }[] {
  const span = geometry.xMax - geometry.xMin || 1;
  const px = (x: number) => ((x - geometry.xMin) / span) * geometry.widthPx;
  const py = (lane: number) => (lane + 0.5) * geometry.laneHeightPx;
  const boxes: { l: number; r: number; t: number; b: number }[] = obstacles.map((o) => ({ l: px(o.x) - 6, r: px(o.x) + 6, t: py(o.lane) - 6, b: py(o.lane) + 6 }));
  const placed: { x: number; lane: number; text: string }[] = [];
  const lanesPx = geometry.lanes.map((_, i) => py(i));
  for (const c of candidates) {
    if (placed.length >= labelsMax) break;
    const halfW = (c.text.length * 5.8) / 2 + 2;
    for (const f of [0.5, 0.35, 0.65, 0.22, 0.78]) {
      const x = c.x1 + (c.x2 - c.x1) * f;
      const lane = c.lane1 + (c.lane2 - c.lane1) * f;
      // Text sits just above its anchor point (centre 8 px up), 12 px tall.
      const box = { l: px(x) - halfW, r: px(x) + halfW, t: py(lane) - 14, b: py(lane) - 2 };
      if (box.l < 0 || box.r > geometry.widthPx || box.t < 0) continue;
      if (lanesPx.some((y) => y > box.t - 1 && y < box.b + 1)) continue;
      if (boxes.some((o) => box.l < o.r && box.r > o.l && box.t < o.b && box.b > o.t)) continue;
      boxes.push(box);
      placed.push({ x: round(x, 4), lane: round(lane, 4), text: c.text });
      break;
    }
  }
  return placed;
}

/**
 * A replay of a trace as a plotly figure (data, layout, frames): the whole diagram drawn once,
 * and per frame only a curtain over the future, the time cursor, the messages in flight and the
 * lanes' states, so frames stay small. Plain JSON: the distlab extension's renderer adds the
 * player controls and the click that lights an event's causal past and future.
 * `spaceTimeDiagram` puts this in the same bundle as its Vega-Lite and SVG forms.
 */
export function spaceTimeReplay(trace: TraceInput, options: SpaceTimeReplayOptions = {}): PlotlyFigureJson {
  const o = SPACE_TIME_REPLAY_OPTIONS.parse(options);
  const { axis, framesMax, eventsMax, title, widthPx, laneHeightPx } = o;
  const all = traceEvents(trace);
  const { fromMs, toMs } = timeWindow(o.fromMs, o.toMs);
  const present = defaultLanes(all, declaredNodes(trace));
  let lanes = present;
  if (o.nodes !== undefined) {
    for (const node of present) if (!o.nodes.includes(node)) invalid('nodes', o.nodes, `every node of the trace, missing ${node}`);
    lanes = [...o.nodes];
  }
  if (lanes.length === 0) invalid('trace', `${all.length} events`, 'at least one event on a node');
  const laneStates = checkLaneStates(o.laneStates, lanes, axis);
  const focusSeq = o.focusSeq ?? null;
  if (focusSeq !== null && !all.some((e) => e.seq === focusSeq)) invalid('focusSeq', focusSeq, `the seq of an event in the trace (0..${all.length > 0 ? all[all.length - 1].seq : 0})`);

  const events = all.filter((e) => e.timeMs >= fromMs && e.timeMs <= toMs);
  const axisTitle = axis === 'time' ? 'virtual time (ms)' : axis === 'lamport' ? 'Lamport timestamp (logical time)' : 'order in the trace (event #)';
  const unit = axis === 'time' ? 'ms' : '';
  if (events.length > eventsMax) return replayOff(title, lanes, axis, axisTitle, unit, `${events.length} events > eventsMax ${eventsMax}: narrow fromMs/toMs to replay a window`);

  const position = new Map<number, number>();
  events.forEach((e, i) => position.set(e.seq, axis === 'time' ? e.timeMs : axis === 'lamport' ? e.lamport : i));
  const xs = [...position.values()];
  const rawMin = xs.length ? minOf(xs) : 0;
  const rawMax = xs.length ? maxOf(xs) : 1;
  const pad = (rawMax - rawMin || 1) * 0.04;
  const geometry: LaneGeometry = { lanes, widthPx, laneHeightPx, xMin: round(rawMin - pad, 4), xMax: round(rawMax + pad, 4) };
  const laneOf = (node: string) => lanes.indexOf(node);
  const xOf = (e: TraceEvent) => position.get(e.seq) as number;
  const inWindow = (e: TraceEvent | null) => e !== null && position.has(e.seq);
  const traces: Record<string, unknown>[] = [];
  const push = (trace: Record<string, unknown>) => traces.push(trace) - 1;

  // Lane states: a translucent band under each lane. A few states get a colour and a legend entry
  // each (leader, follower); many (a counter's values) alternate two tones, and the text at the
  // cursor reads the value.
  const stateNames = [...new Set(laneStates.map((s) => s.state))];
  const fewStates = stateNames.length <= STATES_COLOURED_MAX;
  let spare = 0;
  const stateColour = new Map(stateNames.map((s) => [s, fewStates ? STATE_COLOURS[s] ?? STATE_SPARE[spare++ % STATE_SPARE.length] : STATE_TONES[0]]));
  const bandWidth = Math.max(6, Math.min(18, laneHeightPx * 0.28));
  const bandGroups: { name: string; colour: string; of: StateInterval[] }[] = fewStates
    ? stateNames.map((state) => ({ name: state, colour: stateColour.get(state) as string, of: laneStates.filter((s) => s.state === state) }))
    : STATE_TONES.map((colour, tone) => ({
        name: 'lane state',
        colour,
        of: lanes.flatMap((lane) => laneStates.filter((s) => s.lane === lane).sort((a, b) => a.startMs - b.startMs).filter((_, i) => i % 2 === tone))
      }));
  bandGroups.forEach((group, g) => {
    const x: (number | null)[] = [];
    const y: (number | null)[] = [];
    for (const s of group.of) {
      const a = Math.max(s.startMs, geometry.xMin);
      const b = Math.min(s.endMs, geometry.xMax);
      if (b <= a) continue;
      x.push(round(a, 4), round(b, 4), null);
      y.push(laneOf(s.lane), laneOf(s.lane), null);
    }
    push({
      type: 'scatter', mode: 'lines', name: escapeText(group.name), x, y, hoverinfo: 'skip', line: { color: group.colour, width: bandWidth }, opacity: 0.45,
      showlegend: fewStates || g === 0, legendrank: LEGEND_RANK.state
    });
  });

  // Shaded intervals: partitions, crashes, pauses (drawn as boxes around the lane).
  const open = new Map<string, number>();
  const shades = new Map<string, { x: (number | null)[]; y: (number | null)[] }>();
  const closeShade = (key: string, endX: number) => {
    const startX = open.get(key);
    if (startX === undefined) return;
    open.delete(key);
    const [kind, node] = key.split('|');
    const shade = shades.get(kind) ?? { x: [], y: [] };
    shades.set(kind, shade);
    for (const lane of laneOf(node) >= 0 ? [laneOf(node)] : lanes.map((_, i) => i)) {
      const a = round(startX, 4);
      const b = round(endX, 4);
      shade.x.push(a, b, b, a, a, null);
      shade.y.push(lane - 0.42, lane - 0.42, lane + 0.42, lane + 0.42, lane - 0.42, null);
    }
  };
  const openers: Record<string, [string, string]> = { partition: ['partitioned', 'heal'], crash: ['crashed', 'restart'], pause: ['paused', 'resume'] };
  for (const e of events) {
    const opener = openers[e.type];
    if (opener && !open.has(`${opener[0]}|${e.node}`)) open.set(`${opener[0]}|${e.node}`, xOf(e));
    for (const [kind, closer] of Object.values(openers)) if (e.type === closer) closeShade(`${kind}|${e.node}`, xOf(e));
  }
  for (const key of [...open.keys()]) closeShade(key, geometry.xMax);
  for (const kind of ['partitioned', 'crashed', 'paused']) {
    const shade = shades.get(kind);
    if (!shade) continue;
    push({
      type: 'scatter', mode: 'lines', name: kind, x: shade.x, y: shade.y, fill: 'toself', fillcolor: hexAlpha(SHADE_COLOURS[kind], 0.2),
      line: { width: 0, color: SHADE_COLOURS[kind] }, hoverinfo: 'skip', legendrank: LEGEND_RANK.shaded
    });
  }

  // Arrows, one trace per outcome; in flight at the end of the window: a stub to the right edge.
  const messages = messagesOf(all).filter((m) => inWindow(m.send) && (m.end === null || inWindow(m.end)));
  const drawn = messages.map((m) => {
    const x1 = xOf(m.send);
    const lane1 = laneOf(m.send.node);
    const peerLane = m.end !== null ? laneOf(m.end.node) : laneOf(m.send.peer ?? m.send.node);
    const x2 = m.end !== null ? xOf(m.end) : geometry.xMax;
    const lane2 = m.end !== null ? peerLane : lane1 + (peerLane - lane1) * 0.5;
    // Rounded once here, so arrows, travelling markers and the click's chains agree to the digit.
    return { m, x1: round(x1, 4), lane1, x2: round(x2, 4), lane2: round(lane2, 4) };
  });
  const labelsUsed = [...new Set(messages.map((m) => m.send.label ?? '').filter((l) => l !== ''))];
  const oneLabel = labelsUsed.length === 1 ? labelsUsed[0] : null;
  const arrowTraces: number[] = [];
  for (const outcome of ['delivered', 'dropped', 'in flight'] as const) {
    const x: (number | null)[] = [];
    const y: (number | null)[] = [];
    for (const d of drawn) {
      if (d.m.outcome !== outcome) continue;
      x.push(round(d.x1, 4), round(d.x2, 4), null);
      y.push(d.lane1, round(d.lane2, 4), null);
    }
    const style = OUTCOME_STYLE[outcome];
    arrowTraces.push(push({
      type: 'scatter', mode: 'lines', name: oneLabel !== null ? `${escapeText(oneLabel)}: ${outcome}` : outcome, x, y, hoverinfo: 'skip',
      // The legend lists only outcomes that happen (frames fill these traces, never add to them).
      showlegend: x.length > 0,
      line: { color: style.color, dash: style.dash, width: 1.5 }, legendrank: LEGEND_RANK.message
    }));
  }
  const heads = drawn.filter((d) => d.m.outcome === 'delivered').map((d) => ({ tip: arrowTip(geometry, d.x1, d.lane1, d.x2, d.lane2, 4), angle: arrowAngleDeg(geometry, d.x1, d.lane1, d.x2, d.lane2) }));
  const arrowHeads = push({
    type: 'scatter', mode: 'markers', name: 'arrowheads', showlegend: false, hoverinfo: 'skip',
    x: heads.map((h) => round(h.tip.x, 4)), y: heads.map((h) => round(h.tip.lane, 4)),
    marker: { symbol: 'triangle-up', size: 8, color: OUTCOME_STYLE.delivered.color, angle: heads.map((h) => h.angle), line: { width: 0 } }
  });

  // Message labels where they teach: several kinds of message; none overlapping (greedy, along each arrow).
  const pointEvents = events.filter((e) => e.type !== 'partition' && e.type !== 'heal' && laneOf(e.node) >= 0);
  const placedLabels = oneLabel !== null ? [] : placeLabels(
    drawn.filter((d) => (d.m.send.label ?? '') !== '').map((d) => ({ text: d.m.send.label as string, x1: d.x1, lane1: d.lane1, x2: d.x2, lane2: d.lane2 })),
    pointEvents.map((e) => ({ x: xOf(e), lane: laneOf(e.node) })),
    geometry,
    80
  );
  const labels = push({
    type: 'scatter', mode: 'text', name: 'message labels', showlegend: false, hoverinfo: 'skip',
    x: placedLabels.map((l) => l.x), y: placedLabels.map((l) => l.lane), text: placedLabels.map((l) => escapeText(l.text)),
    textposition: 'top center', textfont: { size: 10, color: INK }
  });

  // Events, one trace per kind (colour, symbol, legend entry); hover says node, time, clock and stamps.
  const vectorNodes = [...lanes];
  for (const e of pointEvents) for (const k of Object.keys(e.vector ?? {})) if (!vectorNodes.includes(k)) vectorNodes.push(k);
  const stampText = (e: TraceEvent) => `vector [${vectorNodes.map((n) => `${escapeText(n)}:${(e.vector ?? {})[n] ?? 0}`).join(' ')}]`;
  const what = (e: TraceEvent) => {
    const label = e.label ? ` ${escapeText(e.label)}` : '';
    return e.type === 'send' ? `send${label} → ${escapeText(e.peer ?? '?')}` :
      e.type === 'deliver' ? `deliver${label} from ${escapeText(e.peer ?? '?')}${e.duplicate ? ' (duplicate)' : ''}` :
      e.type === 'drop' ? `drop${label} from ${escapeText(e.peer ?? '?')} (${escapeText(e.reason ?? 'lost')})` : `${e.type}${label}`;
  };
  // Hover fields ride in customdata ([seq, what, node, time, clock, Lamport, vector]); the words are in the template once per trace.
  const hasClock = pointEvents.every((e) => typeof e.clockMs === 'number' && Number.isFinite(e.clockMs));
  const hoverFields = (e: TraceEvent) => [e.seq, what(e), escapeText(e.node), round(e.timeMs, 3), hasClock ? round(e.clockMs, 3) : '', e.lamport, stampText(e)];
  const hovertemplate = `<b>#%{customdata[0]} %{customdata[1]}</b><br>node %{customdata[2]} · virtual time %{customdata[3]} ms${hasClock ? '<br>physical clock %{customdata[4]} ms' : ''}<br>Lamport %{customdata[5]} · %{customdata[6]}<extra></extra>`;
  const kinds = KIND_ORDER.filter((k) => pointEvents.some((e) => e.type === k));
  const eventTraces = kinds.map((kind) => {
    const of = pointEvents.filter((e) => e.type === kind);
    return push({
      type: 'scatter', mode: 'markers', name: kind, x: of.map((e) => round(xOf(e), 4)), y: of.map((e) => laneOf(e.node)),
      customdata: of.map(hoverFields), hovertemplate,
      marker: { symbol: KIND_SYMBOLS[kind], color: KIND_COLOURS[kind], size: kind === 'drop' || kind === 'crash' ? 12 : 9, line: { width: 1.5, color: KIND_COLOURS[kind] }, opacity: of.map(() => 1) },
      legendrank: LEGEND_RANK.event
    });
  });

  // Empty layers the renderer fills on a click: lit arrows, and rings for past, clicked event and future.
  const litArrows = push({ type: 'scatter', mode: 'lines', name: 'causal chain', showlegend: false, hoverinfo: 'skip', x: [], y: [], line: { color: PAST, width: 2.5 } });
  const ring = (name: string, color: string, size: number) =>
    push({ type: 'scatter', mode: 'markers', name, showlegend: false, hoverinfo: 'skip', x: [], y: [], marker: { symbol: 'circle-open', size, color, line: { width: 2.5, color } } });
  const past = ring('causal past', PAST, 17);
  const focus = ring('clicked event', FOCUS, 21);
  const future = ring('causal future', FUTURE, 17);

  // The curtain hides what has not happened yet; lanes, cursor, travelling messages and states sit above it.
  const frameCount = Math.max(2, Math.min(framesMax, Math.max(90, 8 * events.length)));
  const start = xs.length ? rawMin : geometry.xMin;
  const end = xs.length ? rawMax : geometry.xMax;
  const frameTimes = frameTimesOf(start, end, frameCount);
  const yTop = -0.5;
  const yBottom = lanes.length - 0.5;
  const curtainX = (t: number) => [t, geometry.xMax, geometry.xMax, t, t];
  const last = frameTimes[frameTimes.length - 1];
  const curtain = push({
    type: 'scatter', mode: 'lines', name: 'not yet happened', showlegend: false, hoverinfo: 'skip', x: curtainX(last), y: [yTop, yTop, yBottom, yBottom, yTop],
    fill: 'toself', fillcolor: CURTAIN, line: { width: 0, color: CURTAIN }, opacity: 0.86
  });
  push({
    type: 'scatter', mode: 'lines', name: 'lanes', showlegend: false, hoverinfo: 'skip',
    x: lanes.flatMap(() => [geometry.xMin, geometry.xMax, null]), y: lanes.flatMap((_, i) => [i, i, null]), line: { color: INK, width: 1 }, opacity: 0.6
  });
  const cursor = push({ type: 'scatter', mode: 'lines', name: 'now', showlegend: false, hoverinfo: 'skip', x: [last, last], y: [yTop, yBottom], line: { color: FOCUS, width: 1.5 } });
  const movingAt = (t: number) => {
    const x: number[] = [];
    const y: number[] = [];
    for (const d of drawn) {
      const p = messagePositionAt(d.x1, d.lane1, d.x2, d.lane2, t);
      if (p === null) continue;
      x.push(round(p.x, 4));
      y.push(round(p.lane, 4));
    }
    return { x, y };
  };
  const atEnd = movingAt(last);
  const moving = push({
    type: 'scatter', mode: 'markers', name: 'in flight now', showlegend: false, hoverinfo: 'skip', x: atEnd.x, y: atEnd.y, marker: { symbol: 'circle', size: 10, color: OUTCOME_STYLE.delivered.color, line: { width: 1.5, color: CURTAIN } }
  });
  const stateLanes = lanes.map((_, i) => i);
  // The state reads beside the cursor, on its left near the right edge so it stays in the figure.
  const stateSide = (t: number) => (t > geometry.xMin + 0.72 * (geometry.xMax - geometry.xMin) ? 'middle left' : 'middle right');
  const stateTextAt = (t: number) => {
    const states = laneStateAt(laneStates, lanes, t);
    return { x: stateLanes.map(() => t), text: states.map(escapeText), color: states.map((s) => stateColour.get(s) ?? INK) };
  };
  const stateEnd = stateTextAt(last);
  const stateText = push({
    type: 'scatter', mode: 'text', name: 'state now', showlegend: false, hoverinfo: 'skip', x: stateEnd.x, y: stateLanes.map((i) => i - 0.3), text: stateEnd.text,
    textposition: stateSide(last), textfont: { size: 11, color: stateEnd.color }, cliponaxis: false
  });

  // A frame carries only what moves; lane states only when there are some, their colours only when they differ.
  const frames: PlotlyFrameJson[] = frameTimes.map((t, k) => {
    const m = movingAt(t);
    const data: Record<string, unknown>[] = [{ x: curtainX(t) }, { x: [t, t] }, { x: m.x, y: m.y }];
    if (laneStates.length > 0) {
      const st = stateTextAt(t);
      const side = stateSide(t);
      data.push(fewStates ? { x: st.x, text: st.text, textposition: side, textfont: { size: 11, color: st.color } } : { x: st.x, text: st.text, textposition: side });
    }
    return { name: String(k), data, traces: laneStates.length > 0 ? [curtain, cursor, moving, stateText] : [curtain, cursor, moving] };
  });

  const causalEvents = pointEvents;
  const meta: ReplayMeta = {
    version: REPLAY_META_VERSION,
    off: null,
    axis,
    axisTitle,
    unit,
    lanes: [...lanes],
    frameTimes,
    framesPerSecond: 30,
    speeds: [0.25, 0.5, 1, 2, 4],
    traces: { events: eventTraces, arrows: arrowTraces, arrowHeads, labels, litArrows, past, focus, future, curtain, cursor, moving, stateText },
    causal: {
      seqs: causalEvents.map((e) => e.seq),
      lanes: causalEvents.map((e) => laneOf(e.node)),
      vectors: causalEvents.map((e) => vectorNodes.map((n) => (e.vector ?? {})[n] ?? 0)),
      vectorNodes
    },
    messages: drawn.map((d) => [d.m.send.seq, d.m.end?.seq ?? -1, round(d.x1, 4), d.lane1, round(d.x2, 4), round(d.lane2, 4)]),
    focusSeq: focusSeq !== null && causalEvents.some((e) => e.seq === focusSeq) ? focusSeq : null
  };
  const counts = { delivered: 0, dropped: 0, 'in flight': 0 };
  for (const m of messages) counts[m.outcome]++;
  // A slider step per few frames is enough for a plain plotly viewer and keeps the output small.
  const stride = Math.ceil(frames.length / NATIVE_SLIDER_STEPS);
  const sliderSteps = frames
    .filter((_, k) => k % stride === 0 || k === frames.length - 1)
    .map((f) => ({ label: '', method: 'animate', args: [[f.name], { frame: { duration: 0, redraw: false }, transition: { duration: 0 }, mode: 'immediate' }], value: f.name }));
  // The legend flows in rows under the axis title: room for as many rows as its entries need.
  const legendNames = traces.filter((t) => t.showlegend !== false).map((t) => String(t.name));
  let rows = legendNames.length ? 1 : 0;
  let rowPx = 0;
  for (const name of legendNames) {
    const itemPx = 46 + name.length * 6.4;
    if (rowPx + itemPx > widthPx + MARGIN.r && rowPx > 0) rows++, rowPx = 0;
    rowPx += itemPx;
  }
  const marginBottom = 56 + rows * 21;
  const subtitle = `${lanes.length} nodes, ${events.length} events; messages: ${counts.delivered} delivered, ${counts.dropped} dropped${counts['in flight'] ? `, ${counts['in flight']} in flight` : ''} · click an event: its causal past and future`;
  const layout = {
    title: { text: escapeText(title), x: 0, xref: 'paper', xanchor: 'left', y: 1, yref: 'container', yanchor: 'top', pad: { t: 10 }, font: { size: 14 } },
    // The subtitle is a note just above the plot: plotly's own title.subtitle moves on a theme's relayout.
    annotations: [{ text: escapeText(subtitle), xref: 'paper', x: 0, xanchor: 'left', yref: 'paper', y: 1, yanchor: 'bottom', yshift: 8, showarrow: false, font: { size: 11 } }],
    width: widthPx + MARGIN.l + MARGIN.r,
    height: lanes.length * laneHeightPx + MARGIN.t + marginBottom,
    margin: { ...MARGIN, b: marginBottom, autoexpand: false },
    paper_bgcolor: 'rgba(0,0,0,0)',
    plot_bgcolor: 'rgba(0,0,0,0)',
    font: { family: 'sans-serif', size: 12, color: INK },
    hovermode: 'closest',
    dragmode: false,
    showlegend: true,
    legend: { orientation: 'h', x: 0, xanchor: 'left', y: -52 / (lanes.length * laneHeightPx), yanchor: 'top', font: { size: 11 }, traceorder: 'normal' },
    xaxis: { range: [geometry.xMin, geometry.xMax], title: { text: axisTitle }, fixedrange: true, zeroline: false, showgrid: true, gridcolor: 'rgba(138,138,138,0.25)', automargin: false },
    yaxis: { range: [yBottom, yTop], tickvals: lanes.map((_, i) => i), ticktext: lanes.map((l) => `<b>${escapeText(l)}</b>`), fixedrange: true, zeroline: false, showgrid: false, automargin: false },
    // Plain plotly players (no distlab extension) still get a slider and play/pause; ours replaces them.
    updatemenus: [{
      type: 'buttons', direction: 'left', x: 0, y: 1, xanchor: 'left', yanchor: 'bottom', pad: { t: 0, r: 6 }, showactive: false,
      buttons: [
        { label: '▶', method: 'animate', args: [null, { fromcurrent: true, frame: { duration: 33, redraw: false }, transition: { duration: 0 }, mode: 'immediate' }] },
        { label: '❚❚', method: 'animate', args: [[null], { frame: { duration: 0, redraw: false }, transition: { duration: 0 }, mode: 'immediate' }] }
      ]
    }],
    sliders: [{
      active: sliderSteps.length - 1, x: 0, len: 1, y: 0, yanchor: 'top', pad: { t: 50 }, currentvalue: { visible: false }, ticklen: 0,
      steps: sliderSteps
    }],
    meta: { distlabReplay: meta }
  };
  return { data: traces, layout, frames };
}

/** A figure that only says why there is no replay. */
function replayOff(title: string, lanes: string[], axis: ReplayMeta['axis'], axisTitle: string, unit: string, reason: string): PlotlyFigureJson {
  const meta: ReplayMeta = {
    version: REPLAY_META_VERSION, off: reason, axis, axisTitle, unit, lanes: [...lanes], frameTimes: [], framesPerSecond: 30, speeds: [],
    traces: { events: [], arrows: [], arrowHeads: -1, labels: -1, litArrows: -1, past: -1, focus: -1, future: -1, curtain: -1, cursor: -1, moving: -1, stateText: -1 },
    causal: { seqs: [], lanes: [], vectors: [], vectorNodes: [] }, messages: [], focusSeq: null
  };
  return {
    data: [],
    layout: {
      title: { text: escapeText(`${title}: replay off`), x: 0, xanchor: 'left' }, width: 640, height: 140, font: { family: 'sans-serif', size: 12, color: INK },
      paper_bgcolor: 'rgba(0,0,0,0)', plot_bgcolor: 'rgba(0,0,0,0)', xaxis: { visible: false }, yaxis: { visible: false },
      annotations: [{ text: escapeText(`No replay: ${reason}.`), x: 0, y: 0.5, xref: 'paper', yref: 'paper', xanchor: 'left', showarrow: false }],
      meta: { distlabReplay: meta }
    },
    frames: []
  };
}

/** Lane states: intervals on lanes of the diagram, in virtual ms, so only on the time axis. */
function checkLaneStates(value: readonly StateInterval[] | undefined, lanes: readonly string[], axis: string): StateInterval[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) invalid('laneStates', value, 'an array of {lane, state, startMs, endMs}');
  if (value.length > 0 && axis !== 'time') invalid('laneStates', `${value.length} intervals`, 'lane states only with axis "time" (they are in virtual ms)');
  if (value.length > 10_000) invalid('laneStates', `${value.length} intervals`, 'at most 10,000 intervals');
  return value.map((s, i) => {
    const lane = parseString(`laneStates[${i}].lane`, s?.lane);
    if (!lanes.includes(lane)) invalid(`laneStates[${i}].lane`, lane, `a lane of the diagram (${lanes.join(', ')})`);
    const startMs = parseNumber(`laneStates[${i}].startMs`, s.startMs, -Infinity, Infinity, 'ms');
    return { lane, state: parseString(`laneStates[${i}].state`, s.state), startMs, endMs: parseNumber(`laneStates[${i}].endMs`, s.endMs, startMs, Infinity, 'ms') };
  });
}

function hexAlpha(hex: string, alpha: number): string {
  const n = parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255},${(n >> 8) & 255},${n & 255},${alpha})`;
}

/**
 * A figure that also replays: its bundle carries the plotly replay beside the Vega-Lite spec,
 * the static SVG (what reports and GitHub show) and the text summary.
 */
export class ReplayFigure extends Figure {
  readonly replay: PlotlyFigureJson;

  constructor(spec: VegaLiteSpec, summary: string, replay: PlotlyFigureJson) {
    super(spec, summary);
    this.replay = replay;
  }

  override toMimeBundle(): MimeBundle {
    const bundle = super.toMimeBundle();
    return { data: { [MIME_PLOTLY]: this.replay, ...bundle.data }, metadata: bundle.metadata };
  }
}

/** The same figure with its replay added (nothing added when the replay is off; the summary says why). */
export function withReplay(figure: Figure, trace: TraceInput, options: SpaceTimeReplayOptions): Figure {
  const replay = spaceTimeReplay(trace, options);
  const off = (replay.layout.meta as { distlabReplay: ReplayMeta }).distlabReplay.off;
  if (off !== null) return new Figure(figure.spec, `${figure.summary}\nreplay: off (${off})`);
  return new ReplayFigure(figure.spec, figure.summary, replay);
}
