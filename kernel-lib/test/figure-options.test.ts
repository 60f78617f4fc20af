// Options of the figures, experiments, exercises and measure layers, declared once.
import { describe, expect, it } from 'vitest';
import * as dl from 'distlab';
import { declaredOptionSets, optionDoc } from '../src/core/options';
import { LATENCY_NUMBERS_CHART_OPTIONS } from '../src/figures/latency-numbers-chart';
import { LATENCY_CDF_OPTIONS, LATENCY_HISTOGRAM_OPTIONS } from '../src/figures/latency-distribution';
import { CALL_CHAIN_TIMELINE_OPTIONS } from '../src/figures/call-chain-timeline';
import { FANOUT_TAIL_CHART_OPTIONS } from '../src/figures/fanout-tail-chart';
import { SPACE_TIME_DIAGRAM_OPTIONS } from '../src/figures/space-time-diagram';
import { SPACE_TIME_REPLAY_OPTIONS } from '../src/figures/space-time-replay';
import { CLOCK_OFFSET_CHART_OPTIONS, CLOCK_SKEW_STORY_OPTIONS } from '../src/figures/clock-figures';
import { AVAILABILITY_CHART_OPTIONS, CP_AP_CHART_OPTIONS, PACELC_CHART_OPTIONS } from '../src/figures/availability-figures';
import { KUBE_NODE_FAILURE_TIMELINE_OPTIONS, STATE_LANE_CHART_OPTIONS } from '../src/figures/timelines';
import { BAR_CHART_OPTIONS, XY_CHART_OPTIONS } from '../src/figures/experiment-charts';
import { TABLE_OPTIONS } from '../src/figures/table';
import { MONTE_CARLO_OPTIONS } from '../src/experiments/montecarlo';
import { SUMMARIZE_OPTIONS } from '../src/experiments/stats';
import { GRADE_OPTIONS } from '../src/exercises/exercise';
import { MEASURE_OPTIONS } from '../src/measure/machine-latency';

const NAMES = [
  'latencyNumbersChart', 'latencyHistogram', 'latencyCdf', 'callChainTimeline', 'fanoutTailChart', 'spaceTimeDiagram', 'spaceTimeReplay',
  'clockOffsetChart', 'clockSkewStory', 'availabilityChart', 'cpApChart', 'pacelcChart', 'stateLaneChart', 'kubeNodeFailureTimeline',
  'xyChart', 'barChart', 'table', 'monteCarlo', 'summarize', 'gradeExercise', 'measureThisMachine'
];

describe('figure, experiment, exercise and measure options: one declaration each', () => {
  it('fills the same defaults the hand-written checks filled', () => {
    // The defaults as the code before the declarations stated them; undefined where the
    // default depends on the data or on another option and is computed after parse.
    const cases: [{ parse(o: unknown): unknown }, Record<string, unknown>][] = [
      [LATENCY_NUMBERS_CHART_OPTIONS, { rows: undefined, baseline: undefined, title: 'Latency numbers every programmer should know', widthPx: 520, measured: undefined }],
      [LATENCY_HISTOGRAM_OPTIONS, { title: undefined, widthPx: 560, heightPx: 260, binsMax: 40, scale: undefined, percentiles: [50, 95, 99], what: 'request latency' }],
      [CALL_CHAIN_TIMELINE_OPTIONS, { calls: 50, callMs: 2, batchSize: 10, title: undefined, widthPx: 620 }],
      [FANOUT_TAIL_CHART_OPTIONS, { slowProbabilities: [0.001, 0.01, 0.05], fanoutMax: 100, markFanouts: undefined, title: 'Tail-latency amplification under fan-out', widthPx: 560, heightPx: 300 }],
      [
        SPACE_TIME_DIAGRAM_OPTIONS,
        { axis: 'time', stamps: 'lamport', nodes: undefined, causalPastOf: undefined, concurrentWith: undefined, eventsMax: 300, stampsMax: 80, fromMs: undefined, toMs: undefined, summaryBins: 60, title: 'Space-time diagram', widthPx: 640, laneHeightPx: 64 }
      ],
      [
        SPACE_TIME_REPLAY_OPTIONS,
        { axis: 'time', nodes: undefined, laneStates: undefined, fromMs: undefined, toMs: undefined, focusSeq: undefined, framesMax: 240, eventsMax: 2000, title: 'Space-time diagram', widthPx: 640, laneHeightPx: 64 }
      ],
      [CLOCK_OFFSET_CHART_OPTIONS, { title: 'Clock offsets from true time', widthPx: 620, heightPx: 300, syncLabel: 'sync', timeUnit: undefined }],
      [CLOCK_SKEW_STORY_OPTIONS, { skewMs: 47, networkDelayMs: 6, hedgeProcessingMs: 1, title: undefined, widthPx: 600 }],
      [AVAILABILITY_CHART_OPTIONS, { nodeCounts: [1, 3, 5, 7], quorum: 'majority', pMin: 0.5, linePoints: 101, title: 'Cluster availability vs per-node availability', widthPx: 520, heightPx: 340 }],
      [CP_AP_CHART_OPTIONS, { title: 'CP vs AP during a partition', widthPx: 300, heightPx: 240, timeUnit: 's' }],
      [PACELC_CHART_OPTIONS, { title: 'PACELC, else-branch: latency vs consistency', widthPx: 480, heightPx: 320 }],
      [STATE_LANE_CHART_OPTIONS, { lanes: undefined, states: undefined, colours: undefined, timeUnit: 'ms', timeTitle: 'time', title: 'State over time', widthPx: 620, laneHeightPx: 28 }],
      [
        KUBE_NODE_FAILURE_TIMELINE_OPTIONS,
        { versions: ['v1.31', 'v1.32'], failAtS: 0, heartbeatIntervalS: 10, gracePeriodS: undefined, tolerationS: 300, rescheduleS: 2, podStartS: 8, title: 'Kubernetes node failure: from last heartbeat to rescheduled pod', widthPx: 640 }
      ],
      [
        XY_CHART_OPTIONS,
        { lines: undefined, xTitle: 'x', yTitle: 'y', xScale: 'linear', yScale: 'linear', yPercent: false, yDomain: undefined, connect: true, markers: undefined, title: 'Experiment', subtitle: undefined, widthPx: 520, heightPx: 300 }
      ],
      [BAR_CHART_OPTIONS, { valueTitle: 'value', scale: 'linear', title: 'Result', subtitle: undefined, widthPx: 480, barHeightPx: 22 }],
      [TABLE_OPTIONS, { columns: undefined, headers: undefined, title: undefined, caption: undefined, rowsMax: 200 }],
      [MONTE_CARLO_OPTIONS, { run: undefined, grid: undefined, seeds: 100, firstSeed: 1, traceEvery: 0, confidence: 0.95 }],
      [SUMMARIZE_OPTIONS, { confidence: 0.95 }],
      [GRADE_OPTIONS, { seed: undefined, seeds: 200, callTimeoutMs: 1000 }],
      [MEASURE_OPTIONS, { rounds: 7, tcpRoundTrips: 200 }]
    ];
    for (const [set, defaults] of cases) expect(set.parse({})).toEqual(defaults);
    expect(LATENCY_CDF_OPTIONS.keys).toEqual(LATENCY_HISTOGRAM_OPTIONS.keys);
  });

  it('registers every public function under its name, with a doc, a range and a default for each option', () => {
    const sets = declaredOptionSets();
    for (const name of NAMES) {
      const set = sets.get(name);
      expect(set, name).toBeDefined();
      for (const key of set!.keys) {
        const spec = set!.specs[key];
        expect(spec.doc.length, `${name}.${key}`).toBeGreaterThan(5);
        expect(spec.doc, `${name}.${key}`).not.toMatch(/Default/);
        expect(spec.expected.length, `${name}.${key}`).toBeGreaterThan(0);
        expect(spec.defaultText, `${name}.${key}`).toBeDefined();
      }
    }
    expect(optionDoc(SPACE_TIME_DIAGRAM_OPTIONS.specs.widthPx)).toBe('Plot width in pixels. Allowed: 100..4000 px. Default 640 px.');
    expect(optionDoc(FANOUT_TAIL_CHART_OPTIONS.specs.markFanouts)).toBe(
      'Fan-outs to annotate with their value on every line, each at most fanoutMax. Allowed: a list of 1..20 values, each an integer 1..100000. Default [100] (clipped to fanoutMax).'
    );
    expect(optionDoc(MONTE_CARLO_OPTIONS.specs.confidence)).toBe('Confidence level of the intervals. Allowed: 0.5..0.9999. Default 0.95.');
    // The timelines take their topic's declarations, not copies of them.
    expect(CALL_CHAIN_TIMELINE_OPTIONS.specs.callMs).toBe(declaredOptionSets().get('callChainTimings')!.specs.callMs);
    expect(KUBE_NODE_FAILURE_TIMELINE_OPTIONS.specs.gracePeriodS).toBe(declaredOptionSets().get('kubeNodeFailureTimes')!.specs.gracePeriodS);
    expect(SPACE_TIME_REPLAY_OPTIONS.specs.fromMs).toBe(SPACE_TIME_DIAGRAM_OPTIONS.specs.fromMs);
  });

  it('a default that depends on the data or another option is computed after parse', () => {
    expect(dl.fanoutTailChart({ fanoutMax: 40 }).summary).toContain('n=40');
    expect(dl.fanoutTailChart().summary).toContain('n=100');
    expect(dl.clockSkewStory({ skewMs: 10 }).summary.split('\n')[0]).toBe('10 ms of clock skew: the hedge that came before its trade');
    expect(dl.latencyHistogram([1, 2, 3]).summary.split('\n')[0]).toBe('Latency distribution (3 samples)');
    expect((dl.latencyCdf([1, 2, 3]).spec as any).layer[0].encoding.x.scale).toEqual({ type: 'log' });
    expect((dl.latencyHistogram([1, 2, 3]).spec as any).layer[0].encoding.x.scale).toEqual({ zero: false });
    expect(dl.table([{ a: 1, b: 2 }]).columns).toEqual(['a', 'b']);
  });

  it('refuses bad values with the house phrasing, relations checked after parse', () => {
    const trace = [
      { seq: 0, timeMs: 0, node: 'a', type: 'local', lamport: 1 },
      { seq: 1, timeMs: 5, node: 'b', type: 'local', lamport: 1 }
    ] as never;
    const cases: [() => unknown, string][] = [
      [() => dl.fanoutTailChart({ fanoutMax: 50, markFanouts: [10, 60] }), 'invalid markFanouts[1]: 60 (expected an integer 1..50 (at most fanoutMax))'],
      [() => dl.spaceTimeDiagram(trace, { fromMs: 10, toMs: 5 }), 'invalid toMs: 5 (expected a number >= 10 ms (fromMs))'],
      [() => dl.latencyHistogram([1, 2], { percentiles: [50, 150] }), 'invalid percentiles[1]: 150 (expected 0..100)'],
      [() => dl.latencyCdf([1, 2], { scale: 'ln' as never }), 'invalid scale: "ln" (expected one of linear, log)'],
      [() => dl.xyChart([{ series: 's', x: 1, y: 1 }], { yDomain: [2, 1] }), 'invalid yDomain: [2,1] (expected [min, max] with min < max)'],
      [() => dl.xyChart([{ series: 's', x: 1, y: 1 }], { title: '' }), 'invalid title: "" (expected a non-empty string)'],
      [() => dl.stateLaneChart([{ lane: 'a', state: 'up', startMs: 0, endMs: 1 }], { lanes: [] }), 'invalid lanes: [] (expected a non-empty array of lane names)'],
      [() => dl.table([{ a: 1 }], { headers: { a: 3 } as never }), 'invalid headers.a: 3 (expected a string)'],
      [() => dl.table([{ a: 1 }], { rowsMax: 0 }), 'invalid rowsMax: 0 (expected an integer 1..100000)'],
      [() => dl.monteCarlo({ run: () => 1, seeds: 10, firstSeed: Number.MAX_SAFE_INTEGER - 5 }), `invalid firstSeed: ${Number.MAX_SAFE_INTEGER - 5} (expected an integer 0..${Number.MAX_SAFE_INTEGER - 10})`],
      [() => dl.monteCarlo({} as never), 'invalid run: undefined (expected a function (trial) => metrics)'],
      [() => dl.monteCarlo({ run: () => 1, confidence: 1 }), 'invalid confidence: 1 (expected 0.5..0.9999)'],
      [() => dl.summarize([1, 2], { confidence: 0.2 }), 'invalid confidence: 0.2 (expected 0.5..0.9999)'],
      [() => dl.summarize([1, 2], { level: 0.9 } as never), 'unknown option in summarize: level (expected one of confidence)'],
      [() => dl.gradeExercise('quorum-size', (n) => n, { seed: -1 }), 'invalid seed: -1 (expected an integer 0..9007199254740991)'],
      [() => dl.gradeExercise('quorum-size', (n) => n, { sed: 1 } as never), "unknown option in gradeExercise('quorum-size'): sed (expected one of seed, seeds, callTimeoutMs)"],
      [() => dl.measureFunctionCallNs(0), 'invalid rounds: 0 (expected an integer 1..101)'],
      [() => dl.kubeNodeFailureTimeline({ tolerance: 3 } as never), 'unknown option in kubeNodeFailureTimeline: tolerance (expected one of versions, failAtS, heartbeatIntervalS, gracePeriodS, tolerationS, rescheduleS, podStartS, title, widthPx)'],
      [() => dl.callChainTimeline({ batchSize: 0 }), 'invalid batchSize: 0 (expected an integer 1..10000)']
    ];
    for (const [call, message] of cases) expect(call).toThrow(message);
  });

  it('refuses bad measureThisMachine options before measuring anything', async () => {
    await expect(dl.measureThisMachine({ rounds: 0 })).rejects.toThrow('invalid rounds: 0 (expected an integer 1..101)');
    await expect(dl.measureThisMachine({ roundTrips: 5 } as never)).rejects.toThrow('unknown option in measureThisMachine: roundTrips (expected one of rounds, tcpRoundTrips)');
  });
});
