// Figures of availability: quorum curves, CP/AP during a partition, the PACELC trade-off.
import { parseArray, parseInteger, parseNumber, parseProbability, parseString, choiceOption, declareOptions, integerOption, numberListOption, numberOption, type OptionsOf } from '../core/options';
import { heightPxOption, textOption, textTable, widthPxOption } from './common';
import { round, maxOf } from '../core/numbers';
import { Figure } from './figure';
import { binomialAvailability, AvailabilityPoint, availabilityCurve, quorumOf } from '../topics/quorum/quorum-availability';
import { INK, PALETTE } from './theme';
import { formatDurationMs } from './units';
import { PartitionOutcome } from '../topics/cap/partition-outcomes';
import { ReplicationPoint } from '../topics/pacelc/replication';

export const AVAILABILITY_CHART_OPTIONS = declareOptions('availabilityChart', {
  nodeCounts: numberListOption({ doc: 'Cluster sizes drawn as closed-form lines', min: 1, max: 101, integer: true, lengthMax: 20, default: [1, 3, 5, 7] }),
  quorum: choiceOption(['majority', 'one', 'all'] as const, {
    doc: 'Nodes that must be up: "majority" (etcd, Raft), "one" (any replica serves) or "all"',
    default: 'majority'
  }),
  pMin: numberOption({ doc: 'Left end of the p axis', min: 0, max: 0.99, default: 0.5 }),
  linePoints: integerOption({ doc: 'Points per closed-form line', min: 2, max: 2000, default: 101 }),
  title: textOption({ doc: 'Chart title', default: 'Cluster availability vs per-node availability' }),
  widthPx: widthPxOption(520),
  heightPx: heightPxOption(340)
});
export type AvailabilityChartOptions = OptionsOf<typeof AVAILABILITY_CHART_OPTIONS>;

/**
 * Availability of an n-node cluster against per-node availability p: closed-form binomial
 * lines (at least a quorum of n up) computed here, and simulated points with confidence
 * intervals passed in as data. Where a point's interval misses its line, the simulation and
 * the independence assumption disagree.
 */
export function availabilityChart(simulated: readonly AvailabilityPoint[] = [], options: AvailabilityChartOptions = {}): Figure {
  const { nodeCounts, quorum, pMin, linePoints, title, widthPx, heightPx } = AVAILABILITY_CHART_OPTIONS.parse(options);
  if (!Array.isArray(simulated)) parseArray('simulated', simulated, 'an array of {nodeCount, nodeAvailability, availability, low, high}');
  simulated.forEach((pt, i) => {
    parseInteger(`simulated[${i}].nodeCount`, pt.nodeCount, 1, 101);
    parseProbability(`simulated[${i}].nodeAvailability`, pt.nodeAvailability);
    parseProbability(`simulated[${i}].availability`, pt.availability);
    parseProbability(`simulated[${i}].low`, pt.low);
    parseProbability(`simulated[${i}].high`, pt.high);
  });
  const seriesOf = (n: number) => `n = ${n} (needs ${quorumOf(n, quorum)} up)`;
  const allCounts = [...new Set([...nodeCounts, ...simulated.map((s) => s.nodeCount)])].sort((a, b) => a - b);
  const lines = nodeCounts.flatMap((n) => availabilityCurve(n, { quorum, pMin, linePoints }).map((pt) => ({ series: seriesOf(n), nodeCount: n, ...pt })));
  const points = simulated.filter((s) => s.nodeAvailability >= pMin).map((s) => ({ series: seriesOf(s.nodeCount), ...s }));
  const x = { field: 'p', type: 'quantitative', title: 'per-node availability p', scale: { domain: [pMin, 1], nice: false }, axis: { format: '%' } };
  const yTitle = 'cluster availability';
  const color = { field: 'series', type: 'nominal', title: 'cluster size', sort: allCounts.map(seriesOf), legend: { orient: 'right' } };
  const spec = {
    title: {
      text: title,
      subtitle: `lines: closed form Σ C(n,k) pᵏ(1−p)ⁿ⁻ᵏ for k ≥ ${quorum === 'majority' ? 'a majority' : quorum === 'one' ? '1' : 'n'}; ${points.length ? 'dots: simulated, bars: 95% interval' : 'no simulated points given'}`
    },
    width: widthPx,
    height: heightPx,
    layer: [
      { data: { values: lines }, mark: { type: 'line', strokeWidth: 2 }, encoding: { x, y: { field: 'availability', type: 'quantitative', title: yTitle, scale: { domain: [pMin, 1] }, axis: { format: '%' } }, color, tooltip: [{ field: 'series' }, { field: 'p', format: '.3f' }, { field: 'availability', format: '.5f' }] } },
      ...(points.length
        ? [
            { data: { values: points }, mark: { type: 'rule', strokeWidth: 1.5 }, encoding: { x: { ...x, field: 'nodeAvailability' }, y: { field: 'low', type: 'quantitative' }, y2: { field: 'high' }, color } },
            {
              data: { values: points },
              mark: { type: 'point', filled: true, size: 45, stroke: INK, strokeWidth: 0.8 },
              encoding: {
                x: { ...x, field: 'nodeAvailability' },
                y: { field: 'availability', type: 'quantitative' },
                color,
                tooltip: [{ field: 'series' }, { field: 'nodeAvailability' }, { field: 'availability', format: '.4f' }, { field: 'low', format: '.4f' }, { field: 'high', format: '.4f' }]
              }
            }
          ]
        : [])
    ]
  };
  const ps = [0.9, 0.99, 0.999].filter((p) => p >= pMin);
  const summary = [
    title,
    textTable(['n', 'quorum', ...ps.map((p) => `p=${p}`)], nodeCounts.map((n) => [String(n), String(quorumOf(n, quorum)), ...ps.map((p) => binomialAvailability(n, p, quorumOf(n, quorum)).toFixed(6))])),
    `${points.length} simulated points`
  ].join('\n');
  return new Figure(spec, summary);
}

export const CP_AP_CHART_OPTIONS = declareOptions('cpApChart', {
  title: textOption({ doc: 'Chart title', default: 'CP vs AP during a partition' }),
  widthPx: widthPxOption(300, 'Width of each panel in pixels'),
  heightPx: heightPxOption(240, 'Height of each panel in pixels'),
  timeUnit: choiceOption(['ms', 's', 'min'] as const, { doc: 'Unit of the partition-length axis', default: 's' })
});
export type CpApChartOptions = OptionsOf<typeof CP_AP_CHART_OPTIONS>;

/**
 * CP against AP during a partition: two panels against partition length, the fraction of
 * requests served and the fraction answered with stale data. Data: `partitionOutcomes()` or
 * your own simulation's rows.
 */
export function cpApChart(outcomes: readonly PartitionOutcome[], options: CpApChartOptions = {}): Figure {
  const { title, widthPx, heightPx, timeUnit: unit } = CP_AP_CHART_OPTIONS.parse(options);
  const rows = parseArray<PartitionOutcome>('outcomes', outcomes, 'a non-empty array of {mode, partitionMs, servedFraction, staleFraction}');
  rows.forEach((r, i) => {
    parseString(`outcomes[${i}].mode`, r.mode);
    parseNumber(`outcomes[${i}].partitionMs`, r.partitionMs, 0, Infinity, 'ms');
    parseProbability(`outcomes[${i}].servedFraction`, r.servedFraction);
    parseProbability(`outcomes[${i}].staleFraction`, r.staleFraction);
  });
  const perUnit = { ms: 1, s: 1000, min: 60_000 }[unit];
  const modes = [...new Set(rows.map((r) => r.mode))];
  const values = rows.flatMap((r) => [
    { mode: r.mode, partition: round(r.partitionMs / perUnit), measure: 'requests served', fraction: r.servedFraction },
    { mode: r.mode, partition: round(r.partitionMs / perUnit), measure: 'reads that were stale', fraction: r.staleFraction }
  ]);
  const panel = (measure: string, yTitle: string) => ({
    width: widthPx,
    height: heightPx,
    title: { text: measure, fontSize: 12 },
    transform: [{ filter: `datum.measure === '${measure}'` }],
    mark: { type: 'line', point: true, strokeWidth: 2 },
    encoding: {
      x: { field: 'partition', type: 'quantitative', title: `partition length (${unit})` },
      y: { field: 'fraction', type: 'quantitative', title: yTitle, axis: { format: '%' }, scale: { domain: [0, 1] } },
      color: { field: 'mode', type: 'nominal', title: 'during the partition', sort: modes, scale: { range: [PALETTE[0], PALETTE[1], PALETTE[2]] }, legend: { orient: 'bottom', direction: 'vertical' } },
      strokeDash: { field: 'mode', type: 'nominal', sort: modes, legend: null },
      tooltip: [{ field: 'mode' }, { field: 'partition', title: `partition (${unit})` }, { field: 'fraction', format: '.2%' }]
    }
  });
  const spec = {
    title: { text: title, subtitle: 'CP refuses requests it cannot make consistent; AP answers them all, some with stale data' },
    data: { values },
    hconcat: [panel('requests served', 'fraction of all requests served'), panel('reads that were stale', 'fraction of all requests stale')]
  };
  const longest = maxOf(rows.map((r) => r.partitionMs));
  const summary = [
    title,
    textTable(['mode', `served @ ${formatDurationMs(longest)}`, `stale @ ${formatDurationMs(longest)}`], modes.map((mode) => {
      const r = rows.filter((x) => x.mode === mode && x.partitionMs === longest)[0];
      return [mode, r ? `${(r.servedFraction * 100).toFixed(1)}%` : '-', r ? `${(r.staleFraction * 100).toFixed(1)}%` : '-'];
    }))
  ].join('\n');
  return new Figure(spec, summary);
}

export const PACELC_CHART_OPTIONS = declareOptions('pacelcChart', {
  title: textOption({ doc: 'Chart title', default: 'PACELC, else-branch: latency vs consistency' }),
  widthPx: widthPxOption(480),
  heightPx: heightPxOption(320)
});
export type PacelcChartOptions = OptionsOf<typeof PACELC_CHART_OPTIONS>;

/** 1, 2 or 5 times a power of ten, at least `rough`. */
function niceStep(rough: number): number {
  const power = 10 ** Math.floor(Math.log10(rough));
  for (const m of [1, 2, 5, 10]) if (m * power >= rough) return m * power;
  return 10 * power;
}

/**
 * Latency against staleness for synchronous and asynchronous replication: each point is one
 * replica distance (labelled by its RTT). Sync pays in latency, async in staleness.
 */

export function pacelcChart(points: readonly ReplicationPoint[], options: PacelcChartOptions = {}): Figure {
  const { title, widthPx, heightPx } = PACELC_CHART_OPTIONS.parse(options);
  const rows = parseArray<ReplicationPoint>('points', points, 'a non-empty array of {mode, replicaRttMs, writeLatencyMs, stalenessMs}');
  rows.forEach((r, i) => {
    parseString(`points[${i}].mode`, r.mode);
    parseNumber(`points[${i}].replicaRttMs`, r.replicaRttMs, 0, Infinity, 'ms');
    parseNumber(`points[${i}].writeLatencyMs`, r.writeLatencyMs, 0, Infinity, 'ms');
    parseNumber(`points[${i}].stalenessMs`, r.stalenessMs, 0, Infinity, 'ms');
  });
  const modes = [...new Set(rows.map((r) => r.mode))];
  const values = rows.map((r) => ({ ...r, label: `RTT ${formatDurationMs(r.replicaRttMs)}` }));
  // Synchronous points all sit at staleness 0, asynchronous ones near latency 0: labelled in place
  // they collide in the corner. So the axis starts a little left of 0, the synchronous labels go
  // into that margin (left of their points) and the asynchronous ones slant up to the right.
  const maxStaleness = Math.max(maxOf(rows.map((r) => r.stalenessMs)), 1);
  const step = niceStep(maxStaleness / 6);
  const xMax = Math.ceil(maxStaleness / step) * step;
  const labelRoomPx = 72;
  const xMin = -(labelRoomPx * xMax) / (widthPx - labelRoomPx);
  const xTicks = Array.from({ length: Math.round(xMax / step) + 1 }, (_, i) => Number((i * step).toPrecision(12)));
  const x = { field: 'stalenessMs', type: 'quantitative', title: 'how stale a replica read can be (ms)', scale: { domain: [xMin, xMax], nice: false }, axis: { values: xTicks } };
  const y = { field: 'writeLatencyMs', type: 'quantitative', title: 'write latency seen by the client (ms)' };
  const color = { field: 'mode', type: 'nominal', title: 'replication', sort: modes, scale: { range: [PALETTE[0], PALETTE[1], PALETTE[2]] }, legend: { orient: 'bottom', direction: 'vertical' } };
  const spec = {
    title: { text: title, subtitle: 'each point is one replica distance; sync pays latency, async pays staleness' },
    width: widthPx,
    height: heightPx,
    data: { values },
    layer: [
      { mark: { type: 'line', strokeWidth: 2, point: { filled: true, size: 60 } }, encoding: { x, y, color, shape: { field: 'mode', type: 'nominal', sort: modes, legend: null }, order: { field: 'replicaRttMs', type: 'quantitative' }, tooltip: [{ field: 'mode' }, { field: 'label' }, { field: 'writeLatencyMs' }, { field: 'stalenessMs' }] } },
      // Sync points stack vertically at staleness 0: labels to their left; async ones lie along the bottom: slanted labels.
      { transform: [{ filter: { field: 'stalenessMs', equal: 0 } }], mark: { type: 'text', align: 'right', baseline: 'middle', dx: -7, fontSize: 10, color: INK }, encoding: { x, y, text: { field: 'label' } } },
      { transform: [{ filter: 'datum.stalenessMs > 0' }], mark: { type: 'text', align: 'left', angle: -45, dx: 4, dy: -6, fontSize: 10, color: INK }, encoding: { x, y, text: { field: 'label' } } }
    ]
  };
  const summary = [title, textTable(['mode', 'RTT', 'write latency', 'staleness'], values.map((v) => [v.mode, formatDurationMs(v.replicaRttMs), formatDurationMs(v.writeLatencyMs), formatDurationMs(v.stalenessMs)]))].join('\n');
  return new Figure(spec, summary);
}
