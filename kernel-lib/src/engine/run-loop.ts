// The run loop: virtual time, the agenda popped in order, bounds, and dispatch to the world's hook.
import { DistlabLimitError } from '../core/errors';
import { assert } from '../core/options';
import { Agenda } from './agenda';
import {
  actionSlot,
  ActionHook,
  DeliveryHook,
  DELIVERY_DROP_REASON_MASK,
  DELIVERY_DUPLICATE_BIT,
  DELIVERY_FROM_SHIFT,
  FaultHook,
  faultSlot,
  RequestHook,
  requestSlot,
  SLOT_ACTION,
  SLOT_DELIVERY,
  SLOT_FAULT,
  SLOT_REQUEST,
  SLOT_START,
  SLOT_TIMER,
  StartHook,
  startSlot,
  TimerHook
} from './slots';

/**
 * What the run loop asks of the world it drives: one call per kind of slot, with that kind's
 * fields as arguments (see slots.ts), and the world's own timed events that live outside the
 * agenda (clock syncs). Each call runs at `engine.nowMs`, already moved to the event's time.
 * `deliver` and `fire` return false for an event put off or void (held by a pause, a stale
 * timer): `stopWhen` is asked only after an event that happened.
 */
export interface WorldHook extends StartHook, DeliveryHook, TimerHook, FaultHook, ActionHook, RequestHook {
  /** True time of the world's next own event (a clock sync), Infinity if none. */
  syncNextMs(): number;
  /** Perform the own event due at `engine.nowMs`; returns the time of the next (Infinity if none). */
  sync(): number;
}

/** The bounds of one call of `run` (checked by the caller). */
export interface RunBounds {
  /** Process events up to this time (Infinity: until none is left). */
  untilMs: number;
  /** Most events this call processes; past it, DistlabLimitError. */
  eventsMax: number;
  /** Most events queued at once during the call; past it, DistlabLimitError. */
  inFlightMax: number;
  /** Asked after every event that happened; true stops the run. */
  stopWhen: (() => boolean) | undefined;
}

export interface RunOutcome {
  timeMs: number;
  events: number;
  stoppedBy: 'untilMs' | 'idle' | 'stopWhen';
}

// A check of the loop's own, in a function apart: the loop's bytecodes do not count against
// V8's inlining budget, an inlined assert's do.
function timeWentBackwards(): never {
  throw new Error('distlab internal error: time went backwards');
}

/** Virtual time and the agenda of one simulated world, and the loop that drives it. */
export class Engine {
  readonly agenda = new Agenda();
  /** Current virtual time, in ms. */
  nowMs = 0;
  /** Events processed by the last (or current) call of `run`, also when it threw. */
  runEvents = 0;

  /** @param seed named by the errors of a bound, so the run can be replayed. */
  constructor(readonly seed: number) {}

  /** Process events in (time, insertion) order until `untilMs`, none left, or `stopWhen`. */
  run(world: WorldHook, bounds: RunBounds): RunOutcome {
    const { untilMs, eventsMax, inFlightMax, stopWhen } = bounds;
    const agenda = this.agenda;
    this.runEvents = 0;
    if (agenda.size > inFlightMax) this.inFlightExceeded(inFlightMax, agenda.size);
    agenda.setSizeMax(inFlightMax, (size) => this.inFlightExceeded(inFlightMax, size));
    let events = 0;
    let stoppedBy: RunOutcome['stoppedBy'] = 'idle';
    // The world's next own event (a clock sync) is merged with the agenda's here.
    let syncNextMs = world.syncNextMs();
    // Whatever stops the run (the end, a bound, a hook that throws), the count and the agenda's
    // bound stay true: the events processed are counted, and what is pending stays pending.
    try {
      for (;;) {
        if (events >= eventsMax && ((agenda.size > 0 && agenda.peekTime() <= untilMs) || (syncNextMs <= untilMs && untilMs < Infinity))) {
          this.eventsExceeded(eventsMax, syncNextMs <= untilMs && syncNextMs !== Infinity);
        }
        // A sync comes before the agenda's next event (or, on the way to a horizon, after the
        // last one). Past the last event of a run without a horizon nothing can observe a sync.
        if (syncNextMs <= untilMs && syncNextMs !== Infinity && (agenda.size === 0 ? untilMs < Infinity : syncNextMs <= agenda.peekTime())) {
          events++;
          this.nowMs = syncNextMs;
          syncNextMs = world.sync();
          if (stopWhen !== undefined && stopWhen()) {
            stoppedBy = 'stopWhen';
            break;
          }
          continue;
        }
        const slot = agenda.popSlotUntil(untilMs);
        if (slot < 0) {
          if (agenda.size > 0) stoppedBy = 'untilMs';
          break;
        }
        const time = agenda.times[slot];
        events++;
        if (time < this.nowMs) timeWentBackwards();
        this.nowMs = time;
        // The slot's fields go to the world's hook, its object columns cleared first. Deliveries
        // and timers are decoded here, in the loop's own bytecodes (see slots.ts for why).
        const kind = agenda.kinds[slot];
        if (kind === SLOT_DELIVERY) {
          const tag = agenda.tags[slot];
          const type = agenda.objects[slot] as string;
          const body = agenda.datas[slot];
          agenda.objects[slot] = undefined;
          agenda.datas[slot] = undefined;
          if (!world.deliver(agenda.nodes[slot], tag >> DELIVERY_FROM_SHIFT, tag & DELIVERY_DROP_REASON_MASK, (tag & DELIVERY_DUPLICATE_BIT) !== 0, agenda.ids[slot], agenda.auxs[slot], type, body)) continue;
        } else if (kind === SLOT_TIMER) {
          const name = agenda.objects[slot] as string;
          const data = agenda.datas[slot];
          agenda.objects[slot] = undefined;
          agenda.datas[slot] = undefined;
          if (!world.fire(agenda.nodes[slot], agenda.tags[slot], agenda.ids[slot], name, data)) continue;
        } else {
          this.dispatchOther(world, kind, slot);
        }
        if (stopWhen !== undefined && stopWhen()) {
          stoppedBy = 'stopWhen';
          break;
        }
      }
    } finally {
      // Outside run() the learner's own calls (at, request, crash) schedule events: no bound there.
      agenda.setSizeMax(Infinity);
      this.runEvents = events;
    }
    if (stoppedBy !== 'stopWhen' && untilMs !== Infinity) this.nowMs = untilMs;
    return { timeMs: this.nowMs, events, stoppedBy };
  }

  /** The kinds that are not the bulk of a run (faults, actions, starts, requests), out of the loop's way. */
  private dispatchOther(world: WorldHook, kind: number, slot: number): void {
    const agenda = this.agenda;
    if (kind === SLOT_FAULT) faultSlot.decode(agenda, slot, world);
    else if (kind === SLOT_ACTION) actionSlot.decode(agenda, slot, world);
    else if (kind === SLOT_START) startSlot.decode(agenda, slot, world);
    else {
      assert(kind === SLOT_REQUEST, `unknown slot kind ${kind}`);
      requestSlot.decode(agenda, slot, world);
    }
  }

  private eventsExceeded(eventsMax: number, syncsPending: boolean): never {
    const pending = syncsPending ? 'events still pending (clock syncs count as events)' : 'events still pending';
    throw new DistlabLimitError(`eventsMax exceeded: ${eventsMax} events by t=${this.nowMs} ms, ${pending}`, this.seed);
  }

  private inFlightExceeded(inFlightMax: number, size: number): never {
    throw new DistlabLimitError(
      `inFlightMax exceeded: ${size} events pending at t=${this.nowMs} ms (messages in flight, timers, scheduled faults), ` +
        `handlers send faster than the network delivers; send fewer messages per event, or raise run({ inFlightMax }) above ${inFlightMax}`,
      this.seed
    );
  }
}
