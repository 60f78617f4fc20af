import { describe, expect, it } from 'vitest';
import * as dl from 'distlab';
import type { TraceEvent } from 'distlab';
import { laneStateAt, MIME_PLOTLY, PlotlyFigureJson, ReplayMeta, spaceTimeReplay } from '../src/figures/space-time-replay';
import { CausalOrder } from '../src/trace/causality';
import { longTrace, smallTrace } from './fixtures/traces';

const metaOf = (fig: PlotlyFigureJson) => (fig.layout.meta as { distlabReplay: ReplayMeta }).distlabReplay;

/** Nodes declared as c, a, b; who speaks first depends on the seed. */
function gossip(seed: number, untilMs = 60) {
  const sim = dl.simulation({ seed, network: { latency: dl.uniformLatency({ minMs: 1, maxMs: 6 }), dropProbability: 0.1 } });
  sim.nodesOf(['c', 'a', 'b'], {
    state: () => ({ count: 0 }),
    start: (ctx) => ctx.setTimer('gossip', 10 * ctx.random()),
    onTimer: (ctx) => {
      ctx.state.count++;
      ctx.broadcast('count', ctx.state.count);
      ctx.setTimer('gossip', 10);
    },
    onMessage: (ctx, msg) => {
      ctx.state.count = Math.max(ctx.state.count, msg.body);
    }
  });
  sim.crash('b', { atMs: 35 });
  sim.run({ untilMs });
  return sim;
}

/** Happened-before by reachability: program order on each node, send → deliver. Independent of stamps. */
function oracle(events: readonly TraceEvent[]) {
  const next = new Map<number, number[]>();
  const prev = new Map<number, number[]>();
  const link = (a: number, b: number) => {
    next.set(a, [...(next.get(a) ?? []), b]);
    prev.set(b, [...(prev.get(b) ?? []), a]);
  };
  const lastOn = new Map<string, number>();
  const sendOf = new Map<number, number>();
  for (const e of events) {
    const last = lastOn.get(e.node);
    if (last !== undefined) link(last, e.seq);
    lastOn.set(e.node, e.seq);
    if (e.type === 'send' && e.msgId !== undefined) sendOf.set(e.msgId, e.seq);
    if (e.type === 'deliver' && e.msgId !== undefined && sendOf.has(e.msgId)) link(sendOf.get(e.msgId) as number, e.seq);
  }
  const reach = (seq: number, edges: Map<number, number[]>) => {
    const seen = new Set<number>();
    const stack = [...(edges.get(seq) ?? [])];
    while (stack.length) {
      const s = stack.pop() as number;
      if (seen.has(s)) continue;
      seen.add(s);
      stack.push(...(edges.get(s) ?? []));
    }
    return seen;
  };
  return { past: (seq: number) => reach(seq, prev), future: (seq: number) => reach(seq, next) };
}

/** The vector rule the page applies to the figure's stamps (componentwise ≤, ties broken by program order). */
function pastFromStamps(meta: ReplayMeta, seq: number): Set<number> {
  const { seqs, lanes, vectors } = meta.causal;
  const i = seqs.indexOf(seq);
  const before = (a: number, b: number) =>
    vectors[a].every((v, k) => v <= vectors[b][k]) && (vectors[a].some((v, k) => v !== vectors[b][k]) || (lanes[a] === lanes[b] && seqs[a] < seqs[b]));
  return new Set(seqs.filter((_, j) => j !== i && before(j, i)));
}

describe('space-time replay (plotly frames)', () => {
  it('frames are in ascending time, bounded, and the curtain and cursor sit at each frame\'s time', () => {
    const fig = spaceTimeReplay(gossip(7).trace);
    const meta = metaOf(fig);
    expect(fig.frames.length).toBe(meta.frameTimes.length);
    expect(fig.frames.length).toBeGreaterThan(50);
    expect(fig.frames.length).toBeLessThanOrEqual(240);
    for (let k = 1; k < meta.frameTimes.length; k++) expect(meta.frameTimes[k]).toBeGreaterThan(meta.frameTimes[k - 1]);
    fig.frames.forEach((frame, k) => {
      expect(frame.name).toBe(String(k));
      // No lane states: a frame moves only the curtain, the cursor and the messages in flight.
      expect(frame.traces).toEqual([meta.traces.curtain, meta.traces.cursor, meta.traces.moving]);
      expect((frame.data[0].x as number[])[0]).toBe(meta.frameTimes[k]);
      expect(frame.data[1].x).toEqual([meta.frameTimes[k], meta.frameTimes[k]]);
    });
  });

  it('a message in flight moves along its arrow: its marker interpolates between send and receive', () => {
    const sim = gossip(7);
    const events = sim.trace.events();
    const fig = spaceTimeReplay(sim.trace);
    const meta = metaOf(fig);
    const lanes = meta.lanes;
    const delivered = events.filter((e) => e.type === 'deliver').map((d) => ({ d, s: events.find((e) => e.type === 'send' && e.msgId === d.msgId) as TraceEvent }));
    expect(delivered.length).toBeGreaterThan(10);
    let checked = 0;
    fig.frames.forEach((frame, k) => {
      const t = meta.frameTimes[k];
      const moving = frame.data[2] as { x: number[]; y: number[] };
      // Times as the figure carries them (4 decimals): a message sent exactly at a frame's time travels in it.
      const at = (e: TraceEvent) => Number(e.timeMs.toFixed(4));
      const inFlight = events.filter((s) => s.type === 'send' && at(s) <= t && !events.some((e) => (e.type === 'deliver' || e.type === 'drop') && e.msgId === s.msgId && at(e) <= t));
      // Every end of a message is one marker: a broadcast's copies and a duplicate each travel.
      const ends = events.filter((e) => (e.type === 'deliver' || e.type === 'drop') && inFlight.some((s) => s.msgId === e.msgId) && at(e) > t);
      const neverEnding = inFlight.filter((s) => !events.some((e) => (e.type === 'deliver' || e.type === 'drop') && e.msgId === s.msgId));
      expect(moving.x.length).toBe(ends.length + neverEnding.length);
      for (const { d, s } of delivered) {
        const x1 = Number(s.timeMs.toFixed(4));
        const x2 = Number(d.timeMs.toFixed(4));
        if (!(x1 <= t && t < x2)) continue;
        const lane1 = lanes.indexOf(s.node);
        const lane2 = lanes.indexOf(d.node);
        const expected = lane1 + ((lane2 - lane1) * (t - x1)) / (x2 - x1);
        const found = moving.x.some((x, i) => Math.abs(x - t) < 1e-3 && Math.abs(moving.y[i] - expected) < 1e-3);
        expect(found, `message #${s.msgId} at t=${t}`).toBe(true);
        checked++;
      }
    });
    expect(checked).toBeGreaterThan(20);
  });

  it('keeps the lanes in the order the scenario declares its nodes, whatever the seed', () => {
    const firstSpeakers = new Set<string>();
    for (let seed = 1; seed <= 12; seed++) {
      const sim = gossip(seed);
      firstSpeakers.add(sim.trace.events()[0].node);
      const fig = spaceTimeReplay(sim.trace);
      expect(metaOf(fig).lanes).toEqual(['c', 'a', 'b']);
      expect((fig.layout.yaxis as { ticktext: string[] }).ticktext).toEqual(['<b>c</b>', '<b>a</b>', '<b>b</b>']);
    }
    // The test means something only if first appearance would have reordered the lanes.
    expect(firstSpeakers.size).toBeGreaterThan(1);
  });

  it('shows each lane\'s state at the current time, as the state intervals say', () => {
    const changes = [
      { lane: 'c', state: 'leader', timeMs: 0 },
      { lane: 'a', state: 'follower', timeMs: 0 },
      { lane: 'b', state: 'follower', timeMs: 5 },
      { lane: 'c', state: 'down', timeMs: 20 },
      { lane: 'a', state: 'candidate', timeMs: 24.5 },
      { lane: 'a', state: 'leader', timeMs: 31 },
      { lane: 'b', state: 'crashed', timeMs: 35 }
    ];
    const intervals = dl.stateIntervalsFromChanges(changes, 50);
    const fig = spaceTimeReplay(gossip(3).trace, { laneStates: intervals });
    const meta = metaOf(fig);
    const seen = new Set<string>();
    fig.frames.forEach((frame, k) => {
      const t = meta.frameTimes[k];
      const text = frame.data[3].text as string[];
      const expected = meta.lanes.map((lane) => intervals.find((i) => i.lane === lane && i.startMs <= t && t < i.endMs)?.state ?? '');
      expect(text).toEqual(expected);
      text.forEach((s) => seen.add(s));
    });
    expect([...seen].sort()).toEqual(['', 'candidate', 'crashed', 'down', 'follower', 'leader']);
    // A band per state under the lanes, named in the legend.
    const bands = fig.data.filter((d) => d.legendrank === 1).map((d) => d.name);
    expect(bands).toEqual([...new Set(intervals.map((i) => i.state))]);
    // A counter has many values: its bands alternate two tones, one legend entry, the text says the value.
    const counter = Array.from({ length: 12 }, (_, i) => ({ lane: 'a', state: `count ${i}`, timeMs: i * 4 }));
    const counted = spaceTimeReplay(gossip(3).trace, { laneStates: dl.stateIntervalsFromChanges(counter, 50) });
    const tones = counted.data.filter((d) => d.legendrank === 1);
    expect(tones.map((d) => [d.name, d.showlegend])).toEqual([['lane state', true], ['lane state', false]]);
    expect((tones[0].x as (number | null)[]).filter((x) => x === null)).toHaveLength(6);
    expect(laneStateAt(intervals, ['a'], 31)).toEqual(['leader']);
  });

  it('the stamps a click reads give exactly the happened-before past and future', () => {
    for (const seed of [1, 2, 7]) {
      const sim = gossip(seed);
      const events = sim.trace.events();
      const hb = oracle(events);
      const meta = metaOf(spaceTimeReplay(sim.trace));
      expect(meta.causal.seqs).toEqual(events.filter((e) => e.type !== 'partition' && e.type !== 'heal').map((e) => e.seq));
      const order = new CausalOrder(events);
      for (const seq of meta.causal.seqs) {
        expect(pastFromStamps(meta, seq)).toEqual(hb.past(seq));
        // The same as the library's own happened-before (trace/causality).
        expect(pastFromStamps(meta, seq)).toEqual(order.pastOf(seq));
        const future = new Set(meta.causal.seqs.filter((other) => other !== seq && pastFromStamps(meta, other).has(seq)));
        expect(future).toEqual(hb.future(seq));
      }
    }
  });

  it('hover text names node, virtual time, physical clock, Lamport and vector stamps', () => {
    const sim = dl.simulation({ seed: 2, clocks: { offsetMsMax: 3 } });
    sim.nodesOf(['a', 'b'], { start: (ctx) => ctx.send(ctx.peers[0], 'hello <b>') });
    sim.run({ untilMs: 20 });
    const deliver = sim.trace.events().find((e) => e.type === 'deliver' && e.node === 'b') as TraceEvent;
    const fig = spaceTimeReplay(sim.trace);
    const trace = fig.data.find((d) => d.name === 'deliver') as { hovertemplate: string; customdata: unknown[][] };
    const fields = trace.customdata.find((c) => c[0] === deliver.seq) as unknown[];
    const text = trace.hovertemplate.replace(/%\{customdata\[(\d)\]\}/g, (_, i) => String(fields[Number(i)])).replace('<extra></extra>', '');
    expect(text).toContain('node b');
    expect(text).toContain(`virtual time ${Number(deliver.timeMs.toFixed(3))} ms`);
    expect(text).toContain(`physical clock ${Number(deliver.clockMs.toFixed(3))} ms`);
    expect(deliver.clockMs).not.toBe(deliver.timeMs);
    expect(text).toContain(`Lamport ${deliver.lamport}`);
    expect(text).toContain(`vector [a:${deliver.vector.a} b:${deliver.vector.b}]`);
    // The learner's label is text, not markup.
    expect(text).toContain('hello &lt;b&gt;');
  });

  it('labels arrows with their message type where types differ, without overlapping labels', () => {
    const om = dl.oralMessages({ n: 4, traitors: ['L2'], order: 'attack', seed: 1 });
    const fig = spaceTimeReplay(om.trace, { laneHeightPx: 40 });
    const meta = metaOf(fig);
    const labels = fig.data[meta.traces.labels] as { x: number[]; y: number[]; text: string[] };
    expect(labels.text.length).toBeGreaterThan(3);
    expect(new Set(labels.text).size).toBeGreaterThan(1);
    const [xMin, xMax] = (fig.layout.xaxis as { range: number[] }).range;
    const box = (i: number) => {
      const cx = ((labels.x[i] - xMin) / (xMax - xMin)) * 640;
      const cy = (labels.y[i] + 0.5) * 40;
      const half = (labels.text[i].length * 5.8) / 2;
      return { l: cx - half, r: cx + half, t: cy - 14, b: cy - 2 };
    };
    for (let i = 0; i < labels.text.length; i++) {
      for (let j = i + 1; j < labels.text.length; j++) {
        const a = box(i);
        const b = box(j);
        expect(a.l < b.r && a.r > b.l && a.t < b.b && a.b > b.t, `${labels.text[i]} / ${labels.text[j]}`).toBe(false);
      }
    }
    // One kind of message everywhere: named once in the legend instead of on every arrow.
    const gossipFig = spaceTimeReplay(gossip(7).trace);
    expect((gossipFig.data[metaOf(gossipFig).traces.labels] as { text: string[] }).text).toEqual([]);
    expect(gossipFig.data.map((d) => d.name)).toContain('count: delivered');
  });

  it('is plain JSON, byte for byte the same for the same trace, and small', () => {
    const a = JSON.stringify(spaceTimeReplay(gossip(7).trace));
    const b = JSON.stringify(spaceTimeReplay(gossip(7).trace));
    expect(a).toBe(b);
    expect(JSON.stringify(JSON.parse(a))).toBe(a);
    expect(a).not.toMatch(/NaN|Infinity|function/);
    // 300 events: frames stay bounded and the output message stays well under a megabyte.
    const long = spaceTimeReplay(longTrace(150, ['n1', 'n2', 'n3', 'n4', 'n5']));
    expect(long.frames.length).toBeLessThanOrEqual(240);
    expect(JSON.stringify(long).length).toBeLessThan(400_000);
  });

  it('beyond eventsMax the replay is off and says why; bad options get clear errors', () => {
    const big = spaceTimeReplay(longTrace(1200), { eventsMax: 1000 });
    expect(big.frames).toEqual([]);
    expect(metaOf(big).off).toBe('2400 events > eventsMax 1000: narrow fromMs/toMs to replay a window');
    const windowed = spaceTimeReplay(longTrace(1200), { eventsMax: 1000, fromMs: 0, toMs: 100 });
    expect(metaOf(windowed).off).toBeNull();
    expect(() => spaceTimeReplay(smallTrace(), { framesMax: 1 })).toThrow('invalid framesMax: 1 (expected an integer 2..600)');
    expect(() => spaceTimeReplay(smallTrace(), { laneStates: [{ lane: 'z', state: 'up', startMs: 0, endMs: 1 }] })).toThrow('invalid laneStates[0].lane: "z" (expected a lane of the diagram (a, b, c))');
    expect(() => spaceTimeReplay(smallTrace(), { axis: 'lamport', laneStates: [{ lane: 'a', state: 'up', startMs: 0, endMs: 1 }] })).toThrow('lane states only with axis "time"');
    expect(() => spaceTimeReplay(smallTrace(), { focusSeq: 99 })).toThrow('invalid focusSeq: 99');
    expect(() => spaceTimeReplay(smallTrace(), { colour: 'red' } as never)).toThrow(/colour/);
  });

  it('replays on the Lamport axis too: frames step through logical time, the readout has no unit', () => {
    const sim = gossip(5);
    const events = sim.trace.events();
    const last = events.filter((e) => e.type === 'deliver').slice(-1)[0];
    const fig = spaceTimeReplay(sim.trace, { axis: 'lamport', focusSeq: last.seq });
    const meta = metaOf(fig);
    expect([meta.axis, meta.unit, meta.focusSeq]).toEqual(['lamport', '', last.seq]);
    const lamports = events.filter((e) => e.type !== 'partition' && e.type !== 'heal').map((e) => e.lamport);
    expect(meta.frameTimes[0]).toBe(Math.min(...lamports));
    expect(meta.frameTimes[meta.frameTimes.length - 1]).toBe(Math.max(...lamports));
    // A message travels from its send's Lamport stamp to its delivery's.
    const [, , x1, , x2] = meta.messages.find((m) => m[1] >= 0) as number[];
    const send = events.find((e) => e.seq === meta.messages.find((m) => m[1] >= 0)?.[0]) as TraceEvent;
    expect(x1).toBe(send.lamport);
    expect(x2).toBeGreaterThan(x1);
  });

  it('snapshot of the small trace\'s replay', async () => {
    const fig = spaceTimeReplay(smallTrace(), { focusSeq: 13, framesMax: 12 });
    await expect(JSON.stringify(fig, null, 1)).toMatchFileSnapshot('__snapshots__/space-time-replay.json');
  });

  it('a space-time diagram\'s bundle carries the replay beside Vega-Lite, SVG and text', () => {
    const bundle = dl.spaceTimeDiagram(gossip(7).trace).toMimeBundle();
    expect(Object.keys(bundle.data).sort()).toEqual([MIME_PLOTLY, 'application/vnd.vegalite.v5+json', 'image/svg+xml', 'text/plain'].sort());
    const replay = bundle.data[MIME_PLOTLY] as PlotlyFigureJson;
    expect(metaOf(replay).lanes).toEqual(['c', 'a', 'b']);
    // The static diagram (what reports show) has the same lanes in the same order.
    const spec = JSON.stringify(dl.spaceTimeDiagram(gossip(7).trace).spec);
    expect(spec).toContain(JSON.stringify(JSON.stringify(['c', 'a', 'b'])).slice(1, -1));
    // Lane states and the highlighted event reach the replay through the diagram's options.
    const states = [{ lane: 'a', state: 'leader', startMs: 0, endMs: 60 }];
    const focused = dl.spaceTimeDiagram(gossip(7).trace, { laneStates: states, causalPastOf: 20 }).toMimeBundle().data[MIME_PLOTLY] as PlotlyFigureJson;
    expect(metaOf(focused).focusSeq).toBe(20);
    expect(focused.data.map((d) => d.name)).toContain('leader');
    expect(() => dl.spaceTimeDiagram(gossip(7).trace, { laneStates: [{ lane: 'z', state: 'up', startMs: 0, endMs: 1 }] })).toThrow('invalid laneStates[0].lane: "z" (expected a lane of the diagram (c, a, b))');
    // The summary view (too many events to draw one by one) has no replay.
    const summary = dl.spaceTimeDiagram(longTrace(400)).toMimeBundle();
    expect(Object.keys(summary.data)).not.toContain(MIME_PLOTLY);
  });
});
