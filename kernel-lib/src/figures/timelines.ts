// Figures on a time axis: state lanes, the Kubernetes node-failure timeline.
import { parseArray, parseNumber, parseOneOf, parseString, choiceOption, customOption, declareOptions, invalid, numberOption, type OptionsOf } from '../core/options';
import { textListOption, textOption, textTable, widthPxOption } from './common';
import { round, maxOf, minOf } from '../core/numbers';
import { Figure } from './figure';
import { INK, PALETTE } from './theme';
import { formatDurationMs } from './units';
import { KUBE_NODE_FAILURE_TIMES_OPTIONS, KUBE_VERSIONS, KubeVersion, kubeNodeFailureTimes } from '../topics/kube/node-failure-times';
import { StateInterval } from '../trace/state-intervals';

/** Fixed colours for the states a course figure shows, so "leader" looks the same everywhere. */
const KNOWN_STATE_COLOURS: Record<string, string> = {
  leader: PALETTE[0],
  follower: PALETTE[5],
  candidate: PALETTE[1],
  up: PALETTE[2],
  down: PALETTE[3],
  crashed: PALETTE[3],
  paused: PALETTE[1]
};

const UNIT_MS = { ms: 1, s: 1000, min: 60_000, h: 3_600_000 } as const;

export const STATE_LANE_CHART_OPTIONS = declareOptions('stateLaneChart', {
  lanes: textListOption({ doc: 'Lane order, top to bottom; every lane of the intervals', defaultText: 'order of first appearance', expected: 'a non-empty array of lane names' }),
  states: textListOption({ doc: 'State order in the legend (and colour assignment); every state of the intervals (a state listed that never occurs keeps its colour but has no legend entry)', defaultText: 'order of first appearance', expected: 'a non-empty array of state names' }),
  colours: customOption<Record<string, string>>({
    doc: 'Fixed colours per state (CSS colours)',
    defaultText: 'leader/follower/candidate/up/down have fixed Okabe–Ito colours, others follow the palette',
    expected: 'an object of state to CSS colour',
    parse: (name, value) => {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) invalid(name, value, 'an object of state to CSS colour');
      for (const [state, colour] of Object.entries(value)) parseString(`${name}.${state}`, colour);
      return value as Record<string, string>;
    }
  }),
  timeUnit: choiceOption(['ms', 's', 'min', 'h'] as const, { doc: 'Unit of the time axis', default: 'ms' }),
  timeTitle: textOption({
    doc: 'Title of the time axis, for times counted from an event ("s after the node died"); the unit is appended in brackets',
    default: 'time'
  }),
  title: textOption({ doc: 'Chart title', default: 'State over time' }),
  widthPx: widthPxOption(620),
  laneHeightPx: numberOption({ doc: 'Height of one lane in pixels', min: 8, max: 200, unit: 'px', default: 28 })
});
export type StateLaneChartOptions = OptionsOf<typeof STATE_LANE_CHART_OPTIONS>;

/**
 * A generic state-over-time lane chart: one lane per node (or component), a coloured bar per
 * state interval, e.g. leader/follower/candidate or up/down. Input: intervals, or changes via
 * `stateIntervalsFromChanges(changes, endMs)`.
 */
export function stateLaneChart(intervals: readonly StateInterval[], options: StateLaneChartOptions = {}): Figure {
  const o = STATE_LANE_CHART_OPTIONS.parse(options);
  const { timeTitle, timeUnit: unit, title, widthPx, laneHeightPx } = o;
  const rows = parseArray<StateInterval>('intervals', intervals, 'a non-empty array of {lane, state, startMs, endMs}');
  rows.forEach((r, i) => {
    parseString(`intervals[${i}].lane`, r.lane);
    parseString(`intervals[${i}].state`, r.state);
    parseNumber(`intervals[${i}].startMs`, r.startMs, -Infinity, Infinity, 'ms');
    parseNumber(`intervals[${i}].endMs`, r.endMs, r.startMs, Infinity, 'ms');
  });
  const lanes = o.lanes ? [...o.lanes] : [...new Set(rows.map((r) => r.lane))];
  for (const r of rows) if (!lanes.includes(r.lane)) invalid('lanes', lanes, `every lane of the intervals, missing ${r.lane}`);
  const states = o.states ? [...o.states] : [...new Set(rows.map((r) => r.state))];
  for (const r of rows) if (!states.includes(r.state)) invalid('states', states, `every state of the intervals, missing ${r.state}`);
  const spare = PALETTE.filter((c) => !Object.values(KNOWN_STATE_COLOURS).includes(c) || c === PALETTE[4] || c === PALETTE[7]);
  let spareIndex = 0;
  const allColours = states.map((s) => o.colours?.[s] ?? KNOWN_STATE_COLOURS[s] ?? spare[spareIndex++ % spare.length]);
  // The legend lists only states that occur (a declared state never reached has no entry); colours stay with their state.
  const occurs = new Set(rows.map((r) => r.state));
  const legendStates = states.filter((s) => occurs.has(s));
  const colours = legendStates.map((s) => allColours[states.indexOf(s)]);
  const per = UNIT_MS[unit];
  const values = rows.map((r) => ({ ...r, start: round(r.startMs / per), end: round(r.endMs / per), duration: formatDurationMs(r.endMs - r.startMs) }));
  const spec = {
    title: { text: title, subtitle: `${lanes.length} lanes, ${legendStates.length} states` },
    width: widthPx,
    height: { step: laneHeightPx },
    data: { values },
    mark: { type: 'bar', height: { band: 0.75 }, stroke: INK, strokeWidth: 0.3 },
    encoding: {
      y: { field: 'lane', type: 'nominal', sort: lanes, title: null, axis: { labelFontWeight: 'bold', labelFontSize: 12 } },
      x: { field: 'start', type: 'quantitative', title: `${timeTitle} (${unit})` },
      x2: { field: 'end' },
      color: { field: 'state', type: 'nominal', title: 'state', scale: { domain: legendStates, range: colours }, legend: { orient: 'right' } },
      tooltip: [{ field: 'lane' }, { field: 'state' }, { field: 'start', title: `from (${unit})` }, { field: 'end', title: `to (${unit})` }, { field: 'duration' }]
    }
  };
  const summary = [title, textTable(['lane', 'state', 'from', 'to'], values.map((v) => [v.lane, v.state, `${v.start} ${unit}`, `${v.end} ${unit}`]))].join('\n');
  return new Figure(spec, summary);
}

const VERSIONS_EXPECTED = `a non-empty array of ${KUBE_VERSIONS.map((v) => `"${v}"`).join(' or ')}`;

export const KUBE_NODE_FAILURE_TIMELINE_OPTIONS = declareOptions('kubeNodeFailureTimeline', {
  versions: customOption<readonly KubeVersion[]>({
    doc: 'Versions to compare, one panel each',
    default: KUBE_VERSIONS,
    expected: VERSIONS_EXPECTED,
    parse: (name, value) => {
      parseArray(name, value, VERSIONS_EXPECTED);
      (value as unknown[]).forEach((v, i) => parseOneOf(`${name}[${i}]`, v, KUBE_VERSIONS));
      return value as readonly KubeVersion[];
    }
  }),
  ...KUBE_NODE_FAILURE_TIMES_OPTIONS.specs,
  title: textOption({ doc: 'Chart title', default: 'Kubernetes node failure: from last heartbeat to rescheduled pod' }),
  widthPx: widthPxOption(640)
});
export type KubeNodeFailureOptions = OptionsOf<typeof KUBE_NODE_FAILURE_TIMELINE_OPTIONS>;

/**
 * Timeline of a Kubernetes worker node failure, one panel per version: heartbeats until the
 * node dies, node Ready → NotReady (Unknown), the old pod Running (unreachable) → evicted, and
 * the replacement Pending → Running on another node.
 */
export function kubeNodeFailureTimeline(options: KubeNodeFailureOptions = {}): Figure {
  const { versions, title, widthPx, ...timing } = KUBE_NODE_FAILURE_TIMELINE_OPTIONS.parse(options);
  const heartbeatS = timing.heartbeatIntervalS;
  const times = versions.map((v) => kubeNodeFailureTimes(v, timing));
  const endS = maxOf(times.map((t) => t.runningS)) + 20;
  const startS = minOf(times.map((t) => t.lastHeartbeatS)) - 3 * heartbeatS;
  const lanes = ['milestones', 'kubelet heartbeats', 'Node condition', 'pod on failed node', 'replacement pod'];
  const bars: Record<string, unknown>[] = [];
  const ticks: Record<string, unknown>[] = [];
  const milestones: Record<string, unknown>[] = [];
  for (const t of times) {
    const add = (lane: string, state: string, from: number, to: number) => bars.push({ version: t.version, lane, state, from: round(from), to: round(to) });
    add('kubelet heartbeats', 'node up', startS, t.lastHeartbeatS);
    add('kubelet heartbeats', 'node dead (silence)', t.lastHeartbeatS, endS);
    add('Node condition', 'Ready', startS, t.notReadyS);
    add('Node condition', 'NotReady / Unknown', t.notReadyS, endS);
    add('pod on failed node', 'Running (as far as the API knows)', startS, t.notReadyS);
    add('pod on failed node', 'tainted, tolerated', t.notReadyS, t.evictionS);
    add('pod on failed node', 'evicted', t.evictionS, endS);
    add('replacement pod', 'Pending', t.evictionS, t.scheduledS);
    add('replacement pod', 'Running elsewhere', t.scheduledS, endS);
    for (let s = t.lastHeartbeatS; s >= startS; s -= heartbeatS) ticks.push({ version: t.version, lane: 'kubelet heartbeats', at: round(s) });
    milestones.push(
      { version: t.version, lane: 'milestones', at: t.notReadyS, side: 'right', text: `NotReady at ${t.notReadyS} s (grace ${t.gracePeriodS} s)` },
      { version: t.version, lane: 'milestones', at: t.evictionS, side: 'left', text: `evicted at ${t.evictionS} s` },
      { version: t.version, lane: 'milestones', at: t.runningS, side: 'right', text: `Running elsewhere at ${t.runningS} s` }
    );
  }
  const states = ['node up', 'node dead (silence)', 'Ready', 'NotReady / Unknown', 'Running (as far as the API knows)', 'tainted, tolerated', 'evicted', 'Pending', 'Running elsewhere'];
  const colours = [PALETTE[2], PALETTE[7], PALETTE[2], PALETTE[3], PALETTE[5], PALETTE[1], PALETTE[3], PALETTE[6], PALETTE[0]];
  const x = { type: 'quantitative', title: 'seconds after the node dies', scale: { domain: [startS, endS], nice: false } };
  const y = { field: 'lane', type: 'nominal', sort: lanes, title: null, axis: { labelFontWeight: 'bold' } };
  const panel = (version: KubeVersion) => ({
    title: { text: `${version}: NotReady after ${times.find((t) => t.version === version)!.gracePeriodS} s, eviction after +${timing.tolerationS} s toleration`, fontSize: 12 },
    width: widthPx,
    height: { step: 30 },
    layer: [
      {
        data: { values: bars.filter((b) => b.version === version) },
        mark: { type: 'bar', height: { band: 0.7 } },
        encoding: {
          y,
          x: { ...x, field: 'from' },
          x2: { field: 'to' },
          color: { field: 'state', type: 'nominal', title: 'state', scale: { domain: states, range: colours }, legend: { orient: 'bottom', columns: 3 } },
          tooltip: [{ field: 'lane' }, { field: 'state' }, { field: 'from', title: 'from (s)' }, { field: 'to', title: 'to (s)' }]
        }
      },
      {
        data: { values: ticks.filter((b) => b.version === version) },
        mark: { type: 'tick', color: 'white', thickness: 2, bandSize: 14 },
        encoding: { y, x: { ...x, field: 'at' } }
      },
      {
        data: { values: milestones.filter((b) => b.version === version) },
        mark: { type: 'rule', color: INK, strokeDash: [3, 2] },
        encoding: { x: { ...x, field: 'at' } }
      },
      // Labels sit in their own lane, on the side of their rule with room: never over a bar.
      ...(['left', 'right'] as const).map((side) => ({
        data: { values: milestones.filter((b) => b.version === version && b.side === side) },
        mark: { type: 'text', align: side === 'left' ? 'right' : 'left', dx: side === 'left' ? -4 : 4, fontSize: 11, fontWeight: 'bold', color: INK },
        encoding: { y, x: { ...x, field: 'at' }, text: { field: 'text' } }
      }))
    ]
  });
  const spec = {
    title: { text: title, subtitle: 'white ticks: heartbeats every ' + heartbeatS + ' s; the grace period changed from 40 s to 50 s in v1.32' },
    vconcat: versions.map(panel),
    resolve: { scale: { color: 'shared' } }
  };
  const summary = [
    title,
    textTable(['version', 'NotReady', 'evicted', 'scheduled', 'Running'], times.map((t) => [t.version, `${t.notReadyS} s`, `${t.evictionS} s`, `${t.scheduledS} s`, `${t.runningS} s`]))
  ].join('\n');
  return new Figure(spec, summary);
}
