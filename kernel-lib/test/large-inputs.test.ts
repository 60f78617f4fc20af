import { describe, expect, it } from 'vitest';
import * as dl from 'distlab';
import { maxOf, minOf } from '../src/core/numbers';

/** Two nodes that bounce one message `messages` times: a trace of 2 × messages events. */
function pingPongTrace(messages: number): dl.Trace {
  const sim = dl.simulation({ seed: 1, network: { latency: 0.5 } });
  const spec: dl.NodeSpec<{ left: number }> = {
    state: () => ({ left: messages }),
    start(ctx) { if (ctx.node === 'a') ctx.send('b', 'ball'); },
    onMessage(ctx, msg) { if (--ctx.state.left > messages / 2) ctx.send(msg.from, 'ball'); }
  };
  sim.nodesOf(['a', 'b'], spec);
  sim.run({ eventsMax: 10 * messages });
  return sim.trace;
}

describe('figures over very large inputs (no spread into Math.min/Math.max)', () => {
  it('minOf/maxOf say what Math.min/Math.max say', () => {
    for (const xs of [[], [3], [2, -1, 7], [1, NaN, 2], [Infinity, -Infinity]]) {
      expect(minOf(xs)).toBe(Math.min(...xs));
      expect(maxOf(xs)).toBe(Math.max(...xs));
    }
    const many = Float64Array.from({ length: 500_000 }, (_, i) => (i * 7919) % 500_000);
    expect(() => Math.min(...many)).toThrow(RangeError);
    expect([minOf(many), maxOf(many)]).toEqual([0, 499_999]);
  });

  it('a space-time diagram of a 300,000-event trace draws its summary view', () => {
    const trace = pingPongTrace(150_000);
    expect(trace.length).toBeGreaterThan(299_990);
    const figure = dl.spaceTimeDiagram(trace);
    expect(figure.summary).toMatch(/SUMMARY VIEW: 299,99\d events > eventsMax 300/);
  });

  it('the clock-offset chart of that trace, and latency figures of 300,000 samples', () => {
    const trace = pingPongTrace(150_000);
    expect(dl.clockOffsetChart(trace).summary).toContain('largest skew');
    const samplesMs = Array.from({ length: 300_000 }, (_, i) => 1 + (i % 1000) / 10);
    expect(dl.latencyHistogram(samplesMs).summary).toContain('p99');
    expect(dl.latencyCdf(samplesMs).summary).toContain('p99');
  });
});
