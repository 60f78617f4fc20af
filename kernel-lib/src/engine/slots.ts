// What an agenda slot holds, by kind of event: one record, one encode and one decode per kind.
import { Agenda } from './agenda';

/**
 * The kinds of event the agenda holds. The kind only selects a codec and a hook: the order of
 * events is (time, insertion) whatever their kinds.
 */
export const SLOT_START = 0;
export const SLOT_DELIVERY = 1;
export const SLOT_TIMER = 2;
export const SLOT_FAULT = 3;
export const SLOT_ACTION = 4;
export const SLOT_REQUEST = 5;
export type SlotKind = typeof SLOT_START | typeof SLOT_DELIVERY | typeof SLOT_TIMER | typeof SLOT_FAULT | typeof SLOT_ACTION | typeof SLOT_REQUEST;

/** A node's start handler is due (time 0). */
export class NodeStart {
  node = 0;
}

/**
 * A message in flight. It has no object of its own while queued: its fields live in the
 * agenda's columns, and the envelope a handler sees is made on delivery.
 */
export class Delivery {
  /** Receiver's node index. */
  to = 0;
  /** Sender's node index, 0..DELIVERY_FROM_MAX. */
  from = 0;
  /** Why the network already lost it (0: it was not lost), 0..DROP_REASON_MAX. */
  dropReason = 0;
  /** The network's duplicate copy. */
  duplicate = false;
  messageId = 0;
  sentAtMs = 0;
  type = '';
  body: unknown = undefined;
}

/** A timer set by a node. */
export class TimerFiring {
  node = 0;
  /** The node's epoch when the timer was set (a crash makes it stale). */
  epoch = 0;
  timerId = 0;
  name = '';
  data: unknown = undefined;
}

/** A change of the world scheduled at a time (a fault, a heal); what it is, the world knows. */
export class ScheduledFault {
  fault: unknown = undefined;
}

/** Learner code scheduled at a time (`sim.at`). */
export class ScheduledAction {
  action: () => void = noAction;
}

/** A client request reaching a node. */
export class RequestArrival {
  node = 0;
  request: unknown = undefined;
}

function noAction(): void {}

// Columns of a delivery: receiver in `nodes`, sender above FROM_SHIFT bits of `tags` with the
// duplicate flag and the drop reason below, message id in `ids`, send time in `auxs`, type in
// `objects`, body in `datas`.
const DROP_REASON_MASK = 3;
const DUPLICATE_BIT = 4;
const FROM_SHIFT = 3;
/** Largest drop reason a delivery slot holds. */
export const DROP_REASON_MAX = DROP_REASON_MASK;
/** Largest sender index a delivery slot holds (the tag column is a signed 32-bit integer). */
export const DELIVERY_FROM_MAX = 2 ** (31 - FROM_SHIFT) - 1;

/** One kind of slot: how its record goes into the agenda's columns and comes back out. */
export interface SlotCodec<R> {
  readonly kind: SlotKind;
  /** Queue `record` at `atMs` (the record is copied; it may be reused at once). */
  encode(agenda: Agenda, atMs: number, record: R): void;
  /** Read the popped `slot` into `into` and clear its object columns, so the agenda keeps nothing alive. */
  decode(agenda: Agenda, slot: number, into: R): R;
}

export const startSlot: SlotCodec<NodeStart> = {
  kind: SLOT_START,
  encode(agenda, atMs, record) {
    agenda.push(atMs, SLOT_START, record.node, 0, 0, 0, undefined, undefined);
  },
  decode(agenda, slot, into) {
    into.node = agenda.nodes[slot];
    return into;
  }
};

export const deliverySlot: SlotCodec<Delivery> = {
  kind: SLOT_DELIVERY,
  encode(agenda, atMs, record) {
    const tag = (record.from << FROM_SHIFT) | (record.duplicate ? DUPLICATE_BIT : 0) | (record.dropReason & DROP_REASON_MASK);
    agenda.push(atMs, SLOT_DELIVERY, record.to, tag, record.messageId, record.sentAtMs, record.type, record.body);
  },
  decode(agenda, slot, into) {
    const tag = agenda.tags[slot];
    into.to = agenda.nodes[slot];
    into.from = tag >> FROM_SHIFT;
    into.dropReason = tag & DROP_REASON_MASK;
    into.duplicate = (tag & DUPLICATE_BIT) !== 0;
    into.messageId = agenda.ids[slot];
    into.sentAtMs = agenda.auxs[slot];
    into.type = agenda.objects[slot] as string;
    into.body = agenda.datas[slot];
    agenda.objects[slot] = undefined;
    agenda.datas[slot] = undefined;
    return into;
  }
};

// Columns of a timer: node in `nodes`, epoch in `tags`, timer id in `ids`, name in `objects`, data in `datas`.
export const timerSlot: SlotCodec<TimerFiring> = {
  kind: SLOT_TIMER,
  encode(agenda, atMs, record) {
    agenda.push(atMs, SLOT_TIMER, record.node, record.epoch, record.timerId, 0, record.name, record.data);
  },
  decode(agenda, slot, into) {
    into.node = agenda.nodes[slot];
    into.epoch = agenda.tags[slot];
    into.timerId = agenda.ids[slot];
    into.name = agenda.objects[slot] as string;
    into.data = agenda.datas[slot];
    agenda.objects[slot] = undefined;
    agenda.datas[slot] = undefined;
    return into;
  }
};

export const faultSlot: SlotCodec<ScheduledFault> = {
  kind: SLOT_FAULT,
  encode(agenda, atMs, record) {
    agenda.push(atMs, SLOT_FAULT, 0, 0, 0, 0, record.fault, undefined);
  },
  decode(agenda, slot, into) {
    into.fault = agenda.objects[slot];
    agenda.objects[slot] = undefined;
    return into;
  }
};

export const actionSlot: SlotCodec<ScheduledAction> = {
  kind: SLOT_ACTION,
  encode(agenda, atMs, record) {
    agenda.push(atMs, SLOT_ACTION, 0, 0, 0, 0, record.action, undefined);
  },
  decode(agenda, slot, into) {
    into.action = agenda.objects[slot] as () => void;
    agenda.objects[slot] = undefined;
    return into;
  }
};

export const requestSlot: SlotCodec<RequestArrival> = {
  kind: SLOT_REQUEST,
  encode(agenda, atMs, record) {
    agenda.push(atMs, SLOT_REQUEST, record.node, 0, 0, 0, record.request, undefined);
  },
  decode(agenda, slot, into) {
    into.node = agenda.nodes[slot];
    into.request = agenda.objects[slot];
    agenda.objects[slot] = undefined;
    return into;
  }
};
