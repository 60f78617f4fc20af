// The simulated world and its run loop over the engine's step: nodes and their handlers over network, clocks, faults and trace.
import { DistlabHandlerError, DistlabLimitError } from '../core/errors';
import { DistlabInputError, parseString, invalid } from '../core/options';
import { Rng } from '../core/rng';
import { Agenda } from '../engine/agenda';
import { Engine, RunBounds, RunOutcome, STEP_DONE, STEP_SYNCED, WorldHook } from '../engine/run-loop';
import { actionSlot, DELIVERY_DROP_REASON_MASK, DELIVERY_DUPLICATE_BIT, DELIVERY_FROM_SHIFT, deliverySlot, faultSlot, requestSlot, SLOT_DELIVERY, SLOT_TIMER, startSlot, timerSlot } from '../engine/slots';
import { ClockSyncs } from '../world/clocks/syncs';
import { PhysicalClock } from '../world/clocks/physical';
import { ARRIVAL_HELD, arrivalFate, byzantineRewrite, Fault, FaultEventType, FaultWorld, NodeLife, SlowNodes } from '../world/faults/behaviour';
import type { ByzantineHook } from '../world/faults/faults';
import { DROP_NONE } from '../core/drop-reasons';
import { Link, LinkOptions, NetworkState, ROUTE_BAD_COPY_DELAY, ROUTE_BAD_DELAY } from '../world/net/network';
import type { TraceEventType } from '../trace/event';
import { Trace } from '../trace/recorder';
import type { Message, NodeContext, NodeSpec, RequestHandle } from './node-api';

/** Label of the `local` trace event of an engine clock sync (`clockOffsetChart` counts labels with `sync`). */
const CLOCK_SYNC_LABEL = 'clock sync';

/**
 * A client request's message. Messages are object literals, not a class: V8 allocates a literal
 * in place, where a constructor left out of line by its inlining budget costs a construct call
 * per message. A delivery's literal is written in the run loop itself, with the same keys in the
 * same order.
 */
function envelope(id: number, from: string, to: string, type: string, body: unknown, sentAtMs: number, duplicate: boolean, requestId: number | undefined): Message {
  return { id, from, to, type, body, sentAtMs, duplicate, requestId };
}

export class Request implements RequestHandle {
  responded = false;
  response: any = undefined;
  respondedAtMs = NaN;
  latencyMs = NaN;
  constructor(readonly id: number, readonly node: string, readonly type: string, readonly body: any, readonly atMs: number) {}
}

/** A node: its context for handlers, and the state faults change. */
export class SimNode implements NodeContext, NodeLife {
  state: any;
  durable: any;
  up = true;
  epoch = 0;
  pausedUntilMs = -Infinity;
  peers: readonly string[] = [];
  byzantine: ByzantineHook | undefined = undefined;
  /** Sender of the last message delivered here: a reply to it skips the name lookup. */
  lastFrom = '';
  lastFromIndex = -1;
  readonly random: () => number;

  constructor(
    private readonly world: SimWorld,
    readonly index: number,
    readonly node: string,
    readonly spec: NodeSpec,
    readonly clock: PhysicalClock,
    readonly rng: Rng
  ) {
    this.state = spec.state ? spec.state() : {};
    this.durable = spec.durable ? spec.durable() : {};
    this.random = () => rng.next();
  }

  get nodes(): readonly string[] {
    return this.world.nodeNames;
  }
  get timeMs(): number {
    return this.world.engine.nowMs;
  }
  clockMs(): number {
    return this.clock.readMs(this.world.engine.nowMs);
  }
  send(to: string, type: string, body?: any): number {
    // Straight to the network unless byzantine: one call fewer to inline into every handler.
    return this.byzantine === undefined ? this.world.sendChecked(this, to, type, body) : this.world.send(this, to, type, body);
  }
  broadcast(type: string, body?: any): void {
    for (const peer of this.peers) this.world.send(this, peer, type, body);
  }
  setTimer(name: string, delayMs: number, data?: any): number {
    return this.world.setTimer(this, name, delayMs, data);
  }
  cancelTimer(timerId: number): void {
    this.world.cancelTimer(timerId);
  }
  log(label: string, data?: any): void {
    parseString('label', label);
    this.world.recordEvent(this.index, 'local', -1, -1, label, data, DROP_NONE, false);
  }
  respond(request: Message, body?: any): void {
    this.world.respond(this, request, body);
  }
}

/**
 * The world the engine drives: nodes, network, clocks and faults, and the trace of what they
 * do. It runs the loop over the engine's step, answers the engine's hook (the rare kinds of
 * event, clock syncs) and the faults' view of it.
 */
export class SimWorld implements WorldHook, FaultWorld {
  readonly agenda: Agenda;
  readonly nodes: SimNode[] = [];
  readonly nodeNames: string[] = [];
  /** Node name -> index (no prototype, so any name is a plain key). */
  readonly nodeIndex: Record<string, number> = Object.create(null);
  readonly requests: RequestHandle[] = [];
  readonly stats = { events: 0, sent: 0, delivered: 0, dropped: 0, duplicated: 0, timers: 0 };
  anyByzantine = false;
  private net: NetworkState | undefined;
  private readonly linkOverrides: Array<[number, number, LinkOptions]> = [];
  private slow: SlowNodes | undefined;
  private syncs: ClockSyncs | undefined;
  private readonly cancelledTimers = new Set<number>();
  private messageCount = 0;
  private timerCount = 0;

  constructor(
    readonly engine: Engine,
    readonly seed: number,
    readonly tracing: boolean,
    readonly trace: Trace,
    readonly defaultLink: Link,
    private readonly netRandom: Rng
  ) {
    this.agenda = engine.agenda;
  }

  get nodeCount(): number {
    return this.nodes.length;
  }

  /** Whether the network exists: it is made by the first run, and nodes cannot join after. */
  get running(): boolean {
    return this.net !== undefined;
  }

  addNode(name: string, spec: NodeSpec, clock: PhysicalClock, rng: Rng): void {
    const index = this.nodes.length;
    this.nodes.push(new SimNode(this, index, name, spec, clock, rng));
    this.nodeNames.push(name);
    this.nodeIndex[name] = index;
    this.trace.addNode(name);
    for (const other of this.nodes) other.peers = this.nodeNames.filter((n) => n !== other.node);
    startSlot.encode(this.agenda, 0, index);
  }

  indexOf(node: string): number {
    const index = typeof node === 'string' ? this.nodeIndex[node] : undefined;
    if (index === undefined) {
      throw new DistlabInputError(`unknown node: ${typeof node === 'string' ? node : JSON.stringify(node)} (expected one of ${this.nodeNames.join(', ') || 'no nodes declared yet'})`);
    }
    return index;
  }

  // ---- scheduling ----

  schedule(atMs: number, fault: Fault): void {
    faultSlot.encode(this.agenda, atMs, fault);
  }

  scheduleAction(atMs: number, action: () => void): void {
    actionSlot.encode(this.agenda, atMs, action);
  }

  scheduleRequest(atMs: number, node: number, request: Request): void {
    requestSlot.encode(this.agenda, atMs, node, request);
  }

  // ---- the network ----

  network(): NetworkState {
    if (this.net === undefined) {
      const net = new NetworkState(this.nodes.length, this.defaultLink);
      for (const [a, b, options] of this.linkOverrides) net.setLink(a, b, net.links[a * net.nodeCount + b].withOptions(options, 'link'));
      this.net = net;
    }
    return this.net;
  }

  setLink(a: number, b: number, options: LinkOptions): void {
    if (this.net) this.net.setLink(a, b, this.net.links[a * this.net.nodeCount + b].withOptions(options, 'link'));
    else this.linkOverrides.push([a, b, options]);
  }

  slowness(): SlowNodes {
    if (this.slow === undefined) this.slow = new SlowNodes(this.nodes.length);
    return this.slow;
  }

  /** A send from a node's context: through its byzantine hook if it has one. */
  send(from: SimNode, to: string, type: string, body: any): number {
    if (this.anyByzantine && from.byzantine !== undefined) {
      const replacement = byzantineRewrite(from.byzantine, { to, type, body }, this.netRandom.next());
      if (replacement !== undefined) {
        let id = -1;
        for (const m of replacement) id = this.sendChecked(from, m.to, m.type, m.body);
        return id;
      }
    }
    return this.sendChecked(from, to, type, body);
  }

  /** Check, record and put one message on the network, as it is (no byzantine hook): the hot path of every send, in one function. */
  sendChecked(sender: SimNode, toName: string, type: string, body: any): number {
    const to = toName === sender.lastFrom ? sender.lastFromIndex : this.nodeIndex[toName];
    if (to === undefined || to < 0) throw new DistlabInputError(`unknown node: ${toName} (send from ${sender.node})`);
    if (typeof type !== 'string') invalid('message type', type, 'a string');
    const from = sender.index;
    const id = ++this.messageCount;
    this.stats.sent++;
    if (this.tracing) this.recordEvent(from, 'send', id, to, type, body, DROP_NONE, false);
    const net = this.net as NetworkState;
    const nowMs = this.engine.nowMs;
    const slow = this.slow;
    const routed = net.route(from, to, nowMs, this.netRandom, slow !== undefined && slow.any ? slow.extraMs : undefined);
    if (routed === ROUTE_BAD_DELAY) this.invalidLatency(from, to, net.badDelayMs);
    const reason = net.dropReason;
    if (reason !== DROP_NONE && !this.tracing) {
      // Nothing observes an untraced loss: skip the agenda. Other events keep their order.
      this.stats.dropped++;
      return id;
    }
    deliverySlot.encode(this.agenda, net.atMs, to, from, reason, false, id, nowMs, type, body);
    if (routed === ROUTE_BAD_COPY_DELAY) {
      this.stats.duplicated++;
      this.invalidLatency(from, to, net.badDelayMs);
    }
    const copyAtMs = net.copyAtMs;
    if (copyAtMs === copyAtMs) {
      this.stats.duplicated++;
      deliverySlot.encode(this.agenda, copyAtMs, to, from, DROP_NONE, true, id, nowMs, type, body);
    }
    return id;
  }

  /** A latency distribution (a learner's own, most likely) drew a delay no message can take. */
  private invalidLatency(from: number, to: number, delayMs: number): never {
    return invalid(`latency from ${this.nodeNames[from]} to ${this.nodeNames[to]}`, delayMs, 'a finite delay >= 0 ms', this.seed);
  }

  // ---- timers and requests ----

  setTimer(node: SimNode, name: string, delayMs: number, data: any): number {
    if (typeof name !== 'string' || !(delayMs >= 0) || delayMs === Infinity) this.invalidTimer(name, delayMs);
    const id = ++this.timerCount;
    const trueDelayMs = node.clock.driftPpm === 0 ? delayMs : node.clock.trueDurationMs(delayMs);
    timerSlot.encode(this.agenda, this.engine.nowMs + trueDelayMs, node.index, node.epoch, id, name, data);
    return id;
  }

  /** The error of a bad setTimer (out of setTimer's way: a handler's timers inline it). */
  private invalidTimer(name: unknown, delayMs: number): never {
    if (typeof name !== 'string') invalid('timer name', name, 'a string');
    return invalid('delayMs', delayMs, 'a number >= 0 ms');
  }

  cancelTimer(timerId: number): void {
    if (!Number.isInteger(timerId) || timerId < 1 || timerId > this.timerCount) invalid('timerId', timerId, `a timer id 1..${this.timerCount}`);
    this.cancelledTimers.add(timerId);
  }

  respond(node: SimNode, request: Message, body: any): void {
    if (request === null || typeof request !== 'object' || request.requestId === undefined) {
      invalid('request', request, 'a client request message (msg.requestId set)');
    }
    const handle = this.requests[request.requestId] as Request;
    if (handle.responded) return; // the first answer counts, like a client that has moved on
    const nowMs = this.engine.nowMs;
    handle.responded = true;
    handle.response = body;
    handle.respondedAtMs = nowMs;
    handle.latencyMs = nowMs - handle.atMs;
    this.recordEvent(node.index, 'local', -1, -1, 'response', { requestId: handle.id, body }, DROP_NONE, false);
  }

  // ---- the trace ----

  /** Record an event at the current time (no-op when tracing is off). */
  recordEvent(node: number, type: TraceEventType, msgId: number, peer: number, label: string | undefined, data: any, reason: number, duplicate: boolean): void {
    if (!this.tracing) return;
    const nowMs = this.engine.nowMs;
    const clockMs = this.nodes[node].clock.readMs(nowMs);
    this.trace.recordIndexed(nowMs, node, type, clockMs, msgId, peer, label, data, reason, duplicate);
  }

  // ---- what faults see (FaultWorld) ----

  life(node: number): NodeLife {
    return this.nodes[node];
  }

  record(node: number, type: FaultEventType, label: string | undefined, data: unknown): void {
    this.recordEvent(node, type, -1, -1, label, data, DROP_NONE, false);
  }

  restartNode(index: number, keepDurable: boolean): void {
    const node = this.nodes[index];
    const event = node.spec.onRestart ? 'onRestart' : 'start (restart)';
    try {
      node.state = node.spec.state ? node.spec.state() : {};
      if (!keepDurable) node.durable = node.spec.durable ? node.spec.durable() : {};
      this.record(index, 'restart', undefined, { keepDurable });
      const handler = node.spec.onRestart ?? node.spec.start;
      if (handler) handler(node);
    } catch (thrown) {
      throw this.handlerError(thrown, node.node, event);
    }
  }

  // ---- the engine's hook (WorldHook): the rare kinds of event, and clock syncs ----

  start(index: number): void {
    const node = this.nodes[index];
    if (node.up && node.spec.start) {
      try {
        node.spec.start(node);
      } catch (thrown) {
        throw this.handlerError(thrown, node.node, 'start');
      }
    }
  }

  // ---- the run loop ----

  /**
   * Run the engine within `bounds` until it is done or `stopWhen` (asked after every event that
   * happened, not after one put off) says stop. Whatever stops the run (the end, a bound, a
   * handler that throws), the count and the agenda's bound stay true, and what is pending stays
   * pending.
   *
   * Deliveries and timers, nearly every event, are handled here in the loop's own body, read
   * in place from the layout of engine/slots.ts; their rare paths (a hold, a drop, the trace, a
   * handler that throws) are methods of their own. V8 inlines at most about 900 bytecodes into
   * one optimized function, and handling of their own would be compiled apart and then never
   * inlined (see engine/run-loop.ts), which cost the gossip and M/M/1 benches 3 to 8 %.
   */
  run(bounds: RunBounds, stopWhen: (() => boolean) | undefined): RunOutcome {
    const engine = this.engine;
    const agenda = this.agenda;
    const nodes = this.nodes;
    let stopped = false;
    engine.begin(this, bounds);
    try {
      for (;;) {
        const slot = engine.next(this);
        if (slot === STEP_DONE) break;
        if (slot !== STEP_SYNCED) {
          const kind = agenda.kinds[slot];
          // The object columns are cleared first: a push from the handler may reuse the slot.
          if (kind === SLOT_DELIVERY) {
            const tag = agenda.tags[slot];
            const type = agenda.objects[slot] as string;
            const body = agenda.datas[slot];
            agenda.objects[slot] = undefined;
            agenda.datas[slot] = undefined;
            const toIndex = agenda.nodes[slot];
            const fromIndex = tag >> DELIVERY_FROM_SHIFT;
            const duplicate = (tag & DELIVERY_DUPLICATE_BIT) !== 0;
            const id = agenda.ids[slot];
            const sentAtMs = agenda.auxs[slot];
            const node = nodes[toIndex];
            let reason = tag & DELIVERY_DROP_REASON_MASK;
            if (reason === DROP_NONE) reason = arrivalFate(this.net as NetworkState, node, fromIndex, toIndex, engine.nowMs);
            if (reason !== DROP_NONE) {
              if (!this.undelivered(node, fromIndex, reason, duplicate, id, sentAtMs, type, body)) continue;
            } else {
              this.stats.delivered++;
              if (this.tracing) this.recordDelivery(toIndex, fromIndex, id, type, body, duplicate);
              const from = this.nodeNames[fromIndex];
              node.lastFrom = from;
              node.lastFromIndex = fromIndex;
              const handler = node.spec.onMessage;
              if (handler !== undefined) {
                try {
                  handler(node, { id, from, to: node.node, type, body, sentAtMs, duplicate, requestId: undefined });
                } catch (thrown) {
                  throw this.messageHandlerError(thrown, node, type, from);
                }
              }
            }
          } else if (kind === SLOT_TIMER) {
            const name = agenda.objects[slot] as string;
            const data = agenda.datas[slot];
            agenda.objects[slot] = undefined;
            agenda.datas[slot] = undefined;
            const index = agenda.nodes[slot];
            const timerId = agenda.ids[slot];
            const node = nodes[index];
            // Void: set before a crash (a stale epoch), on a node that is down, or cancelled.
            if (agenda.tags[slot] !== node.epoch || !node.up) continue;
            if (this.cancelledTimers.size > 0 && this.cancelledTimers.delete(timerId)) continue;
            if (node.pausedUntilMs > engine.nowMs) {
              this.holdTimer(node, timerId, name, data);
              continue;
            }
            this.stats.timers++;
            if (this.tracing) this.recordTimer(index, name, data);
            const handler = node.spec.onTimer;
            if (handler !== undefined) {
              try {
                handler(node, name, data);
              } catch (thrown) {
                throw this.timerHandlerError(thrown, node, name);
              }
            }
          } else {
            engine.dispatchOther(this, kind, slot);
          }
        }
        if (stopWhen !== undefined && stopWhen()) {
          stopped = true;
          break;
        }
      }
    } finally {
      engine.end();
    }
    return engine.outcome(stopped);
  }

  /**
   * A message that is not handled now. Reaching a paused node (ARRIVAL_HELD), it waits until the
   * pause ends (put off: false); lost on arrival, or already lost on the way and traced, it
   * happened, as a drop (true).
   */
  private undelivered(node: SimNode, fromIndex: number, reason: number, duplicate: boolean, id: number, sentAtMs: number, type: string, body: unknown): boolean {
    if (reason === ARRIVAL_HELD) {
      deliverySlot.encode(this.agenda, node.pausedUntilMs, node.index, fromIndex, DROP_NONE, duplicate, id, sentAtMs, type, body);
      return false;
    }
    this.stats.dropped++;
    if (this.tracing) this.recordEvent(node.index, 'drop', id, fromIndex, type, body, reason, duplicate);
    return true;
  }

  private recordDelivery(toIndex: number, fromIndex: number, id: number, type: string, body: unknown, duplicate: boolean): void {
    this.recordEvent(toIndex, 'deliver', id, fromIndex, type, body, DROP_NONE, duplicate);
  }

  private messageHandlerError(thrown: unknown, node: SimNode, type: string, from: string): unknown {
    return this.handlerError(thrown, node.node, `onMessage(${type} from ${from})`);
  }

  /** A timer due on a paused node fires when the pause ends (put off: false). */
  private holdTimer(node: SimNode, timerId: number, name: string, data: unknown): void {
    timerSlot.encode(this.agenda, node.pausedUntilMs, node.index, node.epoch, timerId, name, data);
  }

  private recordTimer(index: number, name: string, data: unknown): void {
    this.recordEvent(index, 'timer', -1, -1, name, data, DROP_NONE, false);
  }

  private timerHandlerError(thrown: unknown, node: SimNode, name: string): unknown {
    return this.handlerError(thrown, node.node, `onTimer(${name})`);
  }

  applyFault(fault: unknown): void {
    (fault as Fault).apply(this);
  }

  act(action: () => void): void {
    try {
      action();
    } catch (thrown) {
      throw this.handlerError(thrown, undefined, 'an action scheduled with sim.at');
    }
  }

  request(index: number, arrival: unknown): void {
    const node = this.nodes[index];
    const request = arrival as Request;
    if (!node.up) return;
    if (node.pausedUntilMs > this.engine.nowMs) {
      this.scheduleRequest(node.pausedUntilMs, index, request);
      return;
    }
    const env = envelope(-1, 'client', node.node, request.type, request.body, request.atMs, false, request.id);
    this.recordEvent(index, 'local', -1, -1, `request:${request.type}`, { requestId: request.id, body: request.body }, DROP_NONE, false);
    if (node.spec.onMessage) {
      try {
        node.spec.onMessage(node, env);
      } catch (thrown) {
        throw this.handlerError(thrown, node.node, `onMessage(${request.type} from client)`);
      }
    }
  }

  syncNextMs(): number {
    if (this.syncs === undefined) this.syncs = new ClockSyncs(this.nodes.map((node) => node.clock), this.engine.nowMs);
    return this.syncs.nextMs();
  }

  /**
   * The sync due now, of the first node in declaration order: recorded as a `local` event
   * `clock sync` with the clock's reading right after it (what `clockOffsetChart` marks).
   */
  sync(): number {
    const syncs = this.syncs as ClockSyncs;
    const nowMs = this.engine.nowMs;
    const index = syncs.syncDue(nowMs);
    if (this.tracing) {
      const errorMs = this.nodes[index].clock.readMs(nowMs) - nowMs;
      this.record(index, 'local', CLOCK_SYNC_LABEL, { errorMs });
    }
    return syncs.nextMs();
  }

  /**
   * The error to throw for what learner code threw while handling an event: distlab's own errors
   * (bad input, a bound) already say what went wrong and pass unchanged.
   */
  handlerError(thrown: unknown, node: string | undefined, event: string): unknown {
    if (thrown instanceof DistlabInputError || thrown instanceof DistlabLimitError || thrown instanceof DistlabHandlerError) return thrown;
    return new DistlabHandlerError(node, event, this.engine.nowMs, this.seed, thrown);
  }
}
