// Builds a trace for a counterexample diagram from an exercise run.
import { CausalStamper } from '../trace/causality';
import { TraceEvent, TraceEventType } from '../trace/event';

/**
 * Builds a hand-made trace for a counterexample, stamped by the happened-before rules of
 * `trace/causality.ts` (a Lamport stamp can be overridden: the Lamport exercise draws the
 * learner's own values). Vectors list only the nodes they count, in node order.
 */
export class TraceBuilder {
  readonly events: TraceEvent[] = [];
  private readonly stamper = new CausalStamper();
  private readonly nodeIndex = new Map<string, number>();
  private readonly nodeNames: string[] = [];
  private readonly inFlight = new Map<number, { from: string; label: string }>();
  private nextMsgId = 0;

  constructor(readonly nodes: readonly string[]) {
    for (const node of nodes) this.indexOf(node);
  }

  private indexOf(node: string): number {
    let index = this.nodeIndex.get(node);
    if (index === undefined) {
      index = this.stamper.addNode();
      this.nodeIndex.set(node, index);
      this.nodeNames.push(node);
    }
    return index;
  }

  private push(node: string, type: TraceEventType, timeMs: number, extra: Partial<TraceEvent>, lamportOverride?: number): TraceEvent {
    const index = this.indexOf(node);
    this.stamper.stamp(index, type, extra.msgId, lamportOverride);
    const counts = this.stamper.vectorOf(index);
    const vector: Record<string, number> = {};
    counts.forEach((count, k) => {
      if (count > 0) vector[this.nodeNames[k]] = count;
    });
    const lamport = this.stamper.lamportOf(index);
    const event: TraceEvent = { seq: this.events.length, timeMs, node, type, clockMs: timeMs, lamport, vector, ...extra };
    this.events.push(event);
    return event;
  }

  local(node: string, timeMs: number, label: string, lamport?: number, data?: unknown): TraceEvent {
    return this.push(node, 'local', timeMs, { label, data }, lamport);
  }

  crash(node: string, timeMs: number): TraceEvent {
    return this.push(node, 'crash', timeMs, { label: 'crash' });
  }

  /** Returns the message id. */
  send(from: string, to: string, timeMs: number, label: string, lamport?: number, data?: unknown): number {
    const msgId = this.nextMsgId++;
    this.push(from, 'send', timeMs, { msgId, peer: to, label, data }, lamport);
    this.inFlight.set(msgId, { from, label });
    return msgId;
  }

  deliver(msgId: number, to: string, timeMs: number, lamport?: number, duplicate = false): TraceEvent {
    const message = this.message(msgId);
    return this.push(to, 'deliver', timeMs, { msgId, peer: message.from, label: message.label, duplicate }, lamport);
  }

  /** A drop is seen but not received: the vector ticks, the Lamport clock stays. */
  drop(msgId: number, to: string, timeMs: number, reason: string): TraceEvent {
    const message = this.message(msgId);
    return this.push(to, 'drop', timeMs, { msgId, peer: message.from, label: message.label, reason }, this.stamper.lamportOf(this.indexOf(to)));
  }

  private message(msgId: number): { from: string; label: string } {
    const message = this.inFlight.get(msgId);
    if (message === undefined) throw new Error(`TraceBuilder: no message ${msgId}`);
    return message;
  }
}
