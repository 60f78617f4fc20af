// Happened-before: program order on each node plus send → deliver, as Lamport and vector stamps.
import { invalid } from '../core/options';
import { compareVectors, type VectorRelation } from '../core/vector-order';
import type { TraceEvent, TraceEventType } from './event';

/** How two stamps relate: `before` means the first happened before the second. */
export type StampRelation = VectorRelation;

/**
 * The one place where stamps are derived. Events are fed in trace order; each ticks its node's
 * Lamport and vector clocks, and a deliver first merges the stamps of its message's send (the
 * latest send of that message id so far). A drop is seen but not received: no merge.
 * Nodes are indices in the order they were added; a node added later counts 0 in older vectors.
 */
export class CausalStamper {
  private readonly lamports: number[] = [];
  private vectors: Int32Array[] = [];
  private readonly lastIndex: number[] = [];
  // A send's stamps wait in flat columns (no object per message) until its delivers read them.
  private readonly sendSlot = new Map<number, number>();
  private readonly sendIndexes: number[] = [];
  private readonly sendLamports: number[] = [];
  private readonly sendOffsets: number[] = [];
  private readonly sendWidths: number[] = [];
  private sendVectors = new Int32Array(1024);
  private sendVectorsUsed = 0;
  private fed = 0;
  /** For the event just stamped: the index of the previous event on its node, or -1. */
  previousOnNode = -1;
  /** For the deliver or drop just stamped: the index of its message's send, or -1. */
  sendIndex = -1;

  /** Number of nodes so far. */
  get nodeCount(): number {
    return this.vectors.length;
  }

  /** Add a node; returns its index. */
  addNode(): number {
    const width = this.vectors.length + 1;
    this.vectors = this.vectors.map((vector) => {
      const wider = new Int32Array(width);
      wider.set(vector);
      return wider;
    });
    this.vectors.push(new Int32Array(width));
    this.lamports.push(0);
    this.lastIndex.push(-1);
    return this.vectors.length - 1;
  }

  /**
   * Stamp the next event on `node` (an index from `addNode`). `lamport`, when given, replaces
   * the textbook Lamport value (an exercise draws the learner's own); the node keeps it.
   */
  stamp(node: number, type: TraceEventType, msgId: number | undefined, lamport?: number): void {
    const vector = this.vectors[node];
    let next = this.lamports[node];
    this.sendIndex = -1;
    if (msgId !== undefined && (type === 'deliver' || type === 'drop')) {
      const slot = this.sendSlot.get(msgId);
      if (slot !== undefined) {
        this.sendIndex = this.sendIndexes[slot];
        if (type === 'deliver') {
          if (this.sendLamports[slot] > next) next = this.sendLamports[slot];
          const sent = this.sendVectors;
          const offset = this.sendOffsets[slot];
          const width = this.sendWidths[slot];
          for (let k = 0; k < width; k++) if (sent[offset + k] > vector[k]) vector[k] = sent[offset + k];
        }
      }
    }
    vector[node]++;
    this.lamports[node] = lamport ?? next + 1;
    this.previousOnNode = this.lastIndex[node];
    this.lastIndex[node] = this.fed;
    if (type === 'send' && msgId !== undefined) this.keepSend(msgId, node);
    this.fed++;
  }

  private keepSend(msgId: number, node: number): void {
    const vector = this.vectors[node];
    const offset = this.sendVectorsUsed;
    if (offset + vector.length > this.sendVectors.length) {
      const grown = new Int32Array(Math.max(this.sendVectors.length * 2, offset + vector.length));
      grown.set(this.sendVectors);
      this.sendVectors = grown;
    }
    this.sendSlot.set(msgId, this.sendIndexes.length);
    this.sendIndexes.push(this.fed);
    this.sendLamports.push(this.lamports[node]);
    this.sendOffsets.push(offset);
    this.sendWidths.push(vector.length);
    // A loop, not TypedArray.set: a few entries copy faster by hand.
    for (let k = 0; k < vector.length; k++) this.sendVectors[offset + k] = vector[k];
    this.sendVectorsUsed = offset + vector.length;
  }

  /** Lamport stamp of `node` after its last event. */
  lamportOf(node: number): number {
    return this.lamports[node];
  }

  /** Vector of `node` after its last event, by node index (live: copy what you keep). */
  vectorOf(node: number): Readonly<Int32Array> {
    return this.vectors[node];
  }
}

/** Compare vector stamps (a missing node counts 0): the core's one comparison, by the name the checkers use. */
export const compareVectorStamps = compareVectors;

/** How two stamped events of one run relate, by their vector stamps. */
export function causalRelation(a: Pick<TraceEvent, 'vector'>, b: Pick<TraceEvent, 'vector'>): StampRelation {
  return compareVectorStamps(a.vector, b.vector);
}

/** Per event of a list (by position): the links that make up happened-before. */
export interface CausalLinks {
  /** Position of the previous event on the same node, or -1. */
  previousOnNode: Int32Array;
  /** For a deliver or drop: position of its message's send (the latest earlier one), or -1. */
  sendOf: Int32Array;
  /** 1-based count of the node's events up to this one: its own entry in a vector stamp. */
  countOnNode: Int32Array;
}

function feed(events: readonly TraceEvent[], onEvent: (i: number, node: number, stamper: CausalStamper) => void): CausalStamper {
  const stamper = new CausalStamper();
  const nodeIndex = new Map<string, number>();
  for (const e of events) if (!nodeIndex.has(e.node)) nodeIndex.set(e.node, stamper.addNode());
  events.forEach((e, i) => {
    const node = nodeIndex.get(e.node) as number;
    stamper.stamp(node, e.type, e.msgId);
    onEvent(i, node, stamper);
  });
  return stamper;
}

/** The happened-before links of an event list in trace order, from its nodes and message ids (not its stamps). */
export function causalLinks(events: readonly TraceEvent[]): CausalLinks {
  const links: CausalLinks = {
    previousOnNode: new Int32Array(events.length),
    sendOf: new Int32Array(events.length),
    countOnNode: new Int32Array(events.length)
  };
  feed(events, (i, node, stamper) => {
    links.previousOnNode[i] = stamper.previousOnNode;
    links.sendOf[i] = stamper.sendIndex;
    links.countOnNode[i] = stamper.vectorOf(node)[node];
  });
  return links;
}

/**
 * The happened-before relation of an event list in trace order, derived from its nodes and
 * message ids (a hand-made trace's own stamps may be wrong). Events are named by `seq`.
 * Holds one vector per event (events × nodes integers), so each question is a comparison.
 */
export class CausalOrder {
  private readonly seqs: number[];
  private readonly position = new Map<number, number>();
  private readonly nodeOf: Int32Array;
  private readonly stamps: Int32Array;
  private readonly nodes: number;

  constructor(events: readonly TraceEvent[]) {
    this.seqs = events.map((e) => e.seq);
    this.seqs.forEach((seq, i) => this.position.set(seq, i));
    this.nodes = new Set(events.map((e) => e.node)).size;
    this.nodeOf = new Int32Array(events.length);
    this.stamps = new Int32Array(events.length * this.nodes);
    feed(events, (i, node, stamper) => {
      this.nodeOf[i] = node;
      this.stamps.set(stamper.vectorOf(node), i * this.nodes);
    });
  }

  private at(seq: number): number {
    const i = this.position.get(seq);
    if (i === undefined) invalid('seq', seq, `the seq of an event in the trace (${this.seqs.length} events)`);
    return i;
  }

  // Event i happened before event j (i ≠ j) exactly when j's vector counts i's own entry.
  private precedes(i: number, j: number): boolean {
    const node = this.nodeOf[i];
    return i !== j && this.stamps[i * this.nodes + node] <= this.stamps[j * this.nodes + node];
  }

  private collect(keep: (i: number) => boolean): Set<number> {
    const found = new Set<number>();
    for (let i = 0; i < this.seqs.length; i++) if (keep(i)) found.add(this.seqs[i]);
    return found;
  }

  /** How event `a` relates to event `b`. */
  relation(a: number, b: number): StampRelation {
    const i = this.at(a);
    const j = this.at(b);
    if (i === j) return 'equal';
    return this.precedes(i, j) ? 'before' : this.precedes(j, i) ? 'after' : 'concurrent';
  }

  /** seqs of the events that happened before `seq`. */
  pastOf(seq: number): Set<number> {
    const j = this.at(seq);
    return this.collect((i) => this.precedes(i, j));
  }

  /** seqs of the events that `seq` happened before. */
  futureOf(seq: number): Set<number> {
    const i = this.at(seq);
    return this.collect((j) => this.precedes(i, j));
  }

  /** seqs of the events concurrent with `seq` (neither before nor after it). */
  concurrentWith(seq: number): Set<number> {
    const j = this.at(seq);
    return this.collect((i) => i !== j && !this.precedes(i, j) && !this.precedes(j, i));
  }
}

/** What a figure receives: events, `{ events }`, or a recorded trace. */
export type CausalTraceInput = readonly TraceEvent[] | { readonly events: readonly TraceEvent[] } | { events(): TraceEvent[] };

function orderOf(trace: CausalTraceInput): CausalOrder {
  const held = Array.isArray(trace) ? trace : (trace as { events?: unknown } | null)?.events;
  const events = typeof held === 'function' ? (held as () => unknown).call(trace) : held;
  if (!Array.isArray(events)) invalid('trace', typeof trace, 'an array of TraceEvent or an object with an events array');
  return new CausalOrder([...(events as TraceEvent[])].sort((a, b) => a.seq - b.seq));
}

const ascending = (found: Set<number>) => [...found].sort((a, b) => a - b);

/** seqs of the events that happened before event `seq`, ascending (its causal past). */
export function causalPast(trace: CausalTraceInput, seq: number): number[] {
  return ascending(orderOf(trace).pastOf(seq));
}

/** seqs of the events that event `seq` happened before, ascending (its causal future). */
export function causalFuture(trace: CausalTraceInput, seq: number): number[] {
  return ascending(orderOf(trace).futureOf(seq));
}
