/** Kinds of event a simulation records. */
export type TraceEventType =
  | 'send'
  | 'deliver'
  | 'drop'
  | 'timer'
  | 'crash'
  | 'restart'
  | 'pause'
  | 'resume'
  | 'partition'
  | 'heal'
  | 'local';

/**
 * One recorded event. Every field a figure or a checker needs is here, so a trace
 * can be drawn or checked without the simulation that produced it.
 */
export interface TraceEvent {
  /** Position in the trace, 0-based; ties in virtual time keep this order. */
  seq: number;
  /** Virtual (true) time of the event, in milliseconds since the start of the run. */
  timeMs: number;
  /** Node where the event happens (for `send`, the sender; for `deliver`/`drop`, the receiver). */
  node: string;
  type: TraceEventType;
  /** The node's physical-clock reading at `timeMs`, in milliseconds. */
  clockMs: number;
  /** Lamport timestamp after the event. */
  lamport: number;
  /** Vector clock after the event: node name to counter. */
  vector: Record<string, number>;
  /** For message events: the message id shared by its send and its deliver/drop. */
  msgId?: number;
  /** For message events: the other end (receiver of a send, sender of a deliver/drop). */
  peer?: string;
  /** Short human label: message type, timer name, or local event name. */
  label?: string;
  /** Free-form payload summary, JSON-serialisable. */
  data?: unknown;
}

/** Additions to a recorded event (optional, so older readers ignore them). */
export interface TraceEvent {
  /** For `drop`: why the message was lost (`loss`, `partition`, `crashed`). */
  reason?: string;
  /** For `deliver`/`drop`: true when this is the network's duplicate copy of the message. */
  duplicate?: boolean;
}

/** Every event type, in a fixed order. */
export const TRACE_EVENT_TYPES: readonly TraceEventType[] = [
  'send',
  'deliver',
  'drop',
  'timer',
  'crash',
  'restart',
  'pause',
  'resume',
  'partition',
  'heal',
  'local'
];
