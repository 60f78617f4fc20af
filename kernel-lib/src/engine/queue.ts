import { assert } from '../options';

/**
 * Priority queue of simulation events: a binary min-heap over (timeMs, seq) kept in typed
 * arrays, so the hot path allocates nothing. `seq` is the insertion counter: two events at
 * the same virtual time come out in the order they were scheduled (stable ties).
 * Each entry carries a small integer payload (kind, node, tag) and one object slot.
 */
export class EventQueue {
  private heapTime: Float64Array;
  private heapSeq: Float64Array;
  private heapSlot: Int32Array;
  private slotKind: Int32Array;
  private slotNode: Int32Array;
  private slotTag: Int32Array;
  private slotObject: unknown[];
  private freeSlots: Int32Array;
  private freeCount = 0;
  private slotsUsed = 0;
  private capacity: number;
  private seqNext = 0;
  size = 0;

  /** Filled by `pop()`: the popped event. */
  time = 0;
  kind = 0;
  node = 0;
  tag = 0;
  object: unknown = undefined;

  constructor(capacity = 1024) {
    this.capacity = capacity;
    this.heapTime = new Float64Array(capacity);
    this.heapSeq = new Float64Array(capacity);
    this.heapSlot = new Int32Array(capacity);
    this.slotKind = new Int32Array(capacity);
    this.slotNode = new Int32Array(capacity);
    this.slotTag = new Int32Array(capacity);
    this.slotObject = new Array(capacity);
    this.freeSlots = new Int32Array(capacity);
  }

  /** Time of the earliest event; Infinity when empty. */
  peekTime(): number {
    return this.size === 0 ? Infinity : this.heapTime[0];
  }

  push(time: number, kind: number, node: number, tag: number, object: unknown): void {
    assert(time === time, 'event time is NaN');
    if (this.size === this.capacity) this.grow();
    const slot = this.freeCount > 0 ? this.freeSlots[--this.freeCount] : this.slotsUsed++;
    this.slotKind[slot] = kind;
    this.slotNode[slot] = node;
    this.slotTag[slot] = tag;
    this.slotObject[slot] = object;
    const seq = this.seqNext++;
    // Sift up.
    const heapTime = this.heapTime;
    const heapSeq = this.heapSeq;
    const heapSlot = this.heapSlot;
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pt = heapTime[parent];
      if (pt < time || (pt === time && heapSeq[parent] < seq)) break;
      heapTime[i] = pt;
      heapSeq[i] = heapSeq[parent];
      heapSlot[i] = heapSlot[parent];
      i = parent;
    }
    heapTime[i] = time;
    heapSeq[i] = seq;
    heapSlot[i] = slot;
  }

  /** Remove the earliest event into `time/kind/node/tag/object`. The queue must not be empty. */
  pop(): void {
    assert(this.size > 0, 'pop from an empty event queue');
    const heapTime = this.heapTime;
    const heapSeq = this.heapSeq;
    const heapSlot = this.heapSlot;
    const slot = heapSlot[0];
    this.time = heapTime[0];
    this.kind = this.slotKind[slot];
    this.node = this.slotNode[slot];
    this.tag = this.slotTag[slot];
    this.object = this.slotObject[slot];
    this.slotObject[slot] = undefined;
    this.freeSlots[this.freeCount++] = slot;
    const size = --this.size;
    if (size === 0) return;
    // Sift the last entry down from the root.
    const time = heapTime[size];
    const seq = heapSeq[size];
    const lastSlot = heapSlot[size];
    let i = 0;
    const half = size >> 1;
    while (i < half) {
      let child = 2 * i + 1;
      let ct = heapTime[child];
      let cs = heapSeq[child];
      const right = child + 1;
      if (right < size) {
        const rt = heapTime[right];
        if (rt < ct || (rt === ct && heapSeq[right] < cs)) {
          child = right;
          ct = rt;
          cs = heapSeq[right];
        }
      }
      if (time < ct || (time === ct && seq < cs)) break;
      heapTime[i] = ct;
      heapSeq[i] = cs;
      heapSlot[i] = heapSlot[child];
      i = child;
    }
    heapTime[i] = time;
    heapSeq[i] = seq;
    heapSlot[i] = lastSlot;
  }

  clear(): void {
    this.size = 0;
    this.freeCount = 0;
    this.slotsUsed = 0;
    this.slotObject.fill(undefined);
  }

  private grow(): void {
    const capacity = this.capacity * 2;
    const growF = (a: Float64Array) => {
      const b = new Float64Array(capacity);
      b.set(a);
      return b;
    };
    const growI = (a: Int32Array) => {
      const b = new Int32Array(capacity);
      b.set(a);
      return b;
    };
    this.heapTime = growF(this.heapTime);
    this.heapSeq = growF(this.heapSeq);
    this.heapSlot = growI(this.heapSlot);
    this.slotKind = growI(this.slotKind);
    this.slotNode = growI(this.slotNode);
    this.slotTag = growI(this.slotTag);
    this.freeSlots = growI(this.freeSlots);
    this.slotObject.length = capacity;
    this.capacity = capacity;
  }
}
