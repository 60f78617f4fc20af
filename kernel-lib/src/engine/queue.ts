// EventQueue: simulation events in exact (time, insertion) order, over the calendar queue.
import { assert } from '../core/options';
import { Agenda } from './agenda';

/**
 * Priority queue of simulation events over (timeMs, seq), where `seq` is the insertion
 * counter: two events at the same virtual time come out in the order they were scheduled
 * (stable ties). Each entry carries a small integer payload (kind, node, tag) and one object
 * slot. Backed by the simulator's calendar queue (O(1) average push and pop, no allocation on
 * the hot path).
 */
export class EventQueue {
  private readonly core: Agenda;
  size = 0;

  /** Filled by `pop()`: the popped event. */
  time = 0;
  kind = 0;
  node = 0;
  tag = 0;
  object: unknown = undefined;

  constructor(capacity = 1024) {
    this.core = new Agenda(capacity);
  }

  /** Time of the earliest event; Infinity when empty. */
  peekTime(): number {
    return this.core.peekTime();
  }

  push(time: number, kind: number, node: number, tag: number, object: unknown): void {
    this.core.push(time, kind, node, tag, 0, 0, object, undefined);
    this.size = this.core.size;
  }

  /** Remove the earliest event into `time/kind/node/tag/object`. The queue must not be empty. */
  pop(): void {
    assert(this.size > 0, 'pop from an empty event queue');
    const core = this.core;
    const slot = core.popSlot();
    this.time = core.times[slot];
    this.kind = core.kinds[slot];
    this.node = core.nodes[slot];
    this.tag = core.tags[slot];
    this.object = core.objects[slot];
    core.objects[slot] = undefined;
    this.size = core.size;
  }

  clear(): void {
    this.core.clear();
    this.size = 0;
  }
}
