import { describe, expect, it } from 'vitest';
import { DistlabLimitError, simulation } from 'distlab';

/** Two nodes; every delivery sends `fanout` messages back: the queue grows by fanout − 1 per event. */
function storm(seed: number, fanout: number) {
  const sim = simulation({ seed, trace: false });
  const spec = {
    start(ctx: any) { if (ctx.node === 'a') ctx.send('b', 'x'); },
    onMessage(ctx: any, msg: any) { for (let i = 0; i < fanout; i++) ctx.send(msg.from, 'x'); }
  };
  sim.nodesOf(['a', 'b'], spec);
  return sim;
}

describe('inFlightMax: what is pending is bounded as well as what is processed', () => {
  it('a handler that sends 1,000 messages per delivery stops at the default bound with the time and the seed', () => {
    const sim = storm(42, 1000);
    const started = process.hrtime.bigint();
    let error: unknown;
    try {
      sim.run();
    } catch (e) {
      error = e;
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    expect(error).toBeInstanceOf(DistlabLimitError);
    const message = (error as Error).message;
    expect(message).toMatch(/^inFlightMax exceeded: 100000 events pending at t=0\.\d+ ms /);
    expect(message).toContain('raise run({ inFlightMax }) above 100000');
    expect(message).toMatch(/\(seed=42\)$/);
    expect((error as DistlabLimitError).seed).toBe(42);
    // Far below eventsMax: 101 deliveries filled the queue.
    expect(sim.stats.events).toBeLessThan(200);
    expect(seconds).toBeLessThan(5);
  });

  it('the bound is exact, replays by seed, and a run that needs more passes with a larger bound', () => {
    const message = (seed: number) => {
      try {
        storm(seed, 10).run({ inFlightMax: 500 });
      } catch (e) {
        return (e as Error).message;
      }
      return 'no error';
    };
    expect(message(7)).toMatch(/^inFlightMax exceeded: 500 events pending at t=/);
    expect(message(7)).toBe(message(7));
    // 300 nodes broadcast at once: 89,700 messages in flight, under the default.
    const names = Array.from({ length: 300 }, (_, i) => `n${i}`);
    const wide = simulation({ seed: 1, trace: false });
    wide.nodesOf(names, { start(ctx) { ctx.broadcast('hello'); } });
    expect(wide.run().events).toBe(300 + 300 * 299);
    const tight = simulation({ seed: 1, trace: false });
    tight.nodesOf(names, { start(ctx) { ctx.broadcast('hello'); } });
    expect(() => tight.run({ inFlightMax: 50_000 })).toThrow(/inFlightMax exceeded: 50000 events pending at t=0 ms/);
  });

  it('what is pending when run() starts counts; outside run() scheduling is the caller\'s own', () => {
    const sim = simulation({ seed: 3 });
    sim.node('a', {});
    for (let i = 0; i < 2000; i++) sim.at(i, () => {});
    expect(() => sim.run({ inFlightMax: 1000 })).toThrow(/inFlightMax exceeded: 2001 events pending at t=0 ms/);
    const ok = simulation({ seed: 3 });
    ok.node('a', {});
    ok.run({ inFlightMax: 10 });
    for (let i = 0; i < 2000; i++) ok.at(i, () => {}); // after a run: not bounded by the last run's option
    expect(ok.run({ inFlightMax: 5000 }).events).toBe(2000);
  });

  it('rejects a bad bound before the run', () => {
    expect(() => storm(1, 1).run({ inFlightMax: 0 })).toThrow('invalid inFlightMax: 0 (expected an integer 1..9007199254740991)');
    expect(() => storm(1, 1).run({ inFlightMax: 1.5 })).toThrow('invalid inFlightMax: 1.5');
  });
});
