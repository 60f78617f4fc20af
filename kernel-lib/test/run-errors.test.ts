import { describe, expect, it } from 'vitest';
import { DistlabHandlerError, DistlabInputError, LatencyDistribution, simulation } from 'distlab';

/** A learner's own latency distribution: `delaysMs` in turn. */
const custom = (...delaysMs: number[]): LatencyDistribution => {
  let i = 0;
  return { kind: 'custom', medianMs: 1, description: 'custom', sampleMs: () => delaysMs[i++ % delaysMs.length] };
};

const thrown = (f: () => unknown): any => {
  try {
    f();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
};

describe('a latency distribution that draws an impossible delay', () => {
  for (const [delayMs, shown] of [[-3, '-3'], [NaN, 'NaN'], [Infinity, 'Infinity']] as const) {
    it(`names the link, the value ${shown}, the range and the seed`, () => {
      const sim = simulation({ seed: 7 });
      sim.node('a', { start(ctx) { ctx.send('b', 'ping'); } });
      sim.node('b', {});
      sim.link('a', 'b', { latency: custom(1, delayMs), oneWay: true });
      sim.node('c', { start(ctx) { ctx.send('b', 'first'); ctx.send('b', 'second'); } });
      sim.link('c', 'b', { latency: custom(1, delayMs), oneWay: true });
      const error = thrown(() => sim.run());
      expect(error).toBeInstanceOf(DistlabInputError);
      expect(error.message).toBe(`invalid latency from c to b: ${shown} (expected a finite delay >= 0 ms) (seed=7)`);
    });
  }

  it('checks the network duplicate copy too', () => {
    const sim = simulation({ seed: 3, network: { latency: custom(1, -0.5), duplicateProbability: 1 } });
    sim.node('a', { start(ctx) { ctx.send('b', 'ping'); } });
    sim.node('b', {});
    expect(() => sim.run()).toThrow('invalid latency from a to b: -0.5 (expected a finite delay >= 0 ms) (seed=3)');
  });
});

describe('a handler that throws', () => {
  const boomAt = (where: 'start' | 'onMessage' | 'onTimer') => {
    const sim = simulation({ seed: 11, network: { latency: 2 } });
    sim.node('a', {
      start(ctx) {
        ctx.setTimer('tick', 5);
        ctx.send('b', 'ping');
        if (where === 'start') throw new Error('boom');
      },
      onTimer(ctx) {
        ctx.send('b', 'late');
        if (where === 'onTimer') throw new Error('boom');
      }
    });
    sim.node('b', {
      onMessage(ctx, msg) {
        ctx.send(msg.from, 'pong');
        if (where === 'onMessage') throw new Error('boom');
      }
    });
    return sim;
  };

  it('says node, event, virtual time and seed, and keeps the original as cause with its stack', () => {
    const cases = [
      ['start', 'node a in start threw at t=0 ms: Error: boom (seed=11)', 'a', 0],
      ['onMessage', 'node b in onMessage(ping from a) threw at t=2 ms: Error: boom (seed=11)', 'b', 2],
      ['onTimer', 'node a in onTimer(tick) threw at t=5 ms: Error: boom (seed=11)', 'a', 5]
    ] as const;
    for (const [where, message, node, timeMs] of cases) {
      const error = thrown(() => boomAt(where).run());
      expect(error).toBeInstanceOf(DistlabHandlerError);
      expect(error.message).toBe(message);
      expect([error.node, error.timeMs, error.seed]).toEqual([node, timeMs, 11]);
      expect(error.cause).toBeInstanceOf(Error);
      expect(error.cause.message).toBe('boom');
      // The stack starts with the new message, then the frames of the line that threw.
      const frames = error.stack.split('\n');
      expect(frames[0]).toBe(`DistlabHandlerError: ${message}`);
      expect(frames[1]).toContain('run-errors.test.ts');
      expect(error.stack).not.toMatch(/kernel-lib[\\/]src[\\/]simulation/);
      expect(error.cause.stack).toMatch(/kernel-lib[\\/]src[\\/]simulation/);
    }
  });

  it('keeps the statistics true: events counted, time, what is pending; the run can go on', () => {
    const sim = boomAt('onMessage');
    expect(() => sim.run()).toThrow(DistlabHandlerError);
    // start(a) then start(b) then the ping at 2 ms, which threw after sending its pong.
    expect(sim.stats.events).toBe(3);
    expect(sim.timeMs).toBe(2);
    expect(sim.stats.sent).toBe(2);
    expect(sim.pendingEvents).toBe(2); // the timer at 5 ms and the pong at 4 ms
    // The bound of the run does not outlive it: the learner can schedule freely again.
    sim.at(3, () => {});
    expect(sim.pendingEvents).toBe(3);
    const rest = sim.run({ untilMs: 4.5 });
    expect(rest.events).toBe(2);
    expect(sim.stats.events).toBe(5);
  });

  it('names the action or predicate for code that is not a node handler', () => {
    const sim = simulation({ seed: 5 });
    sim.node('a', {});
    sim.at(7, () => { throw new TypeError('bad action'); });
    expect(() => sim.run()).toThrow('an action scheduled with sim.at threw at t=7 ms: TypeError: bad action (seed=5)');
    const other = simulation({ seed: 5 });
    other.node('a', { start(ctx) { ctx.setTimer('t', 1); } });
    expect(() => other.run({ stopWhen: () => { throw 'nope'; } })).toThrow('run({ stopWhen }) threw at t=0 ms: nope (seed=5)');
  });

  it('names a restart and a client request', () => {
    const sim = simulation({ seed: 9 });
    sim.node('a', { start(ctx) { if (ctx.timeMs > 0) throw new Error('boom'); } });
    sim.crash('a', { atMs: 1, restartAfterMs: 2 });
    expect(() => sim.run()).toThrow('node a in start (restart) threw at t=3 ms: Error: boom (seed=9)');
    const served = simulation({ seed: 9 });
    served.node('s', { onMessage() { throw new Error('no'); } });
    served.request('s', 'get', undefined, { atMs: 4 });
    expect(() => served.run()).toThrow('node s in onMessage(get from client) threw at t=4 ms: Error: no (seed=9)');
  });

  it('passes distlab errors through unchanged', () => {
    const sim = simulation({ seed: 2 });
    sim.node('a', { start(ctx) { ctx.send('nobody', 'x'); } });
    const error = thrown(() => sim.run());
    expect(error).toBeInstanceOf(DistlabInputError);
    expect(error.message).toBe('unknown node: nobody (send from a)');
  });
});
