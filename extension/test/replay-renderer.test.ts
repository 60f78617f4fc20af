import { describe, expect, it } from 'vitest';
import * as dl from 'distlab';
import type { TraceEvent } from 'distlab';
import { causalSets } from '../src/replay-renderer/causal';
import { ALLOWED_TRACE_TYPES, PLOTLY_CONFIG, sanitizeFigure } from '../src/replay-renderer/sanitize';
import { spaceTimeReplay, type ReplayMeta } from '../../kernel-lib/src/figures/space-time-replay';

/** Happened-before by reachability over program order and send → deliver: the oracle. */
function reachability(events: readonly TraceEvent[]) {
  const prev = new Map<number, number[]>();
  const lastOn = new Map<string, number>();
  const sendOf = new Map<number, number>();
  const link = (a: number, b: number) => prev.set(b, [...(prev.get(b) ?? []), a]);
  for (const e of events) {
    if (lastOn.has(e.node)) link(lastOn.get(e.node) as number, e.seq);
    lastOn.set(e.node, e.seq);
    if (e.type === 'send' && e.msgId !== undefined) sendOf.set(e.msgId, e.seq);
    if (e.type === 'deliver' && e.msgId !== undefined && sendOf.has(e.msgId)) link(sendOf.get(e.msgId) as number, e.seq);
  }
  return (seq: number) => {
    const seen = new Set<number>();
    const stack = [...(prev.get(seq) ?? [])];
    while (stack.length) {
      const s = stack.pop() as number;
      if (!seen.has(s)) seen.add(s), stack.push(...(prev.get(s) ?? []));
    }
    return seen;
  };
}

describe('the page side of a replay', () => {
  it('a click\'s past, future and concurrent sets are exactly happened-before, over seeds, drops and a crash', () => {
    for (const seed of [1, 4, 9]) {
      const sim = dl.simulation({ seed, network: { dropProbability: 0.2, latency: dl.uniformLatency({ minMs: 1, maxMs: 8 }) } });
      sim.nodesOf(['a', 'b', 'c', 'd'], {
        start: (ctx) => ctx.setTimer('tick', 5 * ctx.random()),
        onTimer: (ctx) => {
          ctx.send(ctx.peers[Math.floor(ctx.random() * ctx.peers.length)], 'ping');
          ctx.setTimer('tick', 6);
        }
      });
      sim.crash('d', { atMs: 20 });
      sim.run({ untilMs: 40 });
      const events = sim.trace.events();
      const pastOf = reachability(events);
      const meta = (spaceTimeReplay(sim.trace).layout.meta as { distlabReplay: ReplayMeta }).distlabReplay;
      for (const seq of meta.causal.seqs) {
        const sets = causalSets(meta.causal, seq);
        expect(sets.past).toEqual(pastOf(seq));
        const future = new Set(meta.causal.seqs.filter((s) => pastOf(s).has(seq)));
        expect(sets.future).toEqual(future);
        expect(sets.past.size + sets.future.size + sets.concurrent.size).toBe(meta.causal.seqs.length - 1);
      }
    }
  });

  it('an unknown seq lights nothing', () => {
    expect(causalSets({ seqs: [0], lanes: [0], vectors: [[1]] }, 5)).toEqual({ past: new Set(), future: new Set(), concurrent: new Set() });
  });

  it('draws 2-D traces only and drops layout parts that would load from other sites', () => {
    const figure = sanitizeFigure({
      data: [{ x: [1], y: [2] }, { type: 'bar', x: [1], y: [2] }],
      layout: { images: [{ source: 'https://example.org/x.png' }], mapbox: {}, template: { layout: { images: [{}] }, data: { scattergeo: [{}], scatter: [{}] } } },
      frames: [{ name: '0', data: [{ x: [2] }] }]
    });
    expect(figure.data).toHaveLength(2);
    expect(figure.layout.images).toBeUndefined();
    expect(figure.layout.mapbox).toBeUndefined();
    expect(figure.layout.template).toEqual({ layout: {}, data: { scatter: [{}] } });
    for (const type of ['scattergeo', 'scattermap', 'choropleth', 'image', 'densitymap']) {
      expect(ALLOWED_TRACE_TYPES).not.toContain(type);
      expect(() => sanitizeFigure({ data: [{ type }] })).toThrow(`data[0].type "${type}" is not drawn here`);
    }
    expect(() => sanitizeFigure({ data: [], frames: [{ data: [{ type: 'scattergeo' }] }] })).toThrow('frames[0].data[0].type');
    expect(() => sanitizeFigure('<script>')).toThrow('must be an object');
    // The input object is not the one plotly gets (plotly writes into its data).
    const raw = { data: [{ x: [1] }] };
    expect(sanitizeFigure(raw).data[0]).not.toBe(raw.data[0]);
    expect(PLOTLY_CONFIG).toMatchObject({ displaylogo: false, showSendToCloud: false, typesetMath: false });
  });
});
