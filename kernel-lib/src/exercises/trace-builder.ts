// Builds a trace for a counterexample diagram from an exercise run.
import { TraceEvent, TraceEventType } from '../trace/event';

/**
 * Builds a hand-made trace for a counterexample, with Lamport and vector stamps computed
 * by the textbook rules (a Lamport stamp can be overridden: the Lamport exercise draws the
 * learner's own values).
 */
export class TraceBuilder {
  readonly events: TraceEvent[] = [];
  private readonly lamport = new Map<string, number>();
  private readonly vector = new Map<string, Record<string, number>>();
  private readonly inFlight = new Map<number, { from: string; lamport: number; vector: Record<string, number>; label: string }>();
  private nextMsgId = 0;

  constructor(readonly nodes: readonly string[]) {
    for (const node of nodes) {
      this.lamport.set(node, 0);
      this.vector.set(node, {});
    }
  }

  private push(node: string, type: TraceEventType, timeMs: number, extra: Partial<TraceEvent>, lamportOverride?: number): TraceEvent {
    const vector = { ...(this.vector.get(node) ?? {}) };
    vector[node] = (vector[node] ?? 0) + 1;
    this.vector.set(node, vector);
    const lamport = lamportOverride ?? (this.lamport.get(node) ?? 0) + 1;
    this.lamport.set(node, lamport);
    const event: TraceEvent = { seq: this.events.length, timeMs, node, type, clockMs: timeMs, lamport, vector: { ...vector }, ...extra };
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
    const event = this.push(from, 'send', timeMs, { msgId, peer: to, label, data }, lamport);
    this.inFlight.set(msgId, { from, lamport: event.lamport, vector: event.vector, label });
    return msgId;
  }

  deliver(msgId: number, to: string, timeMs: number, lamport?: number, duplicate = false): TraceEvent {
    const message = this.inFlight.get(msgId);
    if (message === undefined) throw new Error(`TraceBuilder: no message ${msgId}`);
    const merged = { ...(this.vector.get(to) ?? {}) };
    for (const [n, c] of Object.entries(message.vector)) merged[n] = Math.max(merged[n] ?? 0, c);
    this.vector.set(to, merged);
    const textbook = Math.max(this.lamport.get(to) ?? 0, message.lamport) + 1;
    return this.push(to, 'deliver', timeMs, { msgId, peer: message.from, label: message.label, duplicate }, lamport ?? textbook);
  }

  drop(msgId: number, to: string, timeMs: number, reason: string): TraceEvent {
    const message = this.inFlight.get(msgId);
    if (message === undefined) throw new Error(`TraceBuilder: no message ${msgId}`);
    return this.push(to, 'drop', timeMs, { msgId, peer: message.from, label: message.label, reason }, this.lamport.get(to) ?? 0);
  }
}
