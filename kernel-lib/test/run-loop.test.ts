import { describe, expect, it } from 'vitest';
import { DistlabLimitError } from '../src/core/errors';
import { Engine } from '../src/engine/run-loop';
import { actionSlot, deliverySlot, faultSlot, timerSlot } from '../src/engine/slots';
import { drive, DriveBounds, TestWorld } from './helpers/engine-drive';
import type { Agenda } from '../src/engine/agenda';

/** A world that only writes down what the engine asks of it, at what time. */
class LogWorld implements TestWorld {
  readonly log: string[] = [];
  /** Times of its own events (clock syncs), consumed in order. */
  syncTimesMs: number[] = [];
  /** Deliveries to this node are put off by `holdMs`, once. */
  holdNode = -1;
  holdMs = 0;
  constructor(readonly engine: Engine) {}
  start(node: number): void {
    this.log.push(`${this.engine.nowMs} start ${node}`);
  }
  deliver(to: number, from: number, dropReason: number, duplicate: boolean, messageId: number, sentAtMs: number, type: string, body: unknown): boolean {
    if (to === this.holdNode) {
      this.holdNode = -1;
      deliverySlot.encode(this.engine.agenda, this.engine.nowMs + this.holdMs, to, from, dropReason, duplicate, messageId, sentAtMs, type, body);
      this.log.push(`${this.engine.nowMs} hold ${type}`);
      return false;
    }
    this.log.push(`${this.engine.nowMs} deliver ${type} ${from}->${to}`);
    return true;
  }
  fire(node: number, epoch: number, timerId: number, name: string, data: unknown): boolean {
    this.log.push(`${this.engine.nowMs} timer ${name}`);
    if (name === 'again') timerSlot.encode(this.engine.agenda, this.engine.nowMs + 1, node, epoch, timerId, name, data);
    return name !== 'void';
  }
  applyFault(fault: unknown): void {
    this.log.push(`${this.engine.nowMs} fault ${fault}`);
  }
  act(action: () => void): void {
    action();
  }
  request(): void {
    this.log.push(`${this.engine.nowMs} request`);
  }
  syncNextMs(): number {
    return this.syncTimesMs[0] ?? Infinity;
  }
  sync(): number {
    this.log.push(`${this.engine.nowMs} sync`);
    this.syncTimesMs.shift();
    return this.syncNextMs();
  }
}

const bounds = (over: Partial<DriveBounds> = {}): DriveBounds => ({ untilMs: Infinity, eventsMax: 1000, inFlightMax: 1000, ...over });

const message = (agenda: Agenda, atMs: number, from: number, to: number, type: string) => deliverySlot.encode(agenda, atMs, to, from, 0, false, 1, 0, type, undefined);
const timer = (agenda: Agenda, atMs: number, name: string) => timerSlot.encode(agenda, atMs, 0, 0, 1, name, undefined);

describe("the engine's step under a world's loop", () => {
  it('dispatches each kind to its hook in (time, insertion) order, a sync before an event at its time', () => {
    const engine = new Engine(5);
    const world = new LogWorld(engine);
    const agenda = engine.agenda;
    message(agenda, 2, 0, 1, 'ping');
    timer(agenda, 1, 'tick');
    message(agenda, 2, 1, 0, 'pong');
    world.syncTimesMs = [2, 7];
    faultSlot.encode(agenda, 3, 'crash');
    expect(drive(engine, world, bounds())).toEqual({ timeMs: 3, events: 5, stoppedBy: 'idle' });
    // The sync at 7 comes after the last event of a run without a horizon: nothing observes it.
    expect(world.log).toEqual(['1 timer tick', '2 sync', '2 deliver ping 0->1', '2 deliver pong 1->0', '3 fault crash']);
  });

  it('stops at the horizon, moves time to it, and leaves later events pending', () => {
    const engine = new Engine(5);
    const world = new LogWorld(engine);
    timer(engine.agenda, 4, 'a');
    timer(engine.agenda, 12, 'b');
    world.syncTimesMs = [6];
    expect(drive(engine, world, bounds({ untilMs: 10 }))).toEqual({ timeMs: 10, events: 2, stoppedBy: 'untilMs' });
    expect(world.log).toEqual(['4 timer a', '6 sync']);
    expect(engine.agenda.size).toBe(1);
  });

  it('asks stopWhen only after an event that happened, not after one put off', () => {
    const engine = new Engine(5);
    const world = new LogWorld(engine);
    world.holdNode = 1;
    world.holdMs = 10;
    message(engine.agenda, 1, 0, 1, 'ping');
    timer(engine.agenda, 2, 'void');
    timer(engine.agenda, 3, 'real');
    let asked = 0;
    const result = drive(engine, world, bounds({ stopWhen: () => ++asked > 0 }));
    expect(result).toEqual({ timeMs: 3, events: 3, stoppedBy: 'stopWhen' });
    expect(asked).toBe(1);
    expect(world.log).toEqual(['1 hold ping', '2 timer void', '3 timer real']);
    // The held delivery is still queued, at 11.
    expect(engine.agenda.peekTime()).toBe(11);
  });

  it('eventsMax and inFlightMax throw with the seed, and the events processed stay counted', () => {
    const engine = new Engine(42);
    const world = new LogWorld(engine);
    timer(engine.agenda, 0, 'again');
    expect(() => drive(engine, world, bounds({ eventsMax: 50 }))).toThrow(new DistlabLimitError('eventsMax exceeded: 50 events by t=49 ms, events still pending', 42));
    expect(engine.runEvents).toBe(50);
    expect(engine.nowMs).toBe(49);

    const storm = new Engine(9);
    const stormWorld = new LogWorld(storm);
    const action = () => {
      for (let i = 0; i < 10; i++) timer(storm.agenda, storm.nowMs + 1, 'x');
    };
    actionSlot.encode(storm.agenda, 5, action);
    let error: unknown;
    try {
      drive(storm, stormWorld, bounds({ inFlightMax: 8 }));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DistlabLimitError);
    expect((error as DistlabLimitError).message).toMatch(/^inFlightMax exceeded: 8 events pending at t=5 ms .*\(seed=9\)$/);
    expect(storm.runEvents).toBe(1);
    // Outside run() the bound is lifted again.
    timer(storm.agenda, 6, 'after');
    expect(storm.agenda.size).toBe(9);
  });
});
