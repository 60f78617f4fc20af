import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Agenda } from '../src/engine/agenda';
import { Engine } from '../src/engine/run-loop';
import { drive, TestWorld } from './helpers/engine-drive';
import {
  actionSlot,
  DELIVERY_FROM_MAX,
  deliverySlot,
  DROP_REASON_MAX,
  faultSlot,
  requestSlot,
  SLOT_ACTION,
  SLOT_DELIVERY,
  SLOT_FAULT,
  SLOT_REQUEST,
  SLOT_START,
  SLOT_TIMER,
  startSlot,
  timerSlot
} from '../src/engine/slots';

const delivery = fc.record({
  to: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  from: fc.integer({ min: 0, max: DELIVERY_FROM_MAX }),
  dropReason: fc.integer({ min: 0, max: DROP_REASON_MAX }),
  duplicate: fc.boolean(),
  messageId: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
  sentAtMs: fc.double({ min: 0, max: 1e15, noNaN: true }),
  type: fc.string(),
  body: fc.anything()
});
type DeliveryFields = { to: number; from: number; dropReason: number; duplicate: boolean; messageId: number; sentAtMs: number; type: string; body: unknown };

const encodeDelivery = (agenda: Agenda, atMs: number, d: DeliveryFields) =>
  deliverySlot.encode(agenda, atMs, d.to, d.from, d.dropReason, d.duplicate, d.messageId, d.sentAtMs, d.type, d.body);
// Deliveries and timers through the engine's step and their reference decode, with a world that
// records what each hook is handed, and when.
type Handed = { method: 'deliver' | 'fire'; args: unknown[]; atMs: number };
const throughLoop = (encode: (agenda: Agenda) => void, answer = true): { handed: Handed[]; agenda: Agenda } => {
  const engine = new Engine(1);
  const handed: Handed[] = [];
  const world: TestWorld = {
    start: () => undefined,
    deliver: (...args) => (handed.push({ method: 'deliver', args, atMs: engine.nowMs }), answer),
    fire: (...args) => (handed.push({ method: 'fire', args, atMs: engine.nowMs }), answer),
    applyFault: () => undefined,
    act: () => undefined,
    request: () => undefined,
    syncNextMs: () => Infinity,
    sync: () => Infinity
  };
  encode(engine.agenda);
  drive(engine, world, { untilMs: Infinity, eventsMax: 10, inFlightMax: 10 });
  return { handed, agenda: engine.agenda };
};
const decodeDeliveries = (encode: (agenda: Agenda) => void): Array<DeliveryFields & { atMs: number }> =>
  throughLoop(encode).handed.map(({ method, args, atMs }) => {
    expect(method).toBe('deliver');
    const [to, from, dropReason, duplicate, messageId, sentAtMs, type, body] = args as [number, number, number, boolean, number, number, string, unknown];
    return { to, from, dropReason, duplicate, messageId, sentAtMs, type, body, atMs };
  });
const decodeOne = <T>(decode: (hook: T) => void, method: keyof T): unknown[] => {
  let got: unknown[] = [];
  decode({ [method]: (...args: unknown[]) => void (got = args) } as T);
  return got;
};

describe('agenda slots: one encode per kind, decoded as encoded', () => {
  it('a delivery comes back field for field, at its time (fast-check)', () => {
    fc.assert(
      fc.property(delivery, fc.double({ min: 0, max: 1e15, noNaN: true }), (fields, atMs) => {
        const agenda = new Agenda();
        encodeDelivery(agenda, atMs, fields);
        const slot = agenda.popSlot();
        expect(agenda.times[slot]).toBe(atMs);
        expect(agenda.kinds[slot]).toBe(SLOT_DELIVERY);
        expect(decodeDeliveries((queue) => encodeDelivery(queue, atMs, fields))).toEqual([{ ...fields, atMs }]);
      })
    );
  });

  it('a timer comes back field for field (fast-check)', () => {
    const timer = fc.record({
      node: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
      epoch: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
      timerId: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
      name: fc.string(),
      data: fc.anything()
    });
    fc.assert(
      fc.property(timer, fc.boolean(), (fields, answer) => {
        const agenda = new Agenda();
        timerSlot.encode(agenda, 3.5, fields.node, fields.epoch, fields.timerId, fields.name, fields.data);
        expect(agenda.kinds[agenda.popSlot()]).toBe(SLOT_TIMER);
        // The hook's answer (false: put off or void) does not change what it is handed.
        const run = throughLoop((queue) => timerSlot.encode(queue, 3.5, fields.node, fields.epoch, fields.timerId, fields.name, fields.data), answer);
        expect(run.handed).toEqual([{ method: 'fire', args: [fields.node, fields.epoch, fields.timerId, fields.name, fields.data], atMs: 3.5 }]);
        // Handled, the slot is released: the agenda keeps nothing alive.
        expect(run.agenda.objects.every((o) => o === undefined) && run.agenda.datas.every((o) => o === undefined)).toBe(true);
      })
    );
  });

  it('start, fault, action and request slots come back, each with its own kind', () => {
    const agenda = new Agenda();
    const fault = { what: 'crash' };
    const action = () => undefined;
    const request = { id: 7 };
    startSlot.encode(agenda, 1, 4);
    faultSlot.encode(agenda, 2, fault);
    actionSlot.encode(agenda, 3, action);
    requestSlot.encode(agenda, 4, 2, request);
    let slot = agenda.popSlot();
    expect(agenda.kinds[slot]).toBe(SLOT_START);
    expect(decodeOne((hook) => startSlot.decode(agenda, slot, hook), 'start')).toEqual([4]);
    slot = agenda.popSlot();
    expect(agenda.kinds[slot]).toBe(SLOT_FAULT);
    expect(decodeOne((hook) => faultSlot.decode(agenda, slot, hook), 'applyFault')).toEqual([fault]);
    slot = agenda.popSlot();
    expect(agenda.kinds[slot]).toBe(SLOT_ACTION);
    expect(decodeOne((hook) => actionSlot.decode(agenda, slot, hook), 'act')[0]).toBe(action);
    slot = agenda.popSlot();
    expect(agenda.kinds[slot]).toBe(SLOT_REQUEST);
    expect(decodeOne((hook) => requestSlot.decode(agenda, slot, hook), 'request')).toEqual([2, request]);
    expect(agenda.objects.every((o) => o === undefined)).toBe(true);
    const kinds = [startSlot, deliverySlot, timerSlot, faultSlot, actionSlot, requestSlot].map((codec) => codec.kind);
    expect(new Set(kinds).size).toBe(6);
    expect(agenda.size).toBe(0);
  });

  it('the sender, the drop reason and the duplicate flag share a column without bleeding into each other', () => {
    const base = { to: 1, messageId: 1, sentAtMs: 0, type: 't', body: undefined };
    const [first, second] = decodeDeliveries((queue) => {
      encodeDelivery(queue, 0, { ...base, from: DELIVERY_FROM_MAX, dropReason: DROP_REASON_MAX, duplicate: true });
      encodeDelivery(queue, 0, { ...base, from: 0, dropReason: 0, duplicate: false });
    });
    expect([first.from, first.dropReason, first.duplicate]).toEqual([DELIVERY_FROM_MAX, DROP_REASON_MAX, true]);
    expect([second.from, second.dropReason, second.duplicate]).toEqual([0, 0, false]);
  });

  it('the step and the reference decode hand each hook the fields as encoded, and the agenda holds no object once an event is handled (fast-check)', () => {
    fc.assert(
      fc.property(delivery, fc.string(), fc.anything(), (fields, name, data) => {
        const engine = new Engine(1);
        const agenda = engine.agenda;
        const got: unknown[] = [];
        // A hook that queues an event at once, in the slot just freed.
        const world: TestWorld = {
          start: () => undefined,
          deliver(...args) {
            deliverySlot.encode(agenda, 10, 0, 0, 0, false, 0, 0, 'other', { other: true });
            got.push(args);
            return true;
          },
          fire(...args) {
            got.push(args);
            return true;
          },
          applyFault: () => undefined,
          act: () => undefined,
          request: () => undefined,
          syncNextMs: () => Infinity,
          sync: () => Infinity
        };
        encodeDelivery(agenda, 1, fields);
        timerSlot.encode(agenda, 2, 3, 4, 5, name, data);
        drive(engine, world, { untilMs: 5, eventsMax: 10, inFlightMax: 10 });
        const d = fields;
        expect(got).toEqual([
          [d.to, d.from, d.dropReason, d.duplicate, d.messageId, d.sentAtMs, d.type, d.body],
          [3, 4, 5, name, data]
        ]);
        // What is left holds only the event still queued.
        expect(agenda.objects.filter((o) => o !== undefined)).toEqual(['other']);
        expect(agenda.datas.filter((o) => o !== undefined)).toEqual([{ other: true }]);
      })
    );
  });
});

describe('agenda: the run loop step', () => {
  it('popSlotUntil takes events in (time, insertion) order up to each horizon, as pushes interleave (fast-check)', () => {
    // An operation: push an event `delayMs` after the last one taken (as a handler schedules), or
    // step up to a horizon `aheadMs` after it. Far delays leave years of empty buckets; bursts
    // make the buckets double and halve.
    const op = fc.oneof(
      fc.record({ delayMs: fc.oneof(fc.integer({ min: 0, max: 3 }), fc.double({ min: 0, max: 50, noNaN: true }), fc.constant(1e6)), burst: fc.integer({ min: 1, max: 40 }) }),
      fc.record({ aheadMs: fc.oneof(fc.constant(Infinity), fc.double({ min: 0, max: 60, noNaN: true })) })
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
        const agenda = new Agenda();
        const queued: Array<{ time: number; seq: number }> = [];
        let nowMs = 0;
        let seq = 0;
        const taken: number[] = [];
        const expected: number[] = [];
        for (const o of ops) {
          if ('delayMs' in o) {
            for (let k = 0; k < o.burst; k++) {
              const time = nowMs + o.delayMs * (k + 1);
              agenda.push(time, 0, 0, 0, seq, 0, undefined, undefined);
              queued.push({ time, seq: seq++ });
            }
          } else {
            const untilMs = nowMs + o.aheadMs;
            queued.sort((x, y) => x.time - y.time || x.seq - y.seq);
            while (queued.length > 0 && queued[0].time <= untilMs) expected.push((queued.shift() as { seq: number }).seq);
            for (let slot = agenda.popSlotUntil(untilMs); slot >= 0; slot = agenda.popSlotUntil(untilMs)) {
              nowMs = agenda.times[slot];
              taken.push(agenda.ids[slot]);
            }
            expect(agenda.size).toBe(queued.length);
            expect(agenda.peekTime()).toBe(queued.length > 0 ? Math.min(...queued.map((e) => e.time)) : Infinity);
          }
        }
        expect(taken).toEqual(expected);
      })
    );
  });
});
