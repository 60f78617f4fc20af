// The run's step: virtual time, the agenda popped in order with the world's syncs merged in, and the bounds.
import { DistlabLimitError } from '../core/errors';
import { assert } from '../core/options';
import { Agenda } from './agenda';
import {
  actionSlot,
  ActionHook,
  FaultHook,
  faultSlot,
  RequestHook,
  requestSlot,
  SLOT_ACTION,
  SLOT_FAULT,
  SLOT_REQUEST,
  SLOT_START,
  StartHook,
  startSlot
} from './slots';

/**
 * What the engine's step asks of the world: the rare kinds of slot (see slots.ts), each with its
 * fields as arguments, and the world's own timed events that live outside the agenda (clock
 * syncs). Each call runs at `engine.nowMs`, already moved to the event's time. Deliveries and
 * timers, nearly every event, the world's own loop handles in place (see `Engine.next`).
 */
export interface WorldHook extends StartHook, FaultHook, ActionHook, RequestHook {
  /** True time of the world's next own event (a clock sync), Infinity if none. */
  syncNextMs(): number;
  /** Perform the own event due at `engine.nowMs`; returns the time of the next (Infinity if none). */
  sync(): number;
}

/** The bounds of one run (checked by the caller). */
export interface RunBounds {
  /** Process events up to this time (Infinity: until none is left). */
  untilMs: number;
  /** Most events this run processes; past it, DistlabLimitError. */
  eventsMax: number;
  /** Most events queued at once during the run; past it, DistlabLimitError. */
  inFlightMax: number;
}

export interface RunOutcome {
  timeMs: number;
  events: number;
  stoppedBy: 'untilMs' | 'idle' | 'stopWhen';
}

/** `next` returned no slot: the run is over (nothing left by `untilMs`)… */
export const STEP_DONE = -1;
/** …or the world's own event (a clock sync) happened, and the world's loop goes on. */
export const STEP_SYNCED = -2;

// A check of the step's own, in a function apart: an inlined assert's bytecodes count against
// V8's inlining budget of the loop the step is inlined into.
function timeWentBackwards(): never {
  throw new Error('distlab internal error: time went backwards');
}

/**
 * Virtual time and the agenda of one simulated world, and the step that orders its events.
 *
 * The run loop is the world's (`SimWorld.run`): `begin`, then `next` until STEP_DONE, each slot
 * handled where the loop is (deliveries and timers in its own body, the rare kinds through
 * `dispatchOther`), and `end` in a finally. The engine owns all that orders time: the agenda
 * popped in (time, insertion) order, the world's syncs merged in, the bounds (`untilMs`,
 * `eventsMax`, `inFlightMax`, thrown with the seed) and the count. Why the loop is not here:
 * V8 compiles a hook method apart once the loop's inlining budget runs out (about 900
 * bytecodes) and from then on will not inline it, so a loop here that calls the world's
 * handling ran the gossip bench 5 to 8 % slower than one function with the handling in its
 * own body (`npm run bench`).
 */
export class Engine {
  readonly agenda = new Agenda();
  /** Current virtual time, in ms. */
  nowMs = 0;
  /** Events processed by the last (or current) run, also when it threw. */
  runEvents = 0;
  private untilMs = Infinity;
  private eventsMax = 0;
  private syncNextMs = Infinity;
  private pendingAtEnd = false;

  /** @param seed named by the errors of a bound, so the run can be replayed. */
  constructor(readonly seed: number) {}

  /** Start a run within `bounds`; the world's loop then calls `next`, and `end` in a finally. */
  begin(world: WorldHook, bounds: RunBounds): void {
    const { untilMs, eventsMax, inFlightMax } = bounds;
    const agenda = this.agenda;
    this.runEvents = 0;
    this.untilMs = untilMs;
    this.eventsMax = eventsMax;
    this.pendingAtEnd = false;
    if (agenda.size > inFlightMax) this.inFlightExceeded(inFlightMax, agenda.size);
    agenda.setSizeMax(inFlightMax, (size) => this.inFlightExceeded(inFlightMax, size));
    // The world's next own event (a clock sync) is merged with the agenda's here.
    this.syncNextMs = world.syncNextMs();
  }

  /**
   * The run's next event, counted, with `nowMs` moved to its time: the slot to handle (its
   * columns readable until the next push; the handler clears its object columns), or
   * STEP_SYNCED after performing a sync of the world, or STEP_DONE. Throws at a bound.
   */
  next(world: WorldHook): number {
    // Inlined into the world's loop, so kept small: a run with no clock syncs, under eventsMax,
    // only pops. The rest (a sync to merge in, the bound) is a function of its own.
    if ((this.syncNextMs !== Infinity || this.runEvents >= this.eventsMax) && this.syncedOrAtBound(world)) return STEP_SYNCED;
    const agenda = this.agenda;
    const slot = agenda.popSlotUntil(this.untilMs);
    if (slot < 0) return this.done();
    const time = agenda.times[slot];
    if (time < this.nowMs) timeWentBackwards();
    this.nowMs = time;
    this.runEvents++;
    return slot;
  }

  /** Before a pop, when the world has clock syncs or at `eventsMax`: throws at the bound; true if a sync was due first and is done. */
  private syncedOrAtBound(world: WorldHook): boolean {
    const agenda = this.agenda;
    const untilMs = this.untilMs;
    const syncNextMs = this.syncNextMs;
    if (this.runEvents >= this.eventsMax && ((agenda.size > 0 && agenda.peekTime() <= untilMs) || (syncNextMs <= untilMs && untilMs < Infinity))) {
      this.eventsExceeded(syncNextMs <= untilMs && syncNextMs !== Infinity);
    }
    // A sync comes before the agenda's next event (or, on the way to a horizon, after the
    // last one). Past the last event of a run without a horizon nothing can observe a sync.
    if (!(syncNextMs <= untilMs && syncNextMs !== Infinity && (agenda.size === 0 ? untilMs < Infinity : syncNextMs <= agenda.peekTime()))) return false;
    this.runEvents++;
    this.nowMs = syncNextMs;
    this.syncNextMs = world.sync();
    return true;
  }

  /** Nothing is left by `untilMs`: whether events are still pending past it. */
  private done(): number {
    this.pendingAtEnd = this.agenda.size > 0;
    return STEP_DONE;
  }

  /** The kinds that are not the bulk of a run (faults, actions, starts, requests): decoded to the world's hook. */
  dispatchOther(world: WorldHook, kind: number, slot: number): void {
    const agenda = this.agenda;
    if (kind === SLOT_FAULT) faultSlot.decode(agenda, slot, world);
    else if (kind === SLOT_ACTION) actionSlot.decode(agenda, slot, world);
    else if (kind === SLOT_START) startSlot.decode(agenda, slot, world);
    else {
      assert(kind === SLOT_REQUEST, `unknown slot kind ${kind}`);
      requestSlot.decode(agenda, slot, world);
    }
  }

  /**
   * The end of a run, however it ended (called in a finally): outside a run the learner's own
   * calls (at, request, crash) schedule events, with no bound. What is pending stays pending.
   */
  end(): void {
    this.agenda.setSizeMax(Infinity);
  }

  /** How a run that ended without throwing went: time moves to the horizon unless `stopWhen` stopped it. */
  outcome(stoppedByStopWhen: boolean): RunOutcome {
    if (!stoppedByStopWhen && this.untilMs !== Infinity) this.nowMs = this.untilMs;
    const stoppedBy = stoppedByStopWhen ? 'stopWhen' : this.pendingAtEnd ? 'untilMs' : 'idle';
    return { timeMs: this.nowMs, events: this.runEvents, stoppedBy };
  }

  private eventsExceeded(syncsPending: boolean): never {
    const pending = syncsPending ? 'events still pending (clock syncs count as events)' : 'events still pending';
    throw new DistlabLimitError(`eventsMax exceeded: ${this.eventsMax} events by t=${this.nowMs} ms, ${pending}`, this.seed);
  }

  private inFlightExceeded(inFlightMax: number, size: number): never {
    throw new DistlabLimitError(
      `inFlightMax exceeded: ${size} events pending at t=${this.nowMs} ms (messages in flight, timers, scheduled faults), ` +
        `handlers send faster than the network delivers; send fewer messages per event, or raise run({ inFlightMax }) above ${inFlightMax}`,
      this.seed
    );
  }
}
