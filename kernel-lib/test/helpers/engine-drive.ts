// A world's loop over the engine's step, for the engine's own tests (SimWorld.run has this shape).
import { Engine, RunBounds, RunOutcome, STEP_DONE, STEP_SYNCED, WorldHook } from '../../src/engine/run-loop';
import { DeliveryHook, deliverySlot, SLOT_DELIVERY, SLOT_TIMER, TimerHook, timerSlot } from '../../src/engine/slots';

/** Every hook a slot can be decoded to: the engine's rare kinds and syncs, and deliveries and timers. */
export type TestWorld = WorldHook & DeliveryHook & TimerHook;
export type DriveBounds = RunBounds & { stopWhen?: () => boolean };

/**
 * Run `engine` as a world's loop does: the engine's step, each slot to its hook (deliveries and
 * timers through the slots' reference decode, which SimWorld.run reads in place), `stopWhen`
 * asked after each event that happened, not after one put off.
 */
export function drive(engine: Engine, world: TestWorld, { stopWhen, ...runBounds }: DriveBounds): RunOutcome {
  let stopped = false;
  engine.begin(world, runBounds);
  try {
    for (;;) {
      const slot = engine.next(world);
      if (slot === STEP_DONE) break;
      if (slot !== STEP_SYNCED) {
        const kind = engine.agenda.kinds[slot];
        if (kind === SLOT_DELIVERY) {
          if (!deliverySlot.decode(engine.agenda, slot, world)) continue;
        } else if (kind === SLOT_TIMER) {
          if (!timerSlot.decode(engine.agenda, slot, world)) continue;
        } else engine.dispatchOther(world, kind, slot);
      }
      if (stopWhen !== undefined && stopWhen()) {
        stopped = true;
        break;
      }
    }
  } finally {
    engine.end();
  }
  return engine.outcome(stopped);
}
