// What a node's code sees and declares: messages, its context, its spec; the options of a simulation.
import { PHYSICAL_CLOCK_OPTIONS, type PhysicalClockOptions } from '../world/clocks/physical';
import { booleanOption, customOption, declareOptions, numberOption, seedOption, type OptionsOf } from '../core/options';
import type { LinkOptions } from '../world/net/network';

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
export const CLOCK_SPREAD_OPTIONS = declareOptions('clocks', {
  offsetMsMax: numberOption({ doc: "Each node's initial offset is uniform in ±offsetMsMax", min: 0, max: 1e12, unit: 'ms', default: 0 }),
  driftPpmMax: numberOption({ doc: "Each node's drift is uniform in ±driftPpmMax", min: 0, max: 1e5, unit: 'ppm', default: 0 }),
  // One bound for a sync period, wherever it is given: the physical clock's own declaration.
  syncIntervalMs: PHYSICAL_CLOCK_OPTIONS.specs.syncIntervalMs,
  syncErrorMs: PHYSICAL_CLOCK_OPTIONS.specs.syncErrorMs
});
export type ClockSpreadOptions = OptionsOf<typeof CLOCK_SPREAD_OPTIONS>;

export const SIMULATION_OPTIONS = declareOptions('simulation', {
  seed: seedOption({ doc: 'Seed of every random choice: the same seed replays the same run, byte for byte' }),
  network: customOption<LinkOptions>({
    doc: 'Default for every link: latency, dropProbability, duplicateProbability, reorderProbability, fifo',
    expected: 'link options { latency, dropProbability, … }',
    defaultText: "'same-datacenter' latency, no loss",
    // The link's own declaration checks it when the default link is built.
    parse: (_name, value) => value as LinkOptions
  }),
  trace: booleanOption({ doc: 'Record a trace. Turn off for Monte Carlo speed', default: true }),
  clocks: customOption<ClockSpreadOptions>({
    doc: "Random skew and drift for every node's physical clock",
    expected: '{ offsetMsMax, driftPpmMax, syncIntervalMs, syncErrorMs }',
    defaultText: 'perfect clocks',
    parse: (_name, value) => CLOCK_SPREAD_OPTIONS.parse(value)
  })
});
export type SimulationOptions = OptionsOf<typeof SIMULATION_OPTIONS>;

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
