import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Agenda } from '../src/engine/agenda';
import {
  actionSlot,
  Delivery,
  DELIVERY_FROM_MAX,
  deliverySlot,
  DROP_REASON_MAX,
  faultSlot,
  NodeStart,
  RequestArrival,
  requestSlot,
  ScheduledAction,
  ScheduledFault,
  SLOT_DELIVERY,
  SLOT_TIMER,
  startSlot,
  TimerFiring,
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

describe('agenda slots: one encode and one decode per kind', () => {
  it('a delivery comes back field for field, at its time (fast-check)', () => {
    fc.assert(
      fc.property(delivery, fc.double({ min: 0, max: 1e15, noNaN: true }), (fields, atMs) => {
        const agenda = new Agenda();
        deliverySlot.encode(agenda, atMs, Object.assign(new Delivery(), fields));
        const slot = agenda.popSlot();
        expect(agenda.times[slot]).toBe(atMs);
        expect(agenda.kinds[slot]).toBe(SLOT_DELIVERY);
        const back = deliverySlot.decode(agenda, slot, new Delivery());
        expect({ ...back }).toEqual(fields);
        // The agenda keeps nothing alive once the slot is read.
        expect(agenda.objects[slot]).toBeUndefined();
        expect(agenda.datas[slot]).toBeUndefined();
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
      fc.property(timer, (fields) => {
        const agenda = new Agenda();
        timerSlot.encode(agenda, 3.5, Object.assign(new TimerFiring(), fields));
        const slot = agenda.popSlot();
        expect(agenda.kinds[slot]).toBe(SLOT_TIMER);
        expect({ ...timerSlot.decode(agenda, slot, new TimerFiring()) }).toEqual(fields);
        expect(agenda.objects[slot]).toBeUndefined();
        expect(agenda.datas[slot]).toBeUndefined();
      })
    );
  });

  it('start, fault, action and request slots come back, each with its own kind', () => {
    const agenda = new Agenda();
    const fault = { what: 'crash' };
    const action = () => undefined;
    const request = { id: 7 };
    startSlot.encode(agenda, 1, Object.assign(new NodeStart(), { node: 4 }));
    faultSlot.encode(agenda, 2, Object.assign(new ScheduledFault(), { fault }));
    actionSlot.encode(agenda, 3, Object.assign(new ScheduledAction(), { action }));
    requestSlot.encode(agenda, 4, Object.assign(new RequestArrival(), { node: 2, request }));
    const kinds = new Set<number>();
    let slot = agenda.popSlot();
    kinds.add(agenda.kinds[slot]);
    expect(startSlot.decode(agenda, slot, new NodeStart()).node).toBe(4);
    slot = agenda.popSlot();
    kinds.add(agenda.kinds[slot]);
    expect(faultSlot.decode(agenda, slot, new ScheduledFault()).fault).toBe(fault);
    slot = agenda.popSlot();
    kinds.add(agenda.kinds[slot]);
    expect(actionSlot.decode(agenda, slot, new ScheduledAction()).action).toBe(action);
    slot = agenda.popSlot();
    kinds.add(agenda.kinds[slot]);
    const arrival = requestSlot.decode(agenda, slot, new RequestArrival());
    expect([arrival.node, arrival.request]).toEqual([2, request]);
    expect(kinds).toEqual(new Set([startSlot.kind, faultSlot.kind, actionSlot.kind, requestSlot.kind]));
    expect(agenda.size).toBe(0);
  });

  it('the sender, the drop reason and the duplicate flag share a column without bleeding into each other', () => {
    const agenda = new Agenda();
    const out = Object.assign(new Delivery(), { from: DELIVERY_FROM_MAX, dropReason: DROP_REASON_MAX, duplicate: true });
    deliverySlot.encode(agenda, 0, out);
    deliverySlot.encode(agenda, 0, Object.assign(new Delivery(), { from: 0, dropReason: 0, duplicate: false }));
    const first = deliverySlot.decode(agenda, agenda.popSlot(), new Delivery());
    expect([first.from, first.dropReason, first.duplicate]).toEqual([DELIVERY_FROM_MAX, DROP_REASON_MAX, true]);
    const second = deliverySlot.decode(agenda, agenda.popSlot(), new Delivery());
    expect([second.from, second.dropReason, second.duplicate]).toEqual([0, 0, false]);
  });
});
