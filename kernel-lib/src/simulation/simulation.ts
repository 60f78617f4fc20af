// The Simulation API and its run loop: nodes, messages, timers, faults, clocks, trace, bounds.
import { PhysicalClock, PhysicalClockOptions, PHYSICAL_CLOCK_KEYS } from '../world/clocks/physical';
import { ByzantineHook, checkByzantineHook, checkCrash, checkPause, checkRestart, checkSlow, CrashOptions, faultTimeMs, OutgoingMessage, PauseOptions, RestartOptions, SlowOptions } from '../world/faults/faults';
import { Link, LinkOptions, NetworkState } from '../world/net/network';
import { checkPartitionOptions, HealOptions, PartitionOptions, SplitOptions } from '../world/net/partition';
import { DistlabInputError, assert, checkInteger, checkNumber, checkSeed, checkString, invalid, rejectUnknownKeys } from '../core/options';
import { TraceEventType } from '../trace/event';
import { Trace } from '../trace/recorder';
import { DistlabHandlerError, DistlabLimitError } from '../core/errors';
import { Agenda } from '../engine/agenda';
import { Rng } from '../core/rng';

/** A message as a node receives it. */
export interface Message {
  /** Unique id of the send (a duplicate copy keeps it). */
  readonly id: number;
  /** Sender node name (`client` for a client request). */
  readonly from: string;
  /** Receiver node name. */
  readonly to: string;
  /** Message type, e.g. `ping`, `vote`, `append`. */
  readonly type: string;
  /** Payload. */
  readonly body: any;
  /** Virtual time of the send, in ms. */
  readonly sentAtMs: number;
  /** True for the network's duplicate copy. */
  readonly duplicate: boolean;
  /** Set on client requests (see `sim.request`); answer with `ctx.respond(msg, body)`. */
  readonly requestId?: number;
}

/** What a node can do from inside its handlers. */
export interface NodeContext<S = any, D = any> {
  /** This node's name. */
  readonly node: string;
  /** Volatile state: reset by `state()` at start and at every restart. */
  state: S;
  /** Durable state (the "disk"): survives a restart unless `keepDurable: false`. */
  durable: D;
  /** All node names, in declaration order. */
  readonly nodes: readonly string[];
  /** The other nodes. */
  readonly peers: readonly string[];
  /** True virtual time in ms. Omniscient: a real node cannot read it; use `clockMs()`. */
  readonly timeMs: number;
  /** This node's physical clock reading, in ms (skewed, drifting, maybe synced). */
  clockMs(): number;
  /** Send a message; returns its id. */
  send(to: string, type: string, body?: any): number;
  /** Send a message to every peer. */
  broadcast(type: string, body?: any): void;
  /** Fire `onTimer(ctx, name, data)` after `delayMs` of this node's clock; returns the timer id. */
  setTimer(name: string, delayMs: number, data?: any): number;
  /** Cancel a timer by id (no effect if it already fired). */
  cancelTimer(timerId: number): void;
  /** Record a local event in the trace (e.g. `ctx.log('leader', { term })`). */
  log(label: string, data?: any): void;
  /** A uniform number in [0, 1) from this node's own seeded stream. */
  random(): number;
  /** Answer a client request (a message with `requestId`). */
  respond(request: Message, body?: any): void;
}

/** A node's behaviour. Every member is optional. */
export interface NodeSpec<S = any, D = any> {
  /** Fresh volatile state, called at start and at every restart. Default: `{}`. */
  state?: () => S;
  /** Fresh durable state (its "disk"), called at start and on a restart that loses the disk. Default: `{}`. */
  durable?: () => D;
  /** Called at time 0, and after a restart unless `onRestart` is given. */
  start?: (ctx: NodeContext<S, D>) => void;
  /** Called for every delivered message. */
  onMessage?: (ctx: NodeContext<S, D>, msg: Message) => void;
  /** Called when a timer fires. */
  onTimer?: (ctx: NodeContext<S, D>, name: string, data: any) => void;
  /** Called after a restart instead of `start`. */
  onRestart?: (ctx: NodeContext<S, D>) => void;
  /** This node's physical clock. Default: from the simulation's `clocks` option (perfect clocks if none). */
  clock?: PhysicalClockOptions;
}

/** Random physical clocks for every node. */
export interface ClockSpreadOptions {
  /** Each node's initial offset is uniform in ±offsetMsMax, in ms. Default 0. */
  offsetMsMax?: number;
  /** Each node's drift is uniform in ±driftPpmMax, in ppm. Default 0. */
  driftPpmMax?: number;
  /** NTP-like sync period for every node, in ms. Default: never. */
  syncIntervalMs?: number;
  /** Error bound of each sync, in ms. Default 1. */
  syncErrorMs?: number;
}

export interface SimulationOptions {
  /** Seed of every random choice: the same seed replays the same run, byte for byte. Default 1. */
  seed?: number;
  /** Default for every link: latency, dropProbability, duplicateProbability, reorderProbability, fifo. Default: 'same-datacenter' latency, no loss. */
  network?: LinkOptions;
  /** Record a trace. Default true. Turn off for Monte Carlo speed. */
  trace?: boolean;
  /** Random skew and drift for every node's physical clock. Default: perfect clocks. */
  clocks?: ClockSpreadOptions;
}

export interface RunOptions {
  /** Horizon: process events up to this virtual time, in ms, then stop (not an error). Default: until no event is left. */
  untilMs?: number;
  /** Most events this call may process; going past it throws with the seed (a livelock never hangs the kernel). Default 1,000,000. */
  eventsMax?: number;
  /**
   * Most events pending at once (messages in flight, timers set, scheduled faults); going past it
   * throws with the virtual time and the seed, so a handler that sends more than the network
   * delivers (a fan-out storm) stops before it fills the memory. Default 100,000.
   */
  inFlightMax?: number;
  /** Stop as soon as this returns true (checked after every event). Default: never. */
  stopWhen?: (sim: Simulation) => boolean;
}

/** Default of `run({ inFlightMax })`: events pending at once. */
export const IN_FLIGHT_MAX_DEFAULT = 100_000;

export interface RunResult {
  /** Virtual time when the run stopped, in ms. */
  timeMs: number;
  /** Events processed by this call. */
  events: number;
  /** Why it stopped: the horizon, no events left, or `stopWhen`. */
  stoppedBy: 'untilMs' | 'idle' | 'stopWhen';
}

/** A client request sent with `sim.request`, filled in when a node responds. */
export interface RequestHandle {
  readonly id: number;
  readonly node: string;
  readonly type: string;
  readonly body: any;
  /** When the request reaches the node, in ms. */
  readonly atMs: number;
  /** True once a node called `ctx.respond`. */
  responded: boolean;
  /** The response body. */
  response: any;
  /** When the response was given, in ms (NaN until then). */
  respondedAtMs: number;
  /** respondedAtMs − atMs, in ms (NaN until answered). */
  latencyMs: number;
}

const K_START = 0;
const K_DELIVER = 1;
const K_TIMER = 2;
const K_CONTROL = 3;
const K_REQUEST = 4;

const REASON_NONE = 0;
const REASON_LOSS = 1;
const REASON_PARTITION = 2;
const REASON_CRASHED = 3;
const REASONS = [undefined, 'loss', 'partition', 'crashed'];
// A message's `tags` column: sender index above FROM_SHIFT bits, then the duplicate flag and the drop reason.
const REASON_MASK = 3;
const DUPLICATE_BIT = 4;
const FROM_SHIFT = 3;

/** Label of the `local` trace event of an engine clock sync (`clockOffsetChart` counts labels with `sync`). */
const CLOCK_SYNC_LABEL = 'clock sync';

const STREAM_NETWORK = 1;
const STREAM_SCENARIO = 2;
const STREAM_NODE = 1000;
const STREAM_CLOCK = 500000;

// Made when a message is delivered; in flight, a message lives in the event queue's columns.
class Envelope implements Message {
  // Set in the constructor so every envelope has one shape (monomorphic handler code).
  requestId: number | undefined = undefined;
  constructor(
    readonly id: number,
    readonly from: string,
    readonly to: string,
    readonly type: string,
    readonly body: any,
    readonly sentAtMs: number,
    readonly duplicate: boolean
  ) {}
}

class Request implements RequestHandle {
  responded = false;
  response: any = undefined;
  respondedAtMs = NaN;
  latencyMs = NaN;
  constructor(readonly id: number, readonly node: string, readonly type: string, readonly body: any, readonly atMs: number) {}
}

class SimNode implements NodeContext {
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
    private readonly sim: Simulation,
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
    return this.sim.nodeNames;
  }
  get timeMs(): number {
    return this.sim.timeMs;
  }
  clockMs(): number {
    return this.clock.readMs(this.sim.timeMs);
  }
  send(to: string, type: string, body?: any): number {
    return this.sim._send(this, to, type, body);
  }
  broadcast(type: string, body?: any): void {
    for (const peer of this.peers) this.sim._send(this, peer, type, body);
  }
  setTimer(name: string, delayMs: number, data?: any): number {
    return this.sim._setTimer(this, name, delayMs, data);
  }
  cancelTimer(timerId: number): void {
    this.sim._cancelTimer(timerId);
  }
  log(label: string, data?: any): void {
    checkString('label', label);
    this.sim._record(this.index, 'local', -1, -1, label, data, REASON_NONE, false);
  }
  respond(request: Message, body?: any): void {
    this.sim._respond(this, request, body);
  }
}

/**
 * The simulated world: nodes, network, clocks and faults, driven by one event queue in
 * virtual time and one seed. Build it with `simulation()`, declare nodes, then `run()`.
 */
export class Simulation {
  /** Seed of this run. */
  readonly seed: number;
  /** The trace (empty when tracing is off). */
  readonly trace: Trace;
  /** Whether events are recorded. */
  readonly tracing: boolean;
  /** Node names, in declaration order. */
  readonly nodeNames: string[] = [];
  /** Client requests, in the order they were made. */
  readonly requests: RequestHandle[] = [];
  /** Counters of the whole run. */
  readonly stats = { events: 0, sent: 0, delivered: 0, dropped: 0, duplicated: 0, timers: 0 };
  /** Random stream for scenario code (random partitions, workloads), separate from the network's. */
  readonly random: Rng;

  private now = 0;
  private readonly queue = new Agenda();
  private readonly nodes: SimNode[] = [];
  /** Node name -> index (no prototype, so any name is a plain key). */
  private readonly nodeIndex: Record<string, number> = Object.create(null);
  private readonly netRandom: Rng;
  private readonly defaultLink: Link;
  private readonly linkOverrides: Array<[number, number, LinkOptions]> = [];
  private net: NetworkState | undefined;
  private slowExtraMs: Float64Array | undefined;
  private anySlow = false;
  private anyByzantine = false;
  private readonly clockSpread: Required<Omit<ClockSpreadOptions, 'syncIntervalMs'>> & { syncIntervalMs?: number };
  private readonly cancelledTimers = new Set<number>();
  private messageCount = 0;
  private timerCount = 0;
  /** Per node, the true time of its clock's next sync (Infinity: never); made by the first run. */
  private syncDueMs: Float64Array | undefined;

  constructor(options: SimulationOptions = {}) {
    rejectUnknownKeys('simulation', options, ['seed', 'network', 'trace', 'clocks']);
    this.seed = checkSeed(options.seed);
    if (options.trace !== undefined && typeof options.trace !== 'boolean') invalid('trace', options.trace, 'true or false');
    this.tracing = options.trace ?? true;
    this.trace = new Trace(this.seed);
    this.defaultLink = Link.fromOptions(options.network, 'network');
    rejectUnknownKeys('clocks', options.clocks, ['offsetMsMax', 'driftPpmMax', 'syncIntervalMs', 'syncErrorMs']);
    const clocks = options.clocks ?? {};
    this.clockSpread = {
      offsetMsMax: checkNumber('offsetMsMax', clocks.offsetMsMax ?? 0, 0, 1e12, 'ms'),
      driftPpmMax: checkNumber('driftPpmMax', clocks.driftPpmMax ?? 0, 0, 1e5, 'ppm'),
      syncErrorMs: checkNumber('syncErrorMs', clocks.syncErrorMs ?? 1, 0, Infinity, 'ms'),
      syncIntervalMs: clocks.syncIntervalMs === undefined ? undefined : checkNumber('syncIntervalMs', clocks.syncIntervalMs, Number.MIN_VALUE, Infinity, 'ms')
    };
    this.netRandom = new Rng(this.seed, STREAM_NETWORK);
    this.random = new Rng(this.seed, STREAM_SCENARIO);
  }

  /** Current virtual time, in ms. */
  get timeMs(): number {
    return this.now;
  }

  /** Declare a node with its behaviour. Nodes start at time 0 in declaration order. */
  node<S = any, D = any>(name: string, spec: NodeSpec<S, D> = {}): this {
    checkString('node name', name);
    name = internalized(name);
    if (this.nodeIndex[name] !== undefined) throw new DistlabInputError(`duplicate node: ${name}`);
    if (this.net) throw new DistlabInputError(`cannot add node ${name} after run() has started`);
    rejectUnknownKeys(`node ${name}`, spec, ['state', 'durable', 'start', 'onMessage', 'onTimer', 'onRestart', 'clock']);
    for (const key of ['state', 'durable', 'start', 'onMessage', 'onTimer', 'onRestart'] as const) {
      if (spec[key] !== undefined && typeof spec[key] !== 'function') invalid(key, spec[key], 'a function');
    }
    const index = this.nodes.length;
    const clockRandom = new Rng(this.seed, STREAM_CLOCK + index);
    let clockOptions: PhysicalClockOptions;
    if (spec.clock !== undefined) {
      rejectUnknownKeys(`clock of ${name}`, spec.clock, PHYSICAL_CLOCK_KEYS);
      clockOptions = spec.clock;
    } else {
      const spread = this.clockSpread;
      clockOptions = {
        offsetMs: spread.offsetMsMax * (2 * clockRandom.next() - 1),
        driftPpm: spread.driftPpmMax * (2 * clockRandom.next() - 1),
        syncIntervalMs: spread.syncIntervalMs,
        syncErrorMs: spread.syncErrorMs
      };
    }
    const node = new SimNode(this, index, name, spec as NodeSpec, new PhysicalClock(clockOptions, clockRandom), new Rng(this.seed, STREAM_NODE + index));
    this.nodes.push(node);
    this.nodeNames.push(name);
    this.nodeIndex[name] = index;
    this.trace.addNode(name);
    for (const other of this.nodes) other.peers = this.nodeNames.filter((n) => n !== other.node);
    this.queue.push(0, K_START, index, 0, 0, 0, undefined, undefined);
    return this;
  }

  /** Declare several nodes with the same behaviour. */
  nodesOf<S = any, D = any>(names: string[], spec: NodeSpec<S, D> = {}): this {
    if (!Array.isArray(names)) invalid('names', names, 'an array of node names');
    for (const name of names) this.node(name, spec);
    return this;
  }

  /** Override how messages travel from `from` to `to` (and back, unless `oneWay`). */
  link(from: string, to: string, options: LinkOptions & { oneWay?: boolean }): this {
    const a = this.indexOf(from);
    const b = this.indexOf(to);
    const { oneWay, ...linkOptions } = options ?? {};
    if (oneWay !== undefined && typeof oneWay !== 'boolean') invalid('oneWay', oneWay, 'true or false');
    this.defaultLink.withOptions(linkOptions, 'link'); // check now, before the run
    this.setLink(a, b, linkOptions);
    if (!oneWay) this.setLink(b, a, linkOptions);
    return this;
  }

  /**
   * Cut the network between `sideA` and `sideB` (default: every other node).
   * Messages in flight across the cut are lost too.
   */
  partition(sideA: string[], sideB?: string[], options?: PartitionOptions): this {
    const a = this.indicesOf('sideA', sideA);
    const b = sideB === undefined ? this.nodes.map((n) => n.index).filter((i) => !a.includes(i)) : this.indicesOf('sideB', sideB);
    for (const i of a) if (b.includes(i)) invalid('sideB', sideB, `nodes not in sideA (${this.nodeNames[i]} is in both)`);
    const { atMs, untilMs, oneWay } = checkPartitionOptions('partition', options, this.now);
    const label = `${sideA.join(',')} ${oneWay ? '->' : '|'} ${(sideB ?? b.map((i) => this.nodeNames[i])).join(',')}`;
    this.control(atMs, () => {
      const net = this.network();
      net.block(a, b);
      if (!oneWay) net.block(b, a);
      for (const i of [...a, ...b]) this._record(i, 'partition', -1, -1, label, undefined, REASON_NONE, false);
    });
    if (untilMs !== Infinity) {
      this.control(untilMs, () => {
        const net = this.network();
        net.unblock(a, b);
        if (!oneWay) net.unblock(b, a);
        for (const i of [...a, ...b]) this._record(i, 'heal', -1, -1, label, undefined, REASON_NONE, false);
      });
    }
    return this;
  }

  /** Cut one node off from all others. */
  isolate(node: string, options?: PartitionOptions): this {
    return this.partition([node], undefined, options);
  }

  /** Split the cluster into a majority and a minority (default minority: the last ⌊(n−1)/2⌋ nodes). */
  split(options?: SplitOptions): this {
    rejectUnknownKeys('split', options, ['minority', 'atMs', 'untilMs']);
    const n = this.nodes.length;
    if (n < 2) invalid('nodes', n, 'at least 2 nodes to split');
    const minority = options?.minority ?? this.nodeNames.slice(n - Math.floor((n - 1) / 2));
    if (minority.length === 0 || minority.length >= n) invalid('minority', minority, `between 1 and ${n - 1} nodes`);
    return this.partition(minority, undefined, { atMs: options?.atMs, untilMs: options?.untilMs });
  }

  /** Heal every partition. */
  heal(options?: HealOptions): this {
    rejectUnknownKeys('heal', options, ['atMs']);
    const atMs = faultTimeMs('heal', options?.atMs, this.now);
    this.control(atMs, () => {
      this.network().healAll();
      for (const node of this.nodes) this._record(node.index, 'heal', -1, -1, 'all', undefined, REASON_NONE, false);
    });
    return this;
  }

  /** Crash a node: it stops, loses its timers and volatile state, and messages to it are lost. */
  crash(node: string, options?: CrashOptions): this {
    const target = this.nodes[this.indexOf(node)];
    const o = checkCrash(options);
    const atMs = faultTimeMs('crash', o.atMs, this.now);
    this.control(atMs, () => this.crashNow(target));
    if (o.restartAfterMs !== undefined) this.control(atMs + o.restartAfterMs, () => this.restartNow(target, o.keepDurable ?? true));
    return this;
  }

  /** Restart a crashed node: fresh volatile state, durable state kept unless `keepDurable: false`. */
  restart(node: string, options?: RestartOptions): this {
    const target = this.nodes[this.indexOf(node)];
    const o = checkRestart(options);
    const atMs = faultTimeMs('restart', o.atMs, this.now);
    this.control(atMs, () => this.restartNow(target, o.keepDurable ?? true));
    return this;
  }

  /** Stall a node (GC pause): it handles nothing for `durationMs`, then catches up on what queued. */
  pause(node: string, options: PauseOptions): this {
    const target = this.nodes[this.indexOf(node)];
    const o = checkPause(options);
    const atMs = faultTimeMs('pause', o.atMs, this.now);
    this.control(atMs, () => {
      if (!target.up) return;
      target.pausedUntilMs = Math.max(target.pausedUntilMs, atMs + o.durationMs);
      this._record(target.index, 'pause', -1, -1, undefined, { durationMs: o.durationMs }, REASON_NONE, false);
      this.control(atMs + o.durationMs, () => {
        if (target.up && target.pausedUntilMs === atMs + o.durationMs) this._record(target.index, 'resume', -1, -1, undefined, undefined, REASON_NONE, false);
      });
    });
    return this;
  }

  /** Make a node slow: every message it sends or receives takes `extraDelayMs` longer. */
  slow(node: string, options: SlowOptions): this {
    const index = this.indexOf(node);
    const o = checkSlow(options);
    const atMs = faultTimeMs('slow', o.atMs, this.now);
    if (o.untilMs !== undefined) checkNumber('untilMs', o.untilMs, atMs, Infinity, 'ms');
    this.control(atMs, () => {
      this.slowTable()[index] = o.extraDelayMs;
      this.anySlow = true;
      this._record(index, 'local', -1, -1, 'slow', { extraDelayMs: o.extraDelayMs }, REASON_NONE, false);
    });
    if (o.untilMs !== undefined) {
      this.control(o.untilMs, () => {
        this.slowTable()[index] = 0;
        this._record(index, 'local', -1, -1, 'fast', undefined, REASON_NONE, false);
      });
    }
    return this;
  }

  /** Make a node byzantine: `hook` sees every message it sends and may replace it (lie, equivocate, drop). */
  byzantine(node: string, hook: ByzantineHook): this {
    this.nodes[this.indexOf(node)].byzantine = checkByzantineHook(hook);
    this.anyByzantine = true;
    return this;
  }

  /** A client request to `node` at `atMs`; it arrives as a message from `client`. Returns a handle filled in on response. */
  request(node: string, type: string, body?: any, options?: { atMs?: number }): RequestHandle {
    const index = this.indexOf(node);
    checkString('type', type);
    rejectUnknownKeys('request', options, ['atMs']);
    const atMs = faultTimeMs('request', options?.atMs, this.now);
    const request = new Request(this.requests.length, node, type, body, atMs);
    this.requests.push(request);
    this.queue.push(atMs, K_REQUEST, index, 0, 0, 0, request, undefined);
    return request;
  }

  /** Run `action` at virtual time `atMs` (e.g. change a link, inject a fault from a condition). */
  at(atMs: number, action: (sim: Simulation) => void): this {
    checkNumber('atMs', atMs, this.now, Infinity, 'ms');
    if (typeof action !== 'function') invalid('action', action, 'a function');
    this.control(atMs, () => action(this));
    return this;
  }

  /** Volatile state of a node. */
  stateOf(node: string): any {
    return this.nodes[this.indexOf(node)].state;
  }

  /** Durable state of a node. */
  durableOf(node: string): any {
    return this.nodes[this.indexOf(node)].durable;
  }

  /** Whether a node is running (not crashed). */
  isUp(node: string): boolean {
    return this.nodes[this.indexOf(node)].up;
  }

  /** Events pending now: messages in flight, timers set, scheduled faults and actions (also after a run threw). */
  get pendingEvents(): number {
    return this.queue.size;
  }

  /** A node's physical clock. */
  clockOf(node: string): PhysicalClock {
    return this.nodes[this.indexOf(node)].clock;
  }

  /** Process events in time order until the horizon, no event left, or `stopWhen`. */
  run(options?: RunOptions): RunResult {
    rejectUnknownKeys('run', options, ['untilMs', 'eventsMax', 'inFlightMax', 'stopWhen']);
    const untilMs = options?.untilMs === undefined ? Infinity : checkNumber('untilMs', options.untilMs, this.now, Infinity, 'ms');
    const eventsMax = checkInteger('eventsMax', options?.eventsMax ?? 1_000_000, 1, Number.MAX_SAFE_INTEGER);
    const inFlightMax = checkInteger('inFlightMax', options?.inFlightMax ?? IN_FLIGHT_MAX_DEFAULT, 1, Number.MAX_SAFE_INTEGER);
    const stopWhen = options?.stopWhen;
    if (stopWhen !== undefined && typeof stopWhen !== 'function') invalid('stopWhen', stopWhen, 'a function (sim) => boolean');
    const net = this.network();
    const queue = this.queue;
    if (queue.size > inFlightMax) this.inFlightExceeded(inFlightMax, queue.size);
    queue.setSizeMax(inFlightMax, (size) => this.inFlightExceeded(inFlightMax, size));
    const nodes = this.nodes;
    const tracing = this.tracing;
    const nodeCount = nodes.length;
    let events = 0;
    let stoppedBy: RunResult['stoppedBy'] = 'idle';
    // The earliest clock sync of any node (Infinity if no clock syncs): an event of its own.
    let syncNextMs = this.syncNextMs();
    // Whatever stops the run (the end, a bound, a handler that throws), the statistics and the
    // queue's bound stay true: the events processed are counted, and what is pending stays pending.
    try {
      for (;;) {
        if (events >= eventsMax && ((queue.size > 0 && queue.peekTime() <= untilMs) || (syncNextMs <= untilMs && untilMs < Infinity))) {
          this.eventsExceeded(eventsMax, syncNextMs <= untilMs);
        }
        // A clock sync comes before the queue's next event (or, on the way to a horizon, after the
        // last one). Past the last event of a run without a horizon nothing can observe a sync.
        if (syncNextMs <= untilMs && syncNextMs !== Infinity && (queue.size === 0 ? untilMs < Infinity : syncNextMs <= queue.peekTime())) {
          events++;
          this.now = syncNextMs;
          syncNextMs = this.syncClock();
          if (stopWhen !== undefined && this.stopsWhen(stopWhen)) {
            stoppedBy = 'stopWhen';
            break;
          }
          continue;
        }
        const slot = queue.popSlotUntil(untilMs);
        if (slot < 0) {
          if (queue.size > 0) stoppedBy = 'untilMs';
          break;
        }
        const time = queue.times[slot];
        events++;
        assert(time >= this.now, 'time went backwards');
        this.now = time;
        // Read the popped entry's columns before anything can push (a push reuses the slot).
        const kind = queue.kinds[slot];
        const object = queue.objects[slot];
        queue.objects[slot] = undefined;
        if (kind === K_DELIVER) {
          // A message in flight has no object: receiver in `nodes`, sender, duplicate flag and
          // drop reason packed in `tags`, message id in `ids`, send time in `auxs`, type in
          // `objects`, body in `datas`. The envelope a handler sees is made on delivery.
          const toIndex = queue.nodes[slot];
          const tag = queue.tags[slot];
          const fromIndex = tag >> FROM_SHIFT;
          const id = queue.ids[slot];
          const type = object as string;
          const body = queue.datas[slot];
          queue.datas[slot] = undefined;
          const node = nodes[toIndex];
          let reason = tag & REASON_MASK;
          if (reason === REASON_NONE) {
            if (net.blockedCount > 0 && net.blocked[fromIndex * nodeCount + toIndex] > 0) reason = REASON_PARTITION;
            else if (!node.up) reason = REASON_CRASHED;
            else if (node.pausedUntilMs > time) {
              queue.push(node.pausedUntilMs, K_DELIVER, toIndex, tag, id, queue.auxs[slot], type, body);
              continue;
            }
          }
          const duplicate = (tag & DUPLICATE_BIT) !== 0;
          if (reason !== REASON_NONE) {
            this.stats.dropped++;
            if (tracing) this._record(toIndex, 'drop', id, fromIndex, type, body, reason, duplicate);
          } else {
            this.stats.delivered++;
            if (tracing) this._record(toIndex, 'deliver', id, fromIndex, type, body, REASON_NONE, duplicate);
            const from = this.nodeNames[fromIndex];
            node.lastFrom = from;
            node.lastFromIndex = fromIndex;
            const handler = node.spec.onMessage;
            if (handler !== undefined) {
              try {
                handler(node, new Envelope(id, from, node.node, type, body, queue.auxs[slot], duplicate));
              } catch (thrown) {
                throw this.handlerError(thrown, node.node, `onMessage(${type} from ${from})`);
              }
            }
          }
        } else if (kind === K_TIMER) {
          // A timer: name in `objects`, data in `datas`, timer id in `ids`, node epoch in `tags`.
          const node = nodes[queue.nodes[slot]];
          const epoch = queue.tags[slot];
          const timerId = queue.ids[slot];
          const name = object as string;
          const data = queue.datas[slot];
          queue.datas[slot] = undefined;
          if (epoch !== node.epoch || !node.up) continue;
          if (this.cancelledTimers.size > 0 && this.cancelledTimers.delete(timerId)) continue;
          if (node.pausedUntilMs > time) {
            queue.push(node.pausedUntilMs, K_TIMER, node.index, node.epoch, timerId, 0, name, data);
            continue;
          }
          this.stats.timers++;
          if (tracing) this._record(node.index, 'timer', -1, -1, name, data, REASON_NONE, false);
          const handler = node.spec.onTimer;
          if (handler !== undefined) {
            try {
              handler(node, name, data);
            } catch (thrown) {
              throw this.handlerError(thrown, node.node, `onTimer(${name})`);
            }
          }
        } else if (kind === K_CONTROL) {
          try {
            (object as () => void)();
          } catch (thrown) {
            throw this.handlerError(thrown, undefined, 'an action scheduled with sim.at');
          }
        } else if (kind === K_START) {
          const node = nodes[queue.nodes[slot]];
          if (node.up && node.spec.start) {
            try {
              node.spec.start(node);
            } catch (thrown) {
              throw this.handlerError(thrown, node.node, 'start');
            }
          }
        } else {
          assert(kind === K_REQUEST, `unknown event kind ${kind}`);
          this.deliverRequest(nodes[queue.nodes[slot]], object as Request);
        }
        if (stopWhen !== undefined && this.stopsWhen(stopWhen)) {
          stoppedBy = 'stopWhen';
          break;
        }
      }
    } finally {
      // Outside run() the learner's own calls (at, request, crash) schedule events: no bound there.
      queue.setSizeMax(Infinity);
      this.stats.events += events;
    }
    if (stoppedBy !== 'stopWhen' && untilMs !== Infinity) this.now = untilMs;
    return { timeMs: this.now, events, stoppedBy };
  }

  private eventsExceeded(eventsMax: number, syncsPending: boolean): never {
    const pending = syncsPending ? 'events still pending (clock syncs count as events)' : 'events still pending';
    throw new DistlabLimitError(`eventsMax exceeded: ${eventsMax} events by t=${this.now} ms, ${pending}`, this.seed);
  }

  /** The earliest next clock sync over all nodes, in ms (Infinity if none syncs). */
  private syncNextMs(): number {
    if (this.syncDueMs === undefined) {
      this.syncDueMs = Float64Array.from(this.nodes, (node) => node.clock.nextSyncAfterMs(this.now));
    }
    let next = Infinity;
    for (const due of this.syncDueMs) if (due < next) next = due;
    return next;
  }

  /**
   * The sync due now, of the first node in declaration order: recorded as a `local` event
   * `clock sync` with the clock's reading right after it (what `clockOffsetChart` marks).
   * Returns the next sync time. The clock's reading itself needs no event (see PhysicalClock).
   */
  private syncClock(): number {
    const due = this.syncDueMs as Float64Array;
    const index = due.indexOf(this.now);
    assert(index >= 0, 'a clock sync is due at the current time');
    const clock = this.nodes[index].clock;
    due[index] = clock.nextSyncAfterMs(this.now);
    assert(due[index] > this.now, 'the next clock sync is later');
    if (this.tracing) {
      const errorMs = clock.readMs(this.now) - this.now;
      this._record(index, 'local', -1, -1, CLOCK_SYNC_LABEL, { errorMs }, REASON_NONE, false);
    }
    return this.syncNextMs();
  }

  private stopsWhen(stopWhen: (sim: Simulation) => boolean): boolean {
    try {
      return stopWhen(this);
    } catch (thrown) {
      throw this.handlerError(thrown, undefined, 'run({ stopWhen })');
    }
  }

  private inFlightExceeded(inFlightMax: number, size: number): never {
    throw new DistlabLimitError(
      `inFlightMax exceeded: ${size} events pending at t=${this.now} ms (messages in flight, timers, scheduled faults), ` +
        `handlers send faster than the network delivers; send fewer messages per event, or raise run({ inFlightMax }) above ${inFlightMax}`,
      this.seed
    );
  }

  // ---- internals used by node contexts (not for learners) ----

  /** @internal */
  _send(from: SimNode, to: string, type: string, body: any): number {
    if (this.anyByzantine && from.byzantine !== undefined) {
      const replacement = from.byzantine({ to, type, body }, this.netRandom.next());
      if (replacement !== undefined) {
        if (!Array.isArray(replacement)) invalid('byzantine hook result', replacement, 'an array of messages or undefined');
        let id = -1;
        for (const m of replacement as OutgoingMessage[]) id = this.sendChecked(from, m.to, m.type, m.body);
        return id;
      }
    }
    return this.sendChecked(from, to, type, body);
  }

  /** Check, record and put one message on the network: the hot path of every send, in one function. */
  private sendChecked(sender: SimNode, toName: string, type: string, body: any): number {
    const to = toName === sender.lastFrom ? sender.lastFromIndex : this.nodeIndex[toName];
    if (to === undefined || to < 0) throw new DistlabInputError(`unknown node: ${toName} (send from ${sender.node})`);
    if (typeof type !== 'string') invalid('message type', type, 'a string');
    const from = sender.index;
    const id = ++this.messageCount;
    this.stats.sent++;
    if (this.tracing) this._record(from, 'send', id, to, type, body, REASON_NONE, false);
    const net = this.net as NetworkState;
    const k = from * net.nodeCount + to;
    const link = net.links[k];
    const random = this.netRandom;
    let delayMs = link.latency.sampleMs(random);
    if (!(delayMs >= 0 && delayMs < Infinity)) this.invalidLatency(from, to, delayMs);
    let reason = REASON_NONE;
    if (net.blockedCount > 0 && net.blocked[k] > 0) reason = REASON_PARTITION;
    else if (link.dropProbability > 0 && random.next() < link.dropProbability) reason = REASON_LOSS;
    if (link.reorderProbability > 0 && random.next() < link.reorderProbability) delayMs += link.reorderDelayMs;
    if (this.anySlow) {
      const slow = this.slowExtraMs as Float64Array;
      delayMs += slow[from] + slow[to];
    }
    let atMs = this.now + delayMs;
    if (link.fifo) {
      if (atMs < net.lastDeliveryMs[k]) atMs = net.lastDeliveryMs[k];
      net.lastDeliveryMs[k] = atMs;
    }
    if (reason !== REASON_NONE && !this.tracing) {
      // Nothing observes an untraced loss: skip the queue. Other events keep their order.
      this.stats.dropped++;
      return id;
    }
    this.queue.push(atMs, K_DELIVER, to, (from << FROM_SHIFT) | reason, id, this.now, type, body);
    if (reason === REASON_NONE && link.duplicateProbability > 0 && random.next() < link.duplicateProbability) {
      this.stats.duplicated++;
      const copyDelayMs = link.latency.sampleMs(random);
      if (!(copyDelayMs >= 0 && copyDelayMs < Infinity)) this.invalidLatency(from, to, copyDelayMs);
      let copyAtMs = this.now + copyDelayMs;
      if (link.fifo) {
        if (copyAtMs < net.lastDeliveryMs[k]) copyAtMs = net.lastDeliveryMs[k];
        net.lastDeliveryMs[k] = copyAtMs;
      }
      this.queue.push(copyAtMs, K_DELIVER, to, (from << FROM_SHIFT) | DUPLICATE_BIT, id, this.now, type, body);
    }
    return id;
  }

  /** A latency distribution (a learner's own, most likely) drew a delay no message can take. */
  private invalidLatency(from: number, to: number, delayMs: number): never {
    return invalid(`latency from ${this.nodeNames[from]} to ${this.nodeNames[to]}`, delayMs, 'a finite delay >= 0 ms', this.seed);
  }

  /**
   * The error to throw for what learner code threw while handling an event: distlab's own errors
   * (bad input, a bound) already say what went wrong and pass unchanged.
   */
  private handlerError(thrown: unknown, node: string | undefined, event: string): unknown {
    if (thrown instanceof DistlabInputError || thrown instanceof DistlabLimitError || thrown instanceof DistlabHandlerError) return thrown;
    return new DistlabHandlerError(node, event, this.now, this.seed, thrown);
  }

  /** @internal */
  _setTimer(node: SimNode, name: string, delayMs: number, data: any): number {
    if (typeof name !== 'string') invalid('timer name', name, 'a string');
    if (!(delayMs >= 0) || delayMs === Infinity) invalid('delayMs', delayMs, 'a number >= 0 ms');
    const id = ++this.timerCount;
    const trueDelayMs = node.clock.driftPpm === 0 ? delayMs : node.clock.trueDurationMs(delayMs);
    this.queue.push(this.now + trueDelayMs, K_TIMER, node.index, node.epoch, id, 0, name, data);
    return id;
  }

  /** @internal */
  _cancelTimer(timerId: number): void {
    if (!Number.isInteger(timerId) || timerId < 1 || timerId > this.timerCount) invalid('timerId', timerId, `a timer id 1..${this.timerCount}`);
    this.cancelledTimers.add(timerId);
  }

  /** @internal */
  _respond(node: SimNode, request: Message, body: any): void {
    if (request === null || typeof request !== 'object' || request.requestId === undefined) {
      invalid('request', request, 'a client request message (msg.requestId set)');
    }
    const handle = this.requests[request.requestId] as Request;
    if (handle.responded) return; // the first answer counts, like a client that has moved on
    handle.responded = true;
    handle.response = body;
    handle.respondedAtMs = this.now;
    handle.latencyMs = this.now - handle.atMs;
    this._record(node.index, 'local', -1, -1, 'response', { requestId: handle.id, body }, REASON_NONE, false);
  }

  /** @internal Record an event at the current time (no-op when tracing is off). */
  _record(node: number, type: TraceEventType, msgId: number, peer: number, label: string | undefined, data: any, reason: number, duplicate: boolean): void {
    if (!this.tracing) return;
    const clockMs = this.nodes[node].clock.readMs(this.now);
    this.trace.recordIndexed(this.now, node, type, clockMs, msgId, peer, label, data, REASONS[reason], duplicate);
  }

  private deliverRequest(node: SimNode, request: Request): void {
    if (!node.up) return;
    if (node.pausedUntilMs > this.now) {
      this.queue.push(node.pausedUntilMs, K_REQUEST, node.index, 0, 0, 0, request, undefined);
      return;
    }
    const env = new Envelope(-1, 'client', node.node, request.type, request.body, request.atMs, false);
    env.requestId = request.id;
    this._record(node.index, 'local', -1, -1, `request:${request.type}`, { requestId: request.id, body: request.body }, REASON_NONE, false);
    if (node.spec.onMessage) {
      try {
        node.spec.onMessage(node, env);
      } catch (thrown) {
        throw this.handlerError(thrown, node.node, `onMessage(${request.type} from client)`);
      }
    }
  }

  private crashNow(node: SimNode): void {
    if (!node.up) return;
    node.up = false;
    node.epoch++;
    node.pausedUntilMs = -Infinity;
    this._record(node.index, 'crash', -1, -1, undefined, undefined, REASON_NONE, false);
  }

  private restartNow(node: SimNode, keepDurable: boolean): void {
    if (node.up) return;
    node.up = true;
    const event = node.spec.onRestart ? 'onRestart' : 'start (restart)';
    try {
      node.state = node.spec.state ? node.spec.state() : {};
      if (!keepDurable) node.durable = node.spec.durable ? node.spec.durable() : {};
      this._record(node.index, 'restart', -1, -1, undefined, { keepDurable }, REASON_NONE, false);
      const handler = node.spec.onRestart ?? node.spec.start;
      if (handler) handler(node);
    } catch (thrown) {
      throw this.handlerError(thrown, node.node, event);
    }
  }

  private control(atMs: number, action: () => void): void {
    this.queue.push(atMs, K_CONTROL, 0, 0, 0, 0, action, undefined);
  }

  private network(): NetworkState {
    if (this.net === undefined) {
      const net = new NetworkState(this.nodes.length, this.defaultLink);
      for (const [a, b, options] of this.linkOverrides) net.setLink(a, b, net.links[a * net.nodeCount + b].withOptions(options, 'link'));
      this.net = net;
    }
    return this.net;
  }

  private setLink(a: number, b: number, options: LinkOptions): void {
    if (this.net) this.net.setLink(a, b, this.net.links[a * this.net.nodeCount + b].withOptions(options, 'link'));
    else this.linkOverrides.push([a, b, options]);
  }

  private slowTable(): Float64Array {
    if (this.slowExtraMs === undefined) this.slowExtraMs = new Float64Array(this.nodes.length);
    return this.slowExtraMs;
  }

  private indexOf(node: string): number {
    const index = typeof node === 'string' ? this.nodeIndex[node] : undefined;
    if (index === undefined) {
      throw new DistlabInputError(`unknown node: ${typeof node === 'string' ? node : JSON.stringify(node)} (expected one of ${this.nodeNames.join(', ') || 'no nodes declared yet'})`);
    }
    return index;
  }

  private indicesOf(name: string, nodes: string[]): number[] {
    if (!Array.isArray(nodes) || nodes.length === 0) invalid(name, nodes, 'a non-empty array of node names');
    return nodes.map((n) => this.indexOf(n));
  }
}

/**
 * The engine's own copy of a string, made a property key. Names built at run time (`n${i}`)
 * are not interned; an interned name compares by identity with the literals in handlers and
 * is found by a property lookup without hashing its characters.
 */
function internalized(name: string): string {
  return Object.keys({ [name]: 0 })[0];
}

/** A new simulated world. */
export function simulation(options?: SimulationOptions): Simulation {
  return new Simulation(options);
}
