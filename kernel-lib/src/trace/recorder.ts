// The trace recorder: every event of a run, with Lamport and vector stamps.
import { DROP_NONE, DROP_REASONS } from '../core/drop-reasons';
import { assert, parseNumber, parseOneOf, parseString, invalid } from '../core/options';
import { CausalStamper } from './causality';
import { TRACE_EVENT_TYPES, TraceEvent, TraceEventType } from './event';

const TYPE_CODE: Record<string, number> = {};
TRACE_EVENT_TYPES.forEach((type, code) => (TYPE_CODE[type] = code));
const DROP_REASON_NAMES = DROP_REASONS.slice(1) as string[];
const FLAG_DUPLICATE = 1;

/**
 * The record of one run. Events are stored in columns (typed arrays, strings interned) so a
 * long trace costs a few tens of bytes per event. Lamport and vector stamps are derived when
 * events are read, by the happened-before rules of `causality.ts`.
 */
export class Trace {
  /** The seed of the run that produced this trace. */
  readonly seed: number;
  private nodeNames: string[] = [];
  private nodeIndex = new Map<string, number>();
  private strings: string[] = [];
  private stringIndex = new Map<string, number>();
  private capacity = 0;
  private timeMs = new Float64Array(0);
  private clockMs = new Float64Array(0);
  private node = new Int32Array(0);
  private peer = new Int32Array(0);
  private msgId = new Int32Array(0);
  private label = new Int32Array(0);
  private type = new Uint8Array(0);
  private flags = new Uint8Array(0);
  private dataSlot = new Int32Array(0);
  private dataValues: unknown[] = [];
  /** Number of recorded events. */
  length = 0;

  // Stamps derived so far (events are materialised incrementally).
  private materialised: TraceEvent[] = [];
  private stamper = new CausalStamper();

  constructor(seed = 0, nodes: readonly string[] = []) {
    this.seed = seed;
    for (const node of nodes) this.addNode(node);
  }

  /** Node names, in declaration order. */
  get nodes(): readonly string[] {
    return this.nodeNames;
  }

  /** @internal Register a node (the simulator does this); returns its index. */
  addNode(name: string): number {
    const known = this.nodeIndex.get(name);
    if (known !== undefined) return known;
    const index = this.nodeNames.length;
    this.nodeNames.push(name);
    this.nodeIndex.set(name, index);
    // Vectors grow with the node list; events read before keep their shorter vectors.
    this.stamper.addNode();
    return index;
  }

  private intern(text: string | undefined): number {
    if (text === undefined) return -1;
    let index = this.stringIndex.get(text);
    if (index === undefined) {
      index = this.strings.length;
      this.strings.push(text);
      this.stringIndex.set(text, index);
    }
    return index;
  }

  private grow(): void {
    const capacity = Math.max(1024, this.capacity * 2);
    const f64 = (a: Float64Array) => {
      const b = new Float64Array(capacity);
      b.set(a);
      return b;
    };
    const i32 = (a: Int32Array) => {
      const b = new Int32Array(capacity);
      b.set(a);
      return b;
    };
    const u8 = (a: Uint8Array) => {
      const b = new Uint8Array(capacity);
      b.set(a);
      return b;
    };
    this.timeMs = f64(this.timeMs);
    this.clockMs = f64(this.clockMs);
    this.node = i32(this.node);
    this.peer = i32(this.peer);
    this.msgId = i32(this.msgId);
    this.label = i32(this.label);
    this.dataSlot = i32(this.dataSlot);
    this.type = u8(this.type);
    this.flags = u8(this.flags);
    this.capacity = capacity;
  }

  /**
   * Append one event (the simulator calls this; node and peer are node indices, -1 for none;
   * msgId -1 for none; reason a drop code of core/drop-reasons). Events must come in
   * non-decreasing time.
   * @internal
   */
  recordIndexed(
    timeMs: number,
    node: number,
    type: TraceEventType,
    clockMs: number,
    msgId: number,
    peer: number,
    label: string | undefined,
    data: unknown,
    reason: number,
    duplicate: boolean
  ): void {
    const i = this.length;
    if (i === this.capacity) this.grow();
    // Time order is kept by its two callers: the world records at the engine's time, which never
    // goes back (the run loop checks), and record() checks timeMs against the last event.
    assert(msgId < 2147483647, 'message id overflow');
    this.timeMs[i] = timeMs;
    this.clockMs[i] = clockMs;
    this.node[i] = node;
    this.type[i] = TYPE_CODE[type];
    this.msgId[i] = msgId;
    this.peer[i] = peer;
    this.label[i] = this.intern(label);
    if (data === undefined) this.dataSlot[i] = -1;
    else {
      this.dataSlot[i] = this.dataValues.length;
      this.dataValues.push(data);
    }
    this.flags[i] = (duplicate ? FLAG_DUPLICATE : 0) | (reason << 1);
    this.length = i + 1;
  }

  /** Append an event by node names (for hand-made traces and tests). */
  record(event: {
    timeMs: number;
    node: string;
    type: TraceEventType;
    clockMs?: number;
    msgId?: number;
    peer?: string;
    label?: string;
    data?: unknown;
    reason?: string;
    duplicate?: boolean;
  }): void {
    parseNumber('timeMs', event.timeMs, this.length === 0 ? 0 : this.timeMs[this.length - 1], Infinity, 'ms');
    const node = this.addNode(parseString('node', event.node));
    const peer = event.peer === undefined ? -1 : this.addNode(event.peer);
    parseOneOf('type', event.type, TRACE_EVENT_TYPES);
    if (event.reason !== undefined) parseOneOf('reason', event.reason, DROP_REASON_NAMES);
    this.recordIndexed(
      event.timeMs,
      node,
      event.type,
      event.clockMs ?? event.timeMs,
      event.msgId ?? -1,
      peer,
      event.label,
      event.data,
      event.reason === undefined ? DROP_NONE : DROP_REASON_NAMES.indexOf(event.reason) + 1,
      event.duplicate ?? false
    );
  }

  /** Every event, with Lamport and vector stamps, in trace order. */
  events(): TraceEvent[] {
    this.materialise();
    return this.materialised.slice();
  }

  /** The event at position `seq`. */
  get(seq: number): TraceEvent {
    if (!Number.isInteger(seq) || seq < 0 || seq >= this.length) invalid('seq', seq, `an integer 0..${this.length - 1}`);
    this.materialise();
    return this.materialised[seq];
  }

  /** Events of one node (or of several). */
  byNode(...nodes: string[]): TraceEvent[] {
    for (const node of nodes) if (!this.nodeIndex.has(node)) throw new Error(`unknown node: ${node}`);
    const wanted = new Set(nodes);
    return this.where((e) => wanted.has(e.node));
  }

  /** Events of one type (or of several). */
  ofType(...types: TraceEventType[]): TraceEvent[] {
    for (const type of types) parseOneOf('type', type, TRACE_EVENT_TYPES);
    const wanted = new Set<string>(types);
    return this.where((e) => wanted.has(e.type));
  }

  /** Events with fromMs <= timeMs < toMs (toMs may be Infinity). */
  between(fromMs: number, toMs: number): TraceEvent[] {
    parseNumber('fromMs', fromMs, -Infinity, Infinity, 'ms');
    if (toMs !== Infinity) parseNumber('toMs', toMs, fromMs, Infinity, 'ms');
    return this.where((e) => e.timeMs >= fromMs && e.timeMs < toMs);
  }

  /** Events with a given label (message type, timer name or local event name). */
  withLabel(label: string): TraceEvent[] {
    return this.where((e) => e.label === label);
  }

  /** Events matching a predicate. */
  where(predicate: (event: TraceEvent) => boolean): TraceEvent[] {
    this.materialise();
    return this.materialised.filter(predicate);
  }

  /** Event counts by type. */
  counts(): Record<TraceEventType, number> {
    const counts = {} as Record<TraceEventType, number>;
    for (const type of TRACE_EVENT_TYPES) counts[type] = 0;
    for (let i = 0; i < this.length; i++) counts[TRACE_EVENT_TYPES[this.type[i]]]++;
    return counts;
  }

  /** Bytes held by the columns (the trace's own storage, payload objects excluded). */
  get storageBytes(): number {
    return this.capacity * (8 + 8 + 4 + 4 + 4 + 4 + 4 + 1 + 1) + this.dataValues.length * 8;
  }

  /** One JSON object per line, fields in a fixed order: the byte-for-byte form of a run. */
  toJsonLines(): string {
    this.materialise();
    let out = '';
    for (const e of this.materialised) out += JSON.stringify(e) + '\n';
    return out;
  }

  /**
   * A log for ShiViz (and GoVector tools): the parser regex on the first line, a blank line,
   * then per event a `host {vector}` line and a description line. Zero entries are left out.
   */
  toShiViz(): string {
    this.materialise();
    const lines = ['(?<host>\\S*) (?<clock>{.*})\\n(?<event>.*)', ''];
    for (const e of this.materialised) {
      const vector: Record<string, number> = {};
      for (const key in e.vector) if (e.vector[key] > 0) vector[key] = e.vector[key];
      lines.push(`${e.node} ${JSON.stringify(vector)}`);
      lines.push(describeEvent(e));
    }
    return lines.join('\n') + '\n';
  }

  private materialise(): void {
    const names = this.nodeNames;
    for (let i = this.materialised.length; i < this.length; i++) {
      const node = this.node[i];
      const type = TRACE_EVENT_TYPES[this.type[i]];
      const msgId = this.msgId[i];
      this.stamper.stamp(node, type, msgId >= 0 ? msgId : undefined);
      const vector = this.stamper.vectorOf(node);
      const lamport = this.stamper.lamportOf(node);
      const stamp: Record<string, number> = {};
      for (let k = 0; k < names.length; k++) stamp[names[k]] = vector[k];
      const event: TraceEvent = {
        seq: i,
        timeMs: this.timeMs[i],
        node: names[node],
        type,
        clockMs: this.clockMs[i],
        lamport,
        vector: stamp
      };
      if (msgId >= 0) event.msgId = msgId;
      if (this.peer[i] >= 0) event.peer = names[this.peer[i]];
      if (this.label[i] >= 0) event.label = this.strings[this.label[i]];
      if (this.dataSlot[i] >= 0) event.data = this.dataValues[this.dataSlot[i]];
      const flags = this.flags[i];
      if (flags >> 1) event.reason = DROP_REASONS[flags >> 1];
      if (flags & FLAG_DUPLICATE) event.duplicate = true;
      this.materialised.push(event);
    }
  }
}

/** One line of text for an event, as ShiViz shows it. */
export function describeEvent(e: TraceEvent): string {
  const at = `t=${+e.timeMs.toFixed(6)}ms`;
  const label = e.label ?? '';
  switch (e.type) {
    case 'send':
      return `${at} send ${label} to ${e.peer} #${e.msgId}`;
    case 'deliver':
      return `${at} deliver ${label} from ${e.peer} #${e.msgId}${e.duplicate ? ' (duplicate)' : ''}`;
    case 'drop':
      return `${at} drop ${label} from ${e.peer} #${e.msgId} (${e.reason ?? 'lost'})`;
    default:
      return `${at} ${e.type}${label ? ' ' + label : ''}`;
  }
}

/** An empty trace, for building one by hand with `record`. */
export function trace(seed = 0): Trace {
  return new Trace(seed);
}
