// The calendar event queue: O(1) push and pop in exact (time, sequence) order, in typed columns.
import { assert } from '../core/options';

const BUCKETS_MIN = 16;
const nanTime = (): never => {
  throw new Error('distlab internal error: event time is NaN');
};
const NO_FULL_HANDLER = (size: number): void => {
  throw new Error(`distlab internal error: event queue bound reached at ${size} events with no handler`);
};
/** Re-estimate the bucket width when, over a window of operations, a push walks more than this many list entries on average… */
const WALK_STEPS_PER_OP_MAX = 2;
/** …or a pop scans more than this many buckets on average. */
const SCAN_STEPS_PER_OP_MAX = 4;
/** The front events the width is estimated from… */
const WIDTH_SAMPLE_MAX = 64;
/** …over their densest run of this many gaps. */
const WIDTH_WINDOW = 16;

/**
 * The simulator's event queue: a calendar queue (R. Brown, CACM 1988) over (timeMs, seq).
 * `seq` is the insertion counter, so two events at the same virtual time come out in the
 * order they were scheduled (stable ties). Push and pop cost O(1) on average, where a binary
 * heap pays log2(n) levels of unpredictable comparisons.
 *
 * `seq` is implicit: a bucket's list keeps equal times in insertion order, and a rebuild
 * re-inserts with a stable sort, so no column stores it.
 *
 * Time is cut into buckets of `width` ms; event e falls in "virtual bucket"
 * vb(e) = floor(timeMs · 1/width), stored in bucket vb mod bucketCount, whose list is sorted
 * by (timeMs, seq). vb is non-decreasing in timeMs, so the earliest event of all is the head
 * of bucket `cur` if that head has vb === cur, where `cur` is the smallest vb still queued:
 * the order is exact, whatever the width. The width only affects speed: it is re-estimated
 * from the earliest events when the queue doubles or halves, or when lists get long or scans
 * get long, so any distribution of times stays O(1) amortised.
 *
 * Entries live in slots (columns in typed arrays, so the hot path allocates nothing). Each
 * carries three small integers (kind, node, tag), two numbers (id, aux) and two object slots
 * (object, data): neither a timer nor a message in flight needs a record object. `popSlot()` returns the slot of the
 * earliest event; its columns stay readable until the next `push`.
 */
export class Agenda {
  /** Columns by slot. */
  times: Float64Array;
  kinds: Int32Array;
  nodes: Int32Array;
  tags: Int32Array;
  ids: Float64Array;
  auxs: Float64Array;
  objects: unknown[];
  datas: unknown[];
  private vbs: Float64Array;
  private next: Int32Array;
  private freeSlots: Int32Array;
  private freeCount = 0;
  private slotsUsed = 0;
  private capacity: number;
  size = 0;
  /** Most events queued at once (see `setSizeMax`). */
  private sizeMax = Infinity;
  /** min(capacity, sizeMax): the one number a push compares the size with. */
  private limit: number;
  private onFull: (size: number) => void = NO_FULL_HANDLER;

  // The calendar.
  private heads: Int32Array;
  private tails: Int32Array;
  private bucketCount: number;
  private mask: number;
  private invWidth = 1;
  /** Smallest virtual bucket that may still hold an event. */
  private cur = 0;
  /** Slot of the earliest event when known (found by peekTime), else -1. */
  private earliest = -1;
  private walkSteps = 0;
  private scanSteps = 0;
  private opsSinceTune = 0;
  // The thresholds of the bucket count, kept as numbers so a push and a pop each compare once.
  /** A push that makes the size larger than this doubles the buckets… */
  private growAbove = 2 * BUCKETS_MIN;
  /** …and past this many operations re-estimates the width. */
  private tuneAfter = 4 * BUCKETS_MIN;
  /** A pop that makes the size smaller than this halves the buckets (0: never, at the minimum). */
  private shrinkBelow = 0;

  /** @param capacity slots to start with; the columns double as needed, so a small world (one run of thousands in a Monte Carlo) allocates little. */
  constructor(capacity = 64) {
    capacity = Math.max(BUCKETS_MIN, capacity | 0);
    this.capacity = capacity;
    this.limit = capacity;
    this.times = new Float64Array(capacity);
    this.kinds = new Int32Array(capacity);
    this.nodes = new Int32Array(capacity);
    this.tags = new Int32Array(capacity);
    this.ids = new Float64Array(capacity);
    this.auxs = new Float64Array(capacity);
    this.objects = new Array(capacity).fill(undefined);
    this.datas = new Array(capacity).fill(undefined);
    this.vbs = new Float64Array(capacity);
    this.next = new Int32Array(capacity);
    this.freeSlots = new Int32Array(capacity);
    this.bucketCount = BUCKETS_MIN;
    this.mask = BUCKETS_MIN - 1;
    this.heads = new Int32Array(BUCKETS_MIN).fill(-1);
    this.tails = new Int32Array(BUCKETS_MIN).fill(-1);
  }

  // The hot path of every send and timer: its rare work (a NaN time, room to make, the buckets to
  // re-size or re-tune) is in methods of their own, so push and insert stay small enough for V8
  // to inline into the send and the timer paths within its inlining budget.
  push(time: number, kind: number, node: number, tag: number, id: number, aux: number, object: unknown, data: unknown): void {
    if (time !== time) nanTime();
    if (this.size >= this.limit) this.makeRoom();
    const slot = this.freeCount > 0 ? this.freeSlots[--this.freeCount] : this.slotsUsed++;
    this.times[slot] = time;
    this.kinds[slot] = kind;
    this.nodes[slot] = node;
    this.tags[slot] = tag;
    this.ids[slot] = id;
    this.auxs[slot] = aux;
    this.objects[slot] = object;
    this.datas[slot] = data;
    this.insert(slot, time);
    this.earliest = -1;
    if (++this.size > this.growAbove) this.rebuild(this.bucketCount * 2);
    else if (++this.opsSinceTune > this.tuneAfter) this.tune();
  }

  /**
   * Bound the events queued at once: a push that would make the queue longer than `sizeMax`
   * calls `onFull(size)` instead, which must throw. The check rides on the capacity check
   * every push already makes, so a bound costs the hot path nothing. `Infinity`: no bound.
   */
  setSizeMax(sizeMax: number, onFull: (size: number) => void = NO_FULL_HANDLER): void {
    assert(sizeMax >= 1, 'queue size bound below 1');
    this.sizeMax = sizeMax;
    this.onFull = onFull;
    this.limit = Math.min(this.capacity, sizeMax);
  }

  /** Time of the earliest event; Infinity when empty. */
  peekTime(): number {
    if (this.size === 0) return Infinity;
    return this.times[this.findEarliest()];
  }

  /**
   * Remove the earliest event if its time is at most `untilMs` and return its slot, else -1
   * (nothing queued, or the earliest is later). One call where `peekTime` + `popSlot` take two:
   * the run loop's step. The slot's columns stay readable until the next `push`.
   */
  popSlotUntil(untilMs: number): number {
    if (this.size === 0) return -1;
    const slot = this.findEarliest();
    if (this.times[slot] > untilMs) return -1;
    this.unlink(slot);
    return slot;
  }

  /**
   * Remove the earliest event and return its slot. Its columns stay readable until the next
   * `push`; the caller clears its object columns once read (the run loop does, or `release`),
   * so the queue keeps nothing alive. The queue must not be empty.
   */
  popSlot(): number {
    assert(this.size > 0, 'pop from an empty event queue');
    const slot = this.findEarliest();
    this.unlinkEarliest(slot);
    return slot;
  }

  /** Clear a popped slot's object columns once read, so the queue keeps nothing alive. */
  release(slot: number): void {
    this.objects[slot] = undefined;
    this.datas[slot] = undefined;
  }

  /** Take the earliest event (found by `findEarliest`) off its bucket's list and free its slot. */
  private unlinkEarliest(slot: number): void {
    assert(this.heads[(this.cur | 0) & this.mask] === slot, 'calendar queue: earliest event is not a bucket head');
    this.unlink(slot);
  }

  /** `unlinkEarliest` without its check, for the run loop's step (`findEarliest` returns a head). */
  private unlink(slot: number): void {
    const b = (this.cur | 0) & this.mask;
    const after = this.next[slot];
    this.heads[b] = after;
    if (after < 0) this.tails[b] = -1;
    this.earliest = -1;
    this.freeSlots[this.freeCount++] = slot;
    if (--this.size < this.shrinkBelow) this.rebuild(this.bucketCount >> 1);
  }

  clear(): void {
    this.size = 0;
    this.freeCount = 0;
    this.slotsUsed = 0;
    this.earliest = -1;
    this.cur = 0;
    this.heads.fill(-1);
    this.tails.fill(-1);
    this.objects.fill(undefined);
    this.datas.fill(undefined);
  }

  /** Find (and remember) the earliest event, moving `cur` up to its virtual bucket. */
  private findEarliest(): number {
    if (this.earliest >= 0) return this.earliest;
    const heads = this.heads;
    const vbs = this.vbs;
    const mask = this.mask;
    let cur = this.cur;
    let head = heads[(cur | 0) & mask];
    let steps = 0;
    while (head < 0 || vbs[head] !== cur) {
      // A whole year of empty buckets: jump straight to the smallest queued bucket.
      if (++steps > this.bucketCount) {
        cur = this.afterEmptyYear(steps);
        steps = 0;
      } else cur++;
      head = heads[(cur | 0) & mask];
    }
    this.scanSteps += steps;
    this.cur = cur;
    return (this.earliest = head);
  }

  /** A scan that went a whole year without finding the earliest: its steps counted, the smallest queued bucket. */
  private afterEmptyYear(steps: number): number {
    this.scanSteps += steps;
    return this.smallestHeadVb();
  }

  private smallestHeadVb(): number {
    let vb = Infinity;
    let found = false;
    for (let b = 0; b < this.bucketCount; b++) {
      const head = this.heads[b];
      if (head >= 0 && (!found || this.vbs[head] < vb)) {
        vb = this.vbs[head];
        found = true;
      }
    }
    assert(found, 'calendar queue: no event in any bucket');
    return vb;
  }

  /** Link a slot into its bucket's list, kept sorted by (time, seq). */
  private insert(slot: number, time: number): void {
    const vb = Math.floor(time * this.invWidth);
    this.vbs[slot] = vb;
    if (vb < this.cur) this.cur = vb;
    const b = (vb | 0) & this.mask;
    const tail = this.tails[b];
    // The new entry has the largest seq: it goes after every entry with time <= its own, most
    // often at the tail (the walk from the head is a call).
    if (tail >= 0 && this.times[tail] > time) return this.insertBefore(slot, time, b);
    if (tail < 0) this.heads[b] = slot;
    else this.next[tail] = slot;
    this.tails[b] = slot;
    this.next[slot] = -1;
  }

  /** Link a slot that goes before the tail of bucket `b`: walk its list from the head. */
  private insertBefore(slot: number, time: number, b: number): void {
    const times = this.times;
    const next = this.next;
    let prev = -1;
    let at = this.heads[b];
    let steps = 0;
    while (times[at] <= time) {
      prev = at;
      at = next[at];
      steps++;
    }
    this.walkSteps += steps;
    next[slot] = at;
    if (prev < 0) this.heads[b] = slot;
    else next[prev] = slot;
  }

  /** After a window of operations: re-estimate the width if lists or scans got long. */
  private tune(): void {
    const ops = this.opsSinceTune;
    const slow = this.walkSteps > WALK_STEPS_PER_OP_MAX * ops || this.scanSteps > SCAN_STEPS_PER_OP_MAX * ops;
    this.opsSinceTune = 0;
    this.walkSteps = 0;
    this.scanSteps = 0;
    if (slow) this.rebuild(this.bucketCount);
  }

  /** Re-bucket every event into `bucketCount` buckets with a width estimated from the earliest events. */
  private rebuild(bucketCount: number): void {
    const size = this.size;
    // Collect the queued slots. Equal times share a bucket, listed in insertion order.
    const slots: number[] = [];
    for (let b = 0; b < this.bucketCount; b++) {
      for (let at = this.heads[b]; at >= 0; at = this.next[at]) slots.push(at);
    }
    assert(slots.length === size, 'calendar queue: lost an event');
    // Sort by time; the sort is stable, so equal times keep their insertion order.
    const times = this.times;
    slots.sort((x, y) => times[x] - times[y]);
    // Width: about three mean gaps between consecutive early events, or, when the early events
    // are far denser somewhere (their densest run of WIDTH_WINDOW gaps is under a quarter of the
    // mean gap: a near future of messages and timers with faults scheduled far ahead), three
    // gaps of that run, so a few far events do not widen the buckets of the dense near future.
    let width = 0;
    const k = Math.min(size, WIDTH_SAMPLE_MAX);
    if (k >= 2) {
      width = (3 * (times[slots[k - 1]] - times[slots[0]])) / (k - 1);
      const window = Math.min(k - 1, WIDTH_WINDOW);
      let span = Infinity;
      for (let i = 0; i + window < k; i++) span = Math.min(span, times[slots[i + window]] - times[slots[i]]);
      const denseWidth = (3 * span) / window;
      if (denseWidth > 0 && 4 * denseWidth < width) width = denseWidth;
    }
    if (!(width > 0 && width < Infinity) && size >= 2) width = (3 * (times[slots[size - 1]] - times[slots[0]])) / (size - 1);
    if (width > 0 && width < Infinity && 1 / width < Infinity) this.invWidth = 1 / width;
    this.bucketCount = bucketCount;
    this.mask = bucketCount - 1;
    this.growAbove = 2 * bucketCount;
    this.tuneAfter = 4 * bucketCount;
    this.shrinkBelow = bucketCount > BUCKETS_MIN ? bucketCount >> 2 : 0;
    this.heads = new Int32Array(bucketCount).fill(-1);
    this.tails = new Int32Array(bucketCount).fill(-1);
    this.cur = Infinity;
    this.earliest = -1;
    // Re-insert in (time, insertion) order, so every list stays sorted by appends.
    for (let i = 0; i < size; i++) this.insert(slots[i], times[slots[i]]);
    if (size === 0) this.cur = 0;
    this.opsSinceTune = 0;
    this.walkSteps = 0;
    this.scanSteps = 0;
  }

  /** The queue is at its capacity or its bound: stop at the bound, else grow. */
  private makeRoom(): void {
    if (this.size >= this.sizeMax) {
      this.onFull(this.size);
      assert(false, 'event queue full and onFull did not throw');
    }
    if (this.size === this.capacity) this.grow();
    this.limit = Math.min(this.capacity, this.sizeMax);
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
    this.times = growF(this.times);
    this.kinds = growI(this.kinds);
    this.nodes = growI(this.nodes);
    this.tags = growI(this.tags);
    this.ids = growF(this.ids);
    this.auxs = growF(this.auxs);
    this.vbs = growF(this.vbs);
    this.next = growI(this.next);
    this.freeSlots = growI(this.freeSlots);
    for (let i = this.capacity; i < capacity; i++) {
      this.objects.push(undefined);
      this.datas.push(undefined);
    }
    this.capacity = capacity;
  }
}
