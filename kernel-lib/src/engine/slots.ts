// What an agenda slot holds, by kind of event: one positional encode per kind, decoded with no record per event.
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

// An event has no object of its own while queued: its fields live in the agenda's typed columns.
// Per kind, `encode` takes the fields as arguments and `decode` hands them, read straight from
// the columns, to a hook (the `...Hook` method below, whose parameters are the encode's), so no
// record is written or read per event. The object columns are cleared before the hook runs (so
// the agenda keeps nothing alive): a push from the hook may reuse the slot.
//
// Deliveries and timers, nearly every event, the simulated world's run loop reads in place
// (simulation/world.ts), from the layout stated here and with the constants below: V8 counts
// every inlined function's bytecodes against one budget per optimized function, and a decode
// and a hook of their own left the loop too little of it (see run-loop.ts). Their `decode` is
// the reference the engine's tests hold the layout to.

/** A node's start handler is due (time 0). */
export interface StartHook {
  start(node: number): void;
}

/**
 * A message in flight; the envelope a handler sees is made on delivery. Returns false if the
 * delivery was put off (the receiver is paused).
 * @param to receiver's node index
 * @param from sender's node index, 0..DELIVERY_FROM_MAX
 * @param dropReason why the network already lost it (0: it was not lost), 0..DROP_REASON_MAX
 * @param duplicate the network's duplicate copy
 */
export interface DeliveryHook {
  deliver(to: number, from: number, dropReason: number, duplicate: boolean, messageId: number, sentAtMs: number, type: string, body: unknown): boolean;
}

/**
 * A timer set by a node; returns false if it was void (stale, cancelled) or put off.
 * @param epoch the node's epoch when the timer was set (a crash makes it stale)
 */
export interface TimerHook {
  fire(node: number, epoch: number, timerId: number, name: string, data: unknown): boolean;
}

/** A change of the world scheduled at a time (a fault, a heal); what it is, the world knows. */
export interface FaultHook {
  applyFault(fault: unknown): void;
}

/** Learner code scheduled at a time (`sim.at`). */
export interface ActionHook {
  act(action: () => void): void;
}

/** A client request reaching a node. */
export interface RequestHook {
  request(node: number, request: unknown): void;
}

// Columns of a delivery: receiver in `nodes`, sender above the low FromShift bits of `tags` with the
// duplicate flag and the drop reason below, message id in `ids`, send time in `auxs`, type in
// `objects`, body in `datas`.
const enum DeliveryTag {
  DropReasonMask = 3,
  DuplicateBit = 4,
  FromShift = 3
}
/** The fields packed in a delivery's tag, for the world's run loop, which reads a delivery in place. */
export const DELIVERY_DROP_REASON_MASK: number = DeliveryTag.DropReasonMask;
export const DELIVERY_DUPLICATE_BIT: number = DeliveryTag.DuplicateBit;
export const DELIVERY_FROM_SHIFT: number = DeliveryTag.FromShift;
/** Largest drop reason a delivery slot holds. */
export const DROP_REASON_MAX: number = DeliveryTag.DropReasonMask;
/** Largest sender index a delivery slot holds (the tag column is a signed 32-bit integer). */
export const DELIVERY_FROM_MAX = 2 ** (31 - DeliveryTag.FromShift) - 1;

export const startSlot = {
  kind: SLOT_START,
  encode(agenda: Agenda, atMs: number, node: number): void {
    agenda.push(atMs, SLOT_START, node, 0, 0, 0, undefined, undefined);
  },
  decode(agenda: Agenda, slot: number, hook: StartHook): void {
    hook.start(agenda.nodes[slot]);
  }
} as const;

export const deliverySlot = {
  kind: SLOT_DELIVERY,
  encode(agenda: Agenda, atMs: number, to: number, from: number, dropReason: number, duplicate: boolean, messageId: number, sentAtMs: number, type: string, body: unknown): void {
    const tag = (from << DeliveryTag.FromShift) | (duplicate ? DeliveryTag.DuplicateBit : 0) | (dropReason & DeliveryTag.DropReasonMask);
    agenda.push(atMs, SLOT_DELIVERY, to, tag, messageId, sentAtMs, type, body);
  },
  decode(agenda: Agenda, slot: number, hook: DeliveryHook): boolean {
    const tag = agenda.tags[slot];
    const type = agenda.objects[slot] as string;
    const body = agenda.datas[slot];
    agenda.release(slot);
    return hook.deliver(agenda.nodes[slot], tag >> DeliveryTag.FromShift, tag & DeliveryTag.DropReasonMask, (tag & DeliveryTag.DuplicateBit) !== 0, agenda.ids[slot], agenda.auxs[slot], type, body);
  }
} as const;

// Columns of a timer: node in `nodes`, epoch in `tags`, timer id in `ids`, name in `objects`, data in `datas`.
export const timerSlot = {
  kind: SLOT_TIMER,
  encode(agenda: Agenda, atMs: number, node: number, epoch: number, timerId: number, name: string, data: unknown): void {
    agenda.push(atMs, SLOT_TIMER, node, epoch, timerId, 0, name, data);
  },
  decode(agenda: Agenda, slot: number, hook: TimerHook): boolean {
    const name = agenda.objects[slot] as string;
    const data = agenda.datas[slot];
    agenda.release(slot);
    return hook.fire(agenda.nodes[slot], agenda.tags[slot], agenda.ids[slot], name, data);
  }
} as const;

export const faultSlot = {
  kind: SLOT_FAULT,
  encode(agenda: Agenda, atMs: number, fault: unknown): void {
    agenda.push(atMs, SLOT_FAULT, 0, 0, 0, 0, fault, undefined);
  },
  decode(agenda: Agenda, slot: number, hook: FaultHook): void {
    const fault = agenda.objects[slot];
    agenda.release(slot);
    hook.applyFault(fault);
  }
} as const;

export const actionSlot = {
  kind: SLOT_ACTION,
  encode(agenda: Agenda, atMs: number, action: () => void): void {
    agenda.push(atMs, SLOT_ACTION, 0, 0, 0, 0, action, undefined);
  },
  decode(agenda: Agenda, slot: number, hook: ActionHook): void {
    const action = agenda.objects[slot] as () => void;
    agenda.release(slot);
    hook.act(action);
  }
} as const;

export const requestSlot = {
  kind: SLOT_REQUEST,
  encode(agenda: Agenda, atMs: number, node: number, request: unknown): void {
    agenda.push(atMs, SLOT_REQUEST, node, 0, 0, 0, request, undefined);
  },
  decode(agenda: Agenda, slot: number, hook: RequestHook): void {
    const request = agenda.objects[slot];
    agenda.release(slot);
    hook.request(agenda.nodes[slot], request);
  }
} as const;
