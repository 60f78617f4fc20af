import { describe, expect, it } from 'vitest';
import * as dl from 'distlab';
import { CausalOrder } from '../src/figures/space-time-diagram';
import { longTrace, smallTrace } from './fixtures/traces';
import { latencySamplesMs, simulatedAvailability } from './fixtures/figure-inputs';

type Layer = { data?: { values: Record<string, unknown>[] }; mark: { type: string; shape?: string } | string; encoding?: Record<string, { field?: string }> };
const layers = (f: dl.Figure) => f.spec.layer as Layer[];
const markType = (l: Layer) => (typeof l.mark === 'string' ? l.mark : l.mark.type);
const count = (svg: string, pattern: RegExp) => (svg.match(pattern) ?? []).length;

describe('course maths', () => {
  it('binomial availability matches the formula and the majority rule', () => {
    expect(dl.majorityQuorum(3)).toBe(2);
    expect(dl.majorityQuorum(4)).toBe(3);
    expect(dl.binomialAvailability(1, 0.9)).toBeCloseTo(0.9, 12);
    // 3 nodes, 2 needed: p^3 + 3p^2(1-p)
    expect(dl.binomialAvailability(3, 0.9)).toBeCloseTo(0.729 + 3 * 0.81 * 0.1, 12);
    expect(dl.binomialAvailability(5, 0.99)).toBeCloseTo(0.99999015, 8);
  });

  it('fan-out: 1% slow backends make 63% of 100-way requests slow', () => {
    expect(dl.fanoutSlowProbability(0.01, 100)).toBeCloseTo(0.634, 3);
    expect(dl.fanoutSlowProbability(0.01, 1)).toBeCloseTo(0.01, 12);
  });

  it('call chains: 50 × 2 ms = 100 ms, 10 ms batched, 2 ms parallel', () => {
    const t = dl.callChainTimings();
    expect([t.sequentialMs, t.batchedMs, t.parallelMs]).toEqual([100, 10, 2]);
    expect(t.spans.filter((s) => s.strategy === 'batched')).toHaveLength(5);
  });

  it('percentiles are nearest-rank', () => {
    const samples = Array.from({ length: 100 }, (_, i) => i + 1);
    expect([dl.percentile(samples, 50), dl.percentile(samples, 95), dl.percentile(samples, 99)]).toEqual([50, 95, 99]);
  });

  it('Kubernetes: NotReady at 40 s before v1.32, 50 s from v1.32; eviction 300 s later', () => {
    expect(dl.kubeNodeFailureTimes('v1.31')).toMatchObject({ notReadyS: 40, evictionS: 340 });
    expect(dl.kubeNodeFailureTimes('v1.32')).toMatchObject({ notReadyS: 50, evictionS: 350 });
  });
});

describe('pictures', () => {
  it('availability chart: closed-form lines equal the binomial formula, points carry their intervals', () => {
    const f = dl.availabilityChart(simulatedAvailability());
    const lines = layers(f).find((l) => markType(l) === 'line')!.data!.values as { nodeCount: number; p: number; availability: number }[];
    expect(new Set(lines.map((l) => l.nodeCount))).toEqual(new Set([1, 3, 5, 7]));
    for (const point of lines) expect(point.availability).toBeCloseTo(dl.binomialAvailability(point.nodeCount, point.p), 8);
    const rules = layers(f).find((l) => markType(l) === 'rule')!.data!.values as { low: number; high: number }[];
    expect(rules).toHaveLength(20);
    for (const r of rules) expect(r.low).toBeLessThanOrEqual(r.high);
    expect(f.svg()).toContain('n = 7 (needs 4 up)');
  });

  it('space-time diagram: one arrow per delivered message, a cross per drop, partition shaded', () => {
    const trace = smallTrace();
    const f = dl.spaceTimeDiagram(trace);
    const delivered = trace.filter((e) => e.type === 'deliver').length;
    const dropped = trace.filter((e) => e.type === 'drop').length;
    const arrows = layers(f).find((l) => markType(l) === 'rule' && l.encoding?.stroke)!.data!.values as { outcome: string }[];
    expect(arrows.filter((a) => a.outcome === 'delivered')).toHaveLength(delivered);
    expect(arrows.filter((a) => a.outcome === 'dropped')).toHaveLength(dropped);
    const heads = layers(f).find((l) => typeof l.mark === 'object' && l.mark.shape === 'triangle-up')!.data!.values;
    expect(heads).toHaveLength(delivered);
    const intervals = layers(f).find((l) => markType(l) === 'rect')!.data!.values as { kind: string }[];
    expect(intervals.map((i) => i.kind).sort()).toEqual(['crashed', 'partitioned']);
    const svg = f.svg();
    // Every lane is labelled, the drop is drawn as a cross symbol, the stamps are printed.
    for (const node of ['a', 'b', 'c']) expect(svg).toContain(`>${node}</text>`);
    expect(svg).toContain('1 dropped');
    expect(svg).toContain('>L11<');
    expect(f.summary).toContain('5 delivered, 1 dropped');
  });

  it('space-time diagram accepts { events } and an object with events()', () => {
    const trace = smallTrace();
    expect(dl.spaceTimeDiagram({ events: trace }).summary).toBe(dl.spaceTimeDiagram(trace).summary);
    expect(dl.spaceTimeDiagram({ events: () => trace }).summary).toBe(dl.spaceTimeDiagram(trace).summary);
  });

  it('space-time diagram: causal past and concurrency follow happened-before', () => {
    const trace = smallTrace();
    const order = new CausalOrder(trace);
    // #13 is b's delivery of a's retry; its past includes a's first put and b's ack.
    const past = order.pastOf(13);
    expect([...past].sort((x, y) => x - y)).toEqual([0, 1, 2, 4, 6, 8, 10, 11]);
    // c's local tick during the partition is concurrent with everything a and b did after the split.
    const concurrent = order.concurrentWith(12);
    expect(concurrent.has(11)).toBe(true);
    expect(concurrent.has(3)).toBe(false);
    const f = dl.spaceTimeDiagram(trace, { causalPastOf: 13 });
    expect(f.svg()).toContain('the 8 events that happened before event #13');
  });

  it('space-time diagram: above eventsMax it says it is a summary, and counts every event', () => {
    const trace = longTrace(400);
    const f = dl.spaceTimeDiagram(trace);
    expect(f.svg()).toContain(`SUMMARY VIEW: ${trace.length} events &gt; eventsMax 300`);
    expect(f.summary).toContain('summary');
    const cells = layers(f)[0].data!.values as { events: number }[];
    expect(cells.reduce((sum, c) => sum + c.events, 0)).toBe(trace.length);
    // A window below the threshold draws every event again.
    const zoomed = dl.spaceTimeDiagram(trace, { fromMs: 0, toMs: 100 });
    expect(zoomed.summary).not.toContain('summary');
    expect(zoomed.svg()).toContain('window 0..100 ms');
  });

  it('latency CDF marks p50, p95 and p99 at the nearest-rank values', () => {
    const samples = latencySamplesMs();
    const svg = dl.latencyCdf(samples).svg();
    for (const q of [50, 95, 99]) expect(svg).toContain(`p${q} = ${dl.formatDurationMs(dl.percentile(samples, q))}`);
    const hist = dl.latencyHistogram(samples);
    const bins = layers(hist)[0].data!.values as { count: number }[];
    expect(bins.reduce((s, b) => s + b.count, 0)).toBe(samples.length);
  });

  it('call-chain timeline labels 100 ms, 10 ms and 2 ms', () => {
    const svg = dl.callChainTimeline().svg();
    for (const label of ['>100 ms<', '>10 ms (10× faster)<', '>2 ms (50× faster)<']) expect(svg.includes(label), label).toBe(true);
  });

  it('skew story: the hedge is stamped before its trade, Lamport puts it after', () => {
    const f = dl.clockSkewStory();
    expect(f.summary).toContain('hedge stamped -40 ms');
    expect(f.svg()).toContain('stamped 40 ms BEFORE its trade');
    expect(dl.clockSkewStory({ skewMs: 2 }).svg()).toContain('order preserved');
  });

  it('clock offsets: syncs step the clock back to its residual', () => {
    const data = dl.driftingClockOffsets({ clocks: [{ node: 'x', driftPpm: 100, syncResidualMs: 1 }], hours: 2, syncIntervalMin: 60 });
    expect(data.syncs).toHaveLength(1);
    const atSync = data.samples.filter((s) => s.timeMs === 3_600_000).map((s) => s.offsetMs);
    expect(atSync).toEqual([360, 1]); // 100 ppm × 1 h = 360 ms, then stepped to 1 ms
    expect(dl.clockOffsetChart(data).svg().includes('true time (h)')).toBe(true);
  });

  it('CP/AP: CP never stale, AP always served', () => {
    const { rows } = dl.partitionOutcomes();
    for (const r of rows.filter((x) => x.mode.startsWith('CP'))) expect(r.staleFraction).toBe(0);
    for (const r of rows.filter((x) => x.mode.startsWith('AP'))) expect(r.servedFraction).toBe(1);
    const longest = rows.filter((x) => x.partitionMs === 600_000);
    expect(longest.find((x) => x.mode.startsWith('CP'))!.servedFraction).toBeCloseTo(0.6, 9);
  });

  it('every figure has a title, axis titles and an SVG', () => {
    for (const f of [dl.fanoutTailChart(), dl.pacelcChart(dl.replicationTradeoff().rows), dl.kubeNodeFailureTimeline(), dl.cpApChart(dl.partitionOutcomes().rows)]) {
      const svg = f.svg();
      // Booleans, not the SVG itself, so a failure does not print 50 kB of markup.
      expect(svg.startsWith('<svg'), f.summary).toBe(true);
      expect(svg.includes('role-title-text'), `title in ${f.summary}`).toBe(true);
      expect(svg.includes('role-axis-title'), `axis title in ${f.summary}`).toBe(true);
      expect(svg.includes('role-legend'), `legend in ${f.summary}`).toBe(true);
    }
  });
});

describe('tables', () => {
  it('renders HTML and text, escapes, and says when rows are hidden', () => {
    const t = dl.table(
      [
        { failure: 'crash', ok: 95, timeout: 5 },
        { failure: '<partition>', ok: 60, timeout: 40 }
      ],
      { title: 'Request outcomes per failure mode', rowsMax: 1 }
    );
    const bundle = t.toMimeBundle();
    expect(Object.keys(bundle.data).sort()).toEqual(['text/html', 'text/plain']);
    expect(t.html()).toContain('<th style="text-align:right">ok</th>');
    expect(t.html()).not.toContain('<partition>');
    expect(t.text()).toContain('1 more rows not shown (rowsMax = 1)');
  });

  it('tables and console outputs are HTML MathJax leaves alone: two $ in a caption stay text', () => {
    const root = (html: string) => /^<(\w+) class="([^"]*)"/.exec(html)?.slice(1) ?? [];
    const t = dl.table([{ side: 'US', balance: -100 }], { caption: 'Two $100 withdrawals from $100' });
    const consoleHtml = dl.consoleOutput('kubectl get pods', 'NAME  AGE\nweb-1 $5s').toMimeBundle().data['text/html'] as string;
    for (const [tag, classes] of [root(t.html()), root(consoleHtml)]) {
      expect(tag).toMatch(/^(table|div)$/);
      expect(classes.split(' ')).toEqual(expect.arrayContaining(['mathjax_ignore', 'tex2jax_ignore']));
    }
    expect(t.html()).toContain('Two $100 withdrawals from $100');
  });
});

describe('options', () => {
  it('bad options raise the house error', () => {
    expect(() => dl.spaceTimeDiagram(smallTrace(), { axis: 'wall' as never })).toThrow('invalid axis: "wall" (expected one of time, lamport, order)');
    expect(() => dl.spaceTimeDiagram(smallTrace(), { causalPastOf: 99 })).toThrow(/invalid causalPastOf: 99/);
    expect(() => dl.spaceTimeDiagram(smallTrace(), { colour: 1 } as never)).toThrow(/unknown option in spaceTimeDiagram: colour/);
    expect(() => dl.availabilityChart([], { nodeCounts: [0] })).toThrow('invalid nodeCounts[0]: 0 (expected an integer 1..101)');
    expect(() => dl.fanoutTailChart({ slowProbabilities: [1.5] })).toThrow('invalid slowProbabilities[0]: 1.5 (expected 0..1)');
    expect(() => dl.callChainTimeline({ callMs: -2 })).toThrow(/invalid callMs: -2/);
    expect(() => dl.latencyHistogram([])).toThrow(/invalid samplesMs/);
    expect(() => dl.kubeNodeFailureTimeline({ versions: ['v1.30' as never] })).toThrow(/invalid versions\[0\]: "v1.30"/);
    expect(() => dl.clockSkewStory({ skewMs: -1 })).toThrow(/invalid skewMs: -1/);
    expect(() => dl.table([{ a: 1 }], { rowsMax: 0 })).toThrow(/invalid rowsMax: 0/);
  });
});

describe('a figure as a cell\'s last expression', () => {
  it('prints its text summary outside a kernel', async () => {
    const { inspect } = await import('util');
    const f = dl.callChainTimeline();
    expect(inspect(f)).toBe(f.summary);
    expect(String(f)).toBe(f.summary);
  });
});

describe('measuring this machine', () => {
  it('measures four real operations in plausible ranges', async () => {
    const rows = await dl.measureThisMachine({ rounds: 3, tcpRoundTrips: 50 });
    expect(rows.map((r) => r.operation)).toHaveLength(4);
    for (const r of rows) expect(r.latencyNs).toBeGreaterThan(0);
    const byName = Object.fromEntries(rows.map((r) => [r.operation.split(' ')[0], r.latencyNs]));
    expect(byName.Function).toBeLessThan(1000);
    expect(byName.Loopback).toBeGreaterThan(byName.Function);
    expect(dl.latencyNumbersChart({ measured: rows }).summary).toContain('(measured)');
  });
});
