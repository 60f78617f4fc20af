// The Simulation API: declares nodes, links and faults, and runs the engine over the simulated world.
import { PhysicalClock, PhysicalClockOptions, PHYSICAL_CLOCK_KEYS } from '../world/clocks/physical';
import { checkByzantineHook, checkCrash, checkPause, checkRestart, checkSlow, CrashOptions, faultTimeMs, PauseOptions, RestartOptions, SlowOptions } from '../world/faults/faults';
import { Crash, Fast, HealAll, Partition, PartitionHeal, Pause, Restart, Slow } from '../world/faults/behaviour';
import type { ByzantineHook } from '../world/faults/faults';
import { Link, LinkOptions } from '../world/net/network';
import { checkPartitionOptions, HealOptions, PartitionOptions, SplitOptions } from '../world/net/partition';
import { DistlabInputError, parseInteger, parseNumber, parseSeed, parseString, invalid, rejectUnknownKeys } from '../core/options';
import { Trace } from '../trace/recorder';
import { Engine } from '../engine/run-loop';
import { Rng } from '../core/rng';
import { CLOCK_SPREAD_OPTIONS, SIMULATION_OPTIONS, type ClockSpreadOptions, type NodeSpec, type RequestHandle, type SimulationOptions } from './node-api';
import { Request, SimNode, SimWorld } from './world';

export type { ClockSpreadOptions, Message, NodeContext, NodeSpec, RequestHandle, SimulationOptions } from './node-api';

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
const STREAM_NETWORK = 1;
const STREAM_SCENARIO = 2;
const STREAM_NODE = 1000;
const STREAM_CLOCK = 500000;

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
  readonly nodeNames: string[];
  /** Client requests, in the order they were made. */
  readonly requests: RequestHandle[];
  /** Counters of the whole run. */
  readonly stats: { events: number; sent: number; delivered: number; dropped: number; duplicated: number; timers: number };
  /** Random stream for scenario code (random partitions, workloads), separate from the network's. */
  readonly random: Rng;

  // The engine (agenda, virtual time, run loop) and the world it drives.
  private readonly engine: Engine;
  private readonly world: SimWorld;
  private readonly clockSpread: Required<Omit<ClockSpreadOptions, 'syncIntervalMs'>> & { syncIntervalMs?: number };

  constructor(options: SimulationOptions = {}) {
    const o = SIMULATION_OPTIONS.parse(options);
    this.seed = o.seed;
    this.tracing = o.trace;
    this.trace = new Trace(this.seed);
    const defaultLink = Link.fromOptions(o.network, 'network');
    const clocks = CLOCK_SPREAD_OPTIONS.parse(o.clocks);
    this.clockSpread = { offsetMsMax: clocks.offsetMsMax, driftPpmMax: clocks.driftPpmMax, syncErrorMs: clocks.syncErrorMs, syncIntervalMs: clocks.syncIntervalMs };
    this.engine = new Engine(this.seed);
    this.world = new SimWorld(this.engine, this.seed, this.tracing, this.trace, defaultLink, new Rng(this.seed, STREAM_NETWORK));
    this.random = new Rng(this.seed, STREAM_SCENARIO);
    this.nodeNames = this.world.nodeNames;
    this.requests = this.world.requests;
    this.stats = this.world.stats;
  }

  /** What a cell that ends with `sim.node(…)` or `sim` prints: a summary, not the engine's internals. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    const nodes = this.nodeNames.length === 0 ? 'no nodes yet' : `${this.nodeNames.length} node${this.nodeNames.length === 1 ? '' : 's'} (${this.nodeNames.slice(0, 8).join(', ')}${this.nodeNames.length > 8 ? ', …' : ''})`;
    const ran = this.stats.events === 0 ? 'not run yet: sim.run({ untilMs })' : `at t=${this.engine.nowMs} ms after ${this.stats.events} events, ${this.stats.sent} messages sent`;
    return `Simulation (seed=${this.seed}): ${nodes}, ${ran}`;
  }

  /** Current virtual time, in ms. */
  get timeMs(): number {
    return this.engine.nowMs;
  }

  /** Declare a node with its behaviour. Nodes start at time 0 in declaration order. */
  node<S = any, D = any>(name: string, spec: NodeSpec<S, D> = {}): this {
    parseString('node name', name);
    name = internalized(name);
    if (this.world.nodeIndex[name] !== undefined) throw new DistlabInputError(`duplicate node: ${name}`);
    if (this.world.running) throw new DistlabInputError(`cannot add node ${name} after run() has started`);
    rejectUnknownKeys(`node ${name}`, spec, ['state', 'durable', 'start', 'onMessage', 'onTimer', 'onRestart', 'clock']);
    for (const key of ['state', 'durable', 'start', 'onMessage', 'onTimer', 'onRestart'] as const) {
      if (spec[key] !== undefined && typeof spec[key] !== 'function') invalid(key, spec[key], 'a function');
    }
    const index = this.world.nodeCount;
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
    this.world.addNode(name, spec as NodeSpec, new PhysicalClock(clockOptions, clockRandom), new Rng(this.seed, STREAM_NODE + index));
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
    const a = this.world.indexOf(from);
    const b = this.world.indexOf(to);
    const { oneWay, ...linkOptions } = options ?? {};
    if (oneWay !== undefined && typeof oneWay !== 'boolean') invalid('oneWay', oneWay, 'true or false');
    this.world.defaultLink.withOptions(linkOptions, 'link'); // check now, before the run
    this.world.setLink(a, b, linkOptions);
    if (!oneWay) this.world.setLink(b, a, linkOptions);
    return this;
  }

  /**
   * Cut the network between `sideA` and `sideB` (default: every other node).
   * Messages in flight across the cut are lost too.
   */
  partition(sideA: string[], sideB?: string[], options?: PartitionOptions): this {
    const a = this.indicesOf('sideA', sideA);
    const b = sideB === undefined ? this.world.nodes.map((n) => n.index).filter((i) => !a.includes(i)) : this.indicesOf('sideB', sideB);
    for (const i of a) if (b.includes(i)) invalid('sideB', sideB, `nodes not in sideA (${this.nodeNames[i]} is in both)`);
    const { atMs, untilMs, oneWay } = checkPartitionOptions('partition', options, this.engine.nowMs);
    const label = `${sideA.join(',')} ${oneWay ? '->' : '|'} ${(sideB ?? b.map((i) => this.nodeNames[i])).join(',')}`;
    this.world.schedule(atMs, new Partition(a, b, oneWay, label));
    if (untilMs !== Infinity) this.world.schedule(untilMs, new PartitionHeal(a, b, oneWay, label));
    return this;
  }

  /** Cut one node off from all others. */
  isolate(node: string, options?: PartitionOptions): this {
    return this.partition([node], undefined, options);
  }

  /** Split the cluster into a majority and a minority (default minority: the last ⌊(n−1)/2⌋ nodes). */
  split(options?: SplitOptions): this {
    rejectUnknownKeys('split', options, ['minority', 'atMs', 'untilMs']);
    const n = this.world.nodeCount;
    if (n < 2) invalid('nodes', n, 'at least 2 nodes to split');
    const minority = options?.minority ?? this.nodeNames.slice(n - Math.floor((n - 1) / 2));
    if (minority.length === 0 || minority.length >= n) invalid('minority', minority, `between 1 and ${n - 1} nodes`);
    return this.partition(minority, undefined, { atMs: options?.atMs, untilMs: options?.untilMs });
  }

  /** Heal every partition. */
  heal(options?: HealOptions): this {
    rejectUnknownKeys('heal', options, ['atMs']);
    this.world.schedule(faultTimeMs('heal', options?.atMs, this.engine.nowMs), new HealAll());
    return this;
  }

  /** Crash a node: it stops, loses its timers and volatile state, and messages to it are lost. */
  crash(node: string, options?: CrashOptions): this {
    const target = this.world.indexOf(node);
    const o = checkCrash(options);
    const atMs = faultTimeMs('crash', o.atMs, this.engine.nowMs);
    this.world.schedule(atMs, new Crash(target));
    if (o.restartAfterMs !== undefined) this.world.schedule(atMs + o.restartAfterMs, new Restart(target, o.keepDurable ?? true));
    return this;
  }

  /** Restart a crashed node: fresh volatile state, durable state kept unless `keepDurable: false`. */
  restart(node: string, options?: RestartOptions): this {
    const target = this.world.indexOf(node);
    const o = checkRestart(options);
    this.world.schedule(faultTimeMs('restart', o.atMs, this.engine.nowMs), new Restart(target, o.keepDurable ?? true));
    return this;
  }

  /** Stall a node (GC pause): it handles nothing for `durationMs`, then catches up on what queued. */
  pause(node: string, options: PauseOptions): this {
    const target = this.world.indexOf(node);
    const o = checkPause(options);
    const atMs = faultTimeMs('pause', o.atMs, this.engine.nowMs);
    this.world.schedule(atMs, new Pause(target, atMs, o.durationMs));
    return this;
  }

  /** Make a node slow: every message it sends or receives takes `extraDelayMs` longer. */
  slow(node: string, options: SlowOptions): this {
    const index = this.world.indexOf(node);
    const o = checkSlow(options);
    const atMs = faultTimeMs('slow', o.atMs, this.engine.nowMs);
    if (o.untilMs !== undefined) parseNumber('untilMs', o.untilMs, atMs, Infinity, 'ms');
    this.world.schedule(atMs, new Slow(index, o.extraDelayMs));
    if (o.untilMs !== undefined) this.world.schedule(o.untilMs, new Fast(index));
    return this;
  }

  /** Make a node byzantine: `hook` sees every message it sends and may replace it (lie, equivocate, drop). */
  byzantine(node: string, hook: ByzantineHook): this {
    this.world.nodes[this.world.indexOf(node)].byzantine = checkByzantineHook(hook);
    this.world.anyByzantine = true;
    return this;
  }

  /** A client request to `node` at `atMs`; it arrives as a message from `client`. Returns a handle filled in on response. */
  request(node: string, type: string, body?: any, options?: { atMs?: number }): RequestHandle {
    const index = this.world.indexOf(node);
    parseString('type', type);
    rejectUnknownKeys('request', options, ['atMs']);
    const atMs = faultTimeMs('request', options?.atMs, this.engine.nowMs);
    const request = new Request(this.requests.length, node, type, body, atMs);
    this.requests.push(request);
    this.world.scheduleRequest(atMs, index, request);
    return request;
  }

  /** Run `action` at virtual time `atMs` (e.g. change a link, inject a fault from a condition). */
  at(atMs: number, action: (sim: Simulation) => void): this {
    parseNumber('atMs', atMs, this.engine.nowMs, Infinity, 'ms');
    if (typeof action !== 'function') invalid('action', action, 'a function');
    this.world.scheduleAction(atMs, () => action(this));
    return this;
  }

  /** Volatile state of a node. */
  stateOf(node: string): any {
    return this.world.nodes[this.world.indexOf(node)].state;
  }

  /** Durable state of a node. */
  durableOf(node: string): any {
    return this.world.nodes[this.world.indexOf(node)].durable;
  }

  /** Whether a node is running (not crashed). */
  isUp(node: string): boolean {
    return this.world.nodes[this.world.indexOf(node)].up;
  }

  /** Events pending now: messages in flight, timers set, scheduled faults and actions (also after a run threw). */
  get pendingEvents(): number {
    return this.engine.agenda.size;
  }

  /** A node's physical clock. */
  clockOf(node: string): PhysicalClock {
    return this.world.nodes[this.world.indexOf(node)].clock;
  }

  /** Process events in time order until the horizon, no event left, or `stopWhen`. */
  run(options?: RunOptions): RunResult {
    rejectUnknownKeys('run', options, ['untilMs', 'eventsMax', 'inFlightMax', 'stopWhen']);
    const untilMs = options?.untilMs === undefined ? Infinity : parseNumber('untilMs', options.untilMs, this.engine.nowMs, Infinity, 'ms');
    const eventsMax = parseInteger('eventsMax', options?.eventsMax ?? 1_000_000, 1, Number.MAX_SAFE_INTEGER);
    const inFlightMax = parseInteger('inFlightMax', options?.inFlightMax ?? IN_FLIGHT_MAX_DEFAULT, 1, Number.MAX_SAFE_INTEGER);
    const stopWhen = options?.stopWhen;
    if (stopWhen !== undefined && typeof stopWhen !== 'function') invalid('stopWhen', stopWhen, 'a function (sim) => boolean');
    this.world.network();
    try {
      return this.world.run({ untilMs, eventsMax, inFlightMax }, stopWhen === undefined ? undefined : () => this.stopsWhen(stopWhen));
    } finally {
      this.stats.events += this.engine.runEvents;
    }
  }

  private stopsWhen(stopWhen: (sim: Simulation) => boolean): boolean {
    try {
      return stopWhen(this);
    } catch (thrown) {
      throw this.world.handlerError(thrown, undefined, 'run({ stopWhen })');
    }
  }

  /** @internal A send as a node's `ctx.send` makes it (through the node's byzantine hook, if any). */
  _send(from: SimNode, to: string, type: string, body: any): number {
    return this.world.send(from, to, type, body);
  }

  private indicesOf(name: string, nodes: string[]): number[] {
    if (!Array.isArray(nodes) || nodes.length === 0) invalid(name, nodes, 'a non-empty array of node names');
    return nodes.map((n) => this.world.indexOf(n));
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
