// The clock syncs of a set of nodes as events of the world: which node syncs next, and when.
import { assert } from '../../core/options';
import { PhysicalClock } from './physical';

/**
 * Per node, the true time of its clock's next sync. A reading needs no event (see
 * PhysicalClock), but a sync is something that happens: the run loop counts it as an event
 * and the trace shows it. Two syncs due at once happen in declaration order.
 */
export class ClockSyncs {
  private readonly dueMs: Float64Array;

  constructor(private readonly clocks: readonly PhysicalClock[], nowMs: number) {
    this.dueMs = Float64Array.from(clocks, (clock) => clock.nextSyncAfterMs(nowMs));
  }

  /** The earliest next sync over all nodes, in ms (Infinity if none syncs). */
  nextMs(): number {
    let next = Infinity;
    for (const due of this.dueMs) if (due < next) next = due;
    return next;
  }

  /** The sync due at `nowMs`, of the first node in declaration order: returns that node's index. */
  syncDue(nowMs: number): number {
    const due = this.dueMs;
    const index = due.indexOf(nowMs);
    assert(index >= 0, 'a clock sync is due at the current time');
    due[index] = this.clocks[index].nextSyncAfterMs(nowMs);
    assert(due[index] > nowMs, 'the next clock sync is later');
    return index;
  }
}
