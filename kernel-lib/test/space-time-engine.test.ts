import { describe, expect, it } from 'vitest';
import * as dl from 'distlab';

/** Three nodes gossip every 10 ms; c is cut off from 30 to 60 ms. */
function gossipRun() {
  const sim = dl.simulation({ seed: 7 });
  for (const name of ['a', 'b', 'c']) {
    sim.node(name, {
      start: (ctx) => ctx.setTimer('gossip', 10),
      onTimer: (ctx) => {
        ctx.send(ctx.peers[Math.floor(ctx.random() * ctx.peers.length)], 'gossip');
        ctx.setTimer('gossip', 10);
      }
    });
  }
  sim.partition(['c'], ['a', 'b'], { atMs: 30, untilMs: 60 });
  sim.run({ untilMs: 100 });
  return sim;
}

describe('space-time diagram of an engine trace', () => {
  it('draws every delivery and drop the engine recorded', () => {
    const sim = gossipRun();
    const events = sim.trace.events();
    const f = dl.spaceTimeDiagram(sim.trace);
    const delivered = events.filter((e) => e.type === 'deliver').length;
    const dropped = events.filter((e) => e.type === 'drop').length;
    expect(dropped).toBeGreaterThan(0);
    expect(f.summary).toContain(`${delivered} delivered, ${dropped} dropped`);
    expect(f.summary).toMatch(/shaded: [1-9]\d* partitioned/);
    expect(f.svg().startsWith('<svg')).toBe(true);
  });
});
