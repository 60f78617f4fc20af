// A Raft key-value cluster (etcd's parameters and defaults) with clients whose histories are recorded.
import { simulation, Simulation, type NodeContext, type RunResult } from '../../simulation/simulation';
import { booleanOption, choiceOption, customOption, declareOptions, integerOption, invalid, numberOption, probabilityOption, seedOption, type OptionsOf } from '../../core/options';
import type { LatencySpec } from '../../world/net/latency';
import type { RegisterOperation } from '../../checkers/linearizability';
import { raftMember, type RaftBreakage, type RaftDurable, type RaftEntry, type RaftMember, type RaftObserver, type RaftVolatile } from './raft-node';

export type { RaftBreakage, RaftEntry, RaftRole } from './raft-node';

export type ReadMode = 'linearizable' | 'serializable';
const READ_MODES: readonly ReadMode[] = ['linearizable', 'serializable'];

/** etcd's names and defaults: --heartbeat-interval 100 ms, --election-timeout 1000 ms, check-quorum on (3.4). */
export const RAFT_CLUSTER_OPTIONS = declareOptions('raftCluster', {
  memberCount: integerOption({ doc: 'Raft members (n1, n2, …); a majority must agree', min: 1, max: 9, default: 3 }),
  heartbeatIntervalMs: numberOption({ doc: "etcd's --heartbeat-interval: the leader's AppendEntries period", min: 1, max: 60_000, unit: 'ms', default: 100 }),
  electionTimeoutMs: numberOption({ doc: "etcd's --election-timeout T: a follower that hears no leader for a random time in [T, 2T) campaigns (more than heartbeatIntervalMs)", min: 2, max: 600_000, unit: 'ms', default: 1000 }),
  checkQuorum: booleanOption({ doc: 'A leader that has not heard from a majority for an election timeout steps down; followers in its lease ignore vote requests (etcd enables it)', default: true }),
  clientCount: integerOption({ doc: 'Client processes (c1, c2, …), each one operation at a time', min: 0, max: 100, default: 1 }),
  clientTimeoutMs: numberOption({ doc: 'A client gives up on an operation after this long (a write then has an unknown outcome)', min: 1, max: 600_000, unit: 'ms', default: 2000 }),
  networkLatency: customOption<LatencySpec>({
    doc: "One-way delay of every link: ms, a preset ('same-datacenter', …) or a distribution",
    expected: 'a latency: a number of ms, a preset name or a distribution',
    defaultText: "'same-datacenter'",
    parse: (_name, value) => value as LatencySpec
  }),
  dropProbability: probabilityOption({ doc: 'Probability that any message is lost', default: 0 }),
  trace: booleanOption({ doc: 'Record a trace (for a space-time diagram); off for many seeds', default: true }),
  seed: seedOption()
});
export type RaftClusterOptions = OptionsOf<typeof RAFT_CLUSTER_OPTIONS>;

export const RAFT_WORKLOAD_OPTIONS = declareOptions('RaftCluster.workload', {
  fromMs: numberOption({ doc: 'Clients start here', min: 0, max: 1e9, unit: 'ms', defaultText: 'now' }),
  untilMs: numberOption({ doc: 'No new operation starts after this time (required)', min: 0, max: 1e9, unit: 'ms', defaultText: 'none: required' }),
  writeFraction: probabilityOption({ doc: 'Probability that an operation is a write (of a unique value), else a read', default: 0.5 }),
  keys: customOption<readonly string[]>({
    doc: 'Keys the operations pick from, uniformly',
    expected: 'a non-empty array of strings',
    default: ['x'],
    parse: (name, value) => (Array.isArray(value) && value.length > 0 && value.every((k) => typeof k === 'string') ? value : invalid(name, value, 'a non-empty array of strings'))
  }),
  readMode: choiceOption(READ_MODES, { doc: 'linearizable: the leader confirms with a majority (read index); serializable: any member answers from its copy', default: 'linearizable' }),
  thinkMs: numberOption({ doc: 'Mean pause of a client between operations', min: 0, max: 1e6, unit: 'ms', default: 0 }),
  timeoutMs: numberOption({ doc: 'Per operation: the client gives up after this long', min: 1, max: 600_000, unit: 'ms', defaultText: "the cluster's clientTimeoutMs" })
});
export type RaftWorkloadOptions = OptionsOf<typeof RAFT_WORKLOAD_OPTIONS>;

/** A key-value command in the log. */
export interface KvCommand {
  key: string;
  value: string;
  client: string;
  opId: number;
}

interface KvMachine {
  kv: Map<string, string>;
  /** Leader: writes waiting for their entry to apply, by log index. */
  waiting: Map<number, { client: string; opId: number }>;
}

/** What the checkers read: recorded as it happens, whether or not the trace is on. */
export interface RaftObservations {
  leaders: { node: string; term: number; timeMs: number; log: { term: number; uid: number }[] }[];
  commits: { node: string; term: number; index: number; uid: number; entryTerm: number; timeMs: number }[];
  /** The first state-machine application of each index: which entry, where, when. */
  firstApply: Map<number, { node: string; uid: number; timeMs: number }>;
  /** Applications that disagree with the first one at the same index. */
  applyConflicts: { index: number; first: { node: string; uid: number; timeMs: number }; node: string; uid: number; timeMs: number }[];
  stepDowns: { node: string; term: number; timeMs: number }[];
  /** Log snapshots taken during the run, for the log-matching check. */
  logSamples: { timeMs: number; logs: Record<string, { term: number; uid: number }[]> }[];
}



interface ClientOp {
  kind: 'read' | 'write';
  key: string;
  value: string | null;
  mode: ReadMode;
  target?: string;
  timeoutMs: number;
  /** After a refusal, try another member (default); false: the refusal ends the operation as failed. */
  retry: boolean;
}

interface Workload { untilMs: number; writeFraction: number; keys: readonly string[]; readMode: ReadMode; thinkMs: number; timeoutMs: number }
type ClientState = { queue: ClientOp[]; busy: boolean; opId: number; record?: RegisterOperation; op?: ClientOp; target: number; timer: number; written: number; workload?: Workload };

/** Internal knobs for tests: deliberate bugs. */
export interface RaftInternals {
  breakage?: RaftBreakage;
}

/**
 * A Raft cluster running a key-value store on the simulator: members n1…nN, clients c1…cK.
 * Writes go through the leader and are acknowledged once their entry is committed and applied;
 * linearizable reads use the leader's read index; serializable reads answer from any member's
 * local copy. Every client operation lands in `history` (invoke, complete, outcome).
 */
export class RaftCluster {
  readonly seed: number;
  readonly sim: Simulation;
  readonly members: string[];
  readonly clients: string[];
  readonly heartbeatIntervalMs: number;
  readonly electionTimeoutMs: number;
  readonly checkQuorum: boolean;
  readonly clientTimeoutMs: number;
  /** Every client operation, in invoke order. */
  readonly history: RegisterOperation[] = [];
  readonly observations: RaftObservations = { leaders: [], commits: [], firstApply: new Map(), applyConflicts: [], stepDowns: [], logSamples: [] };
  private readonly member: RaftMember<KvCommand, KvMachine>;
  private nextValue = 0;

  constructor(options: RaftClusterOptions = {}, internals: RaftInternals = {}) {
    const o = RAFT_CLUSTER_OPTIONS.parse(options);
    if (o.electionTimeoutMs <= o.heartbeatIntervalMs) invalid('electionTimeoutMs', o.electionTimeoutMs, `more than heartbeatIntervalMs (${o.heartbeatIntervalMs} ms)`);
    this.seed = o.seed;
    this.heartbeatIntervalMs = o.heartbeatIntervalMs;
    this.electionTimeoutMs = o.electionTimeoutMs;
    this.checkQuorum = o.checkQuorum;
    this.clientTimeoutMs = o.clientTimeoutMs;
    this.members = Array.from({ length: o.memberCount }, (_, i) => `n${i + 1}`);
    this.clients = Array.from({ length: o.clientCount }, (_, i) => `c${i + 1}`);
    const sim = (this.sim = simulation({ seed: o.seed, trace: o.trace, network: { ...(o.networkLatency !== undefined ? { latency: o.networkLatency } : {}), dropProbability: o.dropProbability } }));
    const obs = this.observations;
    let uid = 0;
    const observer: RaftObserver = {
      uid: () => ++uid,
      leader: (node, term, timeMs, log) => obs.leaders.push({ node, term, timeMs, log: log.map((e) => ({ term: e.term, uid: e.uid })) }),
      commit: (node, term, index, entry, timeMs) => obs.commits.push({ node, term, index, uid: entry.uid, entryTerm: entry.term, timeMs }),
      apply: (node, index, entry, timeMs) => {
        const first = obs.firstApply.get(index);
        if (first === undefined) obs.firstApply.set(index, { node, uid: entry.uid, timeMs });
        else if (first.uid !== entry.uid && obs.applyConflicts.length < 10) obs.applyConflicts.push({ index, first, node, uid: entry.uid, timeMs });
      }
    };
    const members = this.members;
    const member = (this.member = raftMember<KvCommand, KvMachine>({
      members,
      heartbeatIntervalMs: o.heartbeatIntervalMs,
      electionTimeoutMs: o.electionTimeoutMs,
      checkQuorum: o.checkQuorum,
      observer,
      breakage: internals.breakage,
      machine: () => ({ kv: new Map(), waiting: new Map() }),
      apply: (ctx, machine, command, index) => {
        machine.kv.set(command.key, command.value);
        const w = machine.waiting.get(index);
        if (w === undefined) return;
        machine.waiting.delete(index);
        // Only the entry this leader proposed answers the client (another may have replaced it).
        if (w.client === command.client && w.opId === command.opId) ctx.send(command.client, 'ok', { opId: command.opId, value: command.value });
      },
      onStepDown: (ctx) => {
        ctx.state.machine.waiting.clear();
        obs.stepDowns.push({ node: ctx.node, term: ctx.durable.currentTerm, timeMs: ctx.timeMs });
      },
      onOther: (ctx, msg) => {
        const s = ctx.state;
        const b = msg.body;
        // A request forwarded by a follower names its client; a client's own comes from it.
        const client: string = b.client ?? msg.from;
        const refuse = () => ctx.send(client, 'not-leader', { opId: b.opId, leader: null });
        if (msg.type === 'get' && b.mode === 'serializable') {
          ctx.send(client, 'ok', { opId: b.opId, value: s.machine.kv.get(b.key) ?? null });
          return;
        }
        if (msg.type !== 'put' && msg.type !== 'get') return;
        if (s.role !== 'leader') {
          // A follower forwards to the leader it knows, as etcd does; with none, it refuses.
          if (s.leader !== null && b.client === undefined) ctx.send(s.leader, msg.type, { ...b, client });
          else refuse();
          return;
        }
        if (msg.type === 'put') {
          const index = member.propose(ctx, { key: b.key, value: b.value, client, opId: b.opId })!;
          s.machine.waiting.set(index, { client, opId: b.opId });
        } else {
          member.readIndex(ctx, (ok) => {
            if (ok) ctx.send(client, 'ok', { opId: b.opId, value: ctx.state.machine.kv.get(b.key) ?? null });
          });
        }
      }
    }));
    sim.nodesOf(members, member.spec);
    const self = this;
    sim.nodesOf<ClientState>(this.clients, {
      state: () => ({ queue: [], busy: false, opId: 0, target: 0, timer: -1, written: 0 }),
      onTimer(ctx, name, data) {
        const s = ctx.state;
        if (name === 'next') self.startNext(ctx);
        else if (name === 'retry') {
          if (s.busy && data === s.opId) self.sendCurrent(ctx);
        } else if (name === 'timeout' && s.busy && data === s.opId) {
          // No answer in time: a write may or may not have taken effect.
          s.busy = false;
          s.target = (s.target + 1) % members.length;
          self.afterOp(ctx);
        }
      },
      onMessage(ctx, msg) {
        const s = ctx.state;
        if (msg.type === 'submit') {
          s.queue.push(msg.body);
          self.startNext(ctx);
          return;
        }
        if (msg.type === 'workload') {
          s.workload = msg.body;
          self.afterOp(ctx);
          return;
        }
        if (!s.busy || msg.body.opId !== s.opId) return;
        if (msg.type === 'ok') {
          const r = s.record!;
          r.outcome = 'ok';
          r.completeMs = ctx.timeMs;
          if (r.kind === 'read') r.value = msg.body.value;
          s.busy = false;
          ctx.cancelTimer(s.timer);
          self.afterOp(ctx);
        } else if (msg.type === 'not-leader') {
          if (!s.op!.retry) {
            // A refusal had no effect: the operation failed.
            s.record!.outcome = 'fail';
            s.record!.completeMs = ctx.timeMs;
            s.busy = false;
            ctx.cancelTimer(s.timer);
            self.afterOp(ctx);
            return;
          }
          // A refusal had no effect: try the leader it names, or the next member, a little later.
          const hint = msg.body.leader as string | null;
          s.target = hint !== null && hint !== msg.from ? members.indexOf(hint) : (s.target + 1) % members.length;
          ctx.setTimer('retry', hint !== null ? 0 : Math.min(10, self.heartbeatIntervalMs), s.opId);
        }
      }
    });
  }

  /** @internal After an operation: the next queued one, or the workload's next. */
  afterOp(ctx: NodeContext<ClientState>): void {
    const s = ctx.state;
    const w = s.workload;
    if (s.queue.length === 0 && w !== undefined && ctx.timeMs < w.untilMs) {
      const write = ctx.random() < w.writeFraction;
      const key = w.keys[Math.floor(ctx.random() * w.keys.length)];
      s.queue.push({ kind: write ? 'write' : 'read', key, value: write ? `${ctx.node}-${++s.written}` : null, mode: w.readMode, timeoutMs: w.timeoutMs, retry: true });
      if (w.thinkMs > 0) {
        ctx.setTimer('next', w.thinkMs * (0.5 + ctx.random()));
        return;
      }
    }
    this.startNext(ctx);
  }

  /** @internal */
  startNext(ctx: NodeContext<ClientState>): void {
    const s = ctx.state;
    if (s.busy || s.queue.length === 0) return;
    const op = s.queue.shift() as ClientOp;
    s.busy = true;
    s.opId++;
    s.op = op;
    if (op.target !== undefined) s.target = this.members.indexOf(op.target);
    s.record = { clientId: ctx.node, kind: op.kind, key: op.key, value: op.kind === 'write' ? op.value : null, invokeMs: ctx.timeMs, outcome: 'unknown' };
    this.history.push(s.record);
    s.timer = ctx.setTimer('timeout', op.timeoutMs, s.opId);
    this.sendCurrent(ctx);
  }

  /** @internal */
  sendCurrent(ctx: NodeContext<ClientState>): void {
    const s = ctx.state;
    const op = s.op as ClientOp;
    const to = this.members[s.target];
    if (op.kind === 'write') ctx.send(to, 'put', { opId: s.opId, key: op.key, value: op.value });
    else ctx.send(to, 'get', { opId: s.opId, key: op.key, mode: op.mode });
  }

  /** Queue an operation at a client at `atMs` (it starts once the client's earlier ones are done). */
  submit(client: string, op: { kind: 'read' | 'write'; key?: string; value?: string; mode?: ReadMode; member?: string; timeoutMs?: number; retry?: boolean }, options: { atMs?: number } = {}): this {
    if (!this.clients.includes(client)) invalid('client', client, `one of ${this.clients.join(', ') || '(no clients: set clientCount)'}`);
    if (op.kind !== 'read' && op.kind !== 'write') invalid('kind', op.kind, "'read' or 'write'");
    if (op.member !== undefined && !this.members.includes(op.member)) invalid('member', op.member, `one of ${this.members.join(', ')}`);
    const value = op.kind === 'write' ? op.value ?? `v${++this.nextValue}` : null;
    const entry: ClientOp = { kind: op.kind, key: op.key ?? 'x', value, mode: op.mode ?? 'linearizable', target: op.member, timeoutMs: op.timeoutMs ?? this.clientTimeoutMs, retry: op.retry ?? true };
    this.sim.request(client, 'submit', entry, { atMs: options.atMs ?? this.sim.timeMs });
    return this;
  }

  /**
   * Closed-loop clients from `fromMs` to `untilMs`: each client issues its next operation as
   * soon as its last one ended (after about `thinkMs`), a write (of a unique value) with
   * probability `writeFraction`, else a read, on one of `keys`.
   */
  workload(options: RaftWorkloadOptions): this {
    const o = RAFT_WORKLOAD_OPTIONS.parse(options);
    if (o.untilMs === undefined) invalid('untilMs', o.untilMs, 'a number of ms (required)');
    const w: Workload = { untilMs: o.untilMs, writeFraction: o.writeFraction, keys: o.keys, readMode: o.readMode, thinkMs: o.thinkMs, timeoutMs: o.timeoutMs ?? this.clientTimeoutMs };
    const fromMs = o.fromMs ?? this.sim.timeMs;
    for (const client of this.clients) this.sim.request(client, 'workload', w, { atMs: fromMs });
    return this;
  }

  /** The member that is leader now (up, role leader, highest term), or null. */
  leader(): string | null {
    let best: string | null = null;
    let term = -1;
    for (const m of this.members) {
      if (!this.sim.isUp(m)) continue;
      const s = this.sim.stateOf(m) as RaftVolatile<KvMachine>;
      const d = this.sim.durableOf(m) as RaftDurable<KvCommand>;
      if (s.role === 'leader' && d.currentTerm > term) {
        best = m;
        term = d.currentTerm;
      }
    }
    return best;
  }

  /** Term and log of a member, as its disk holds them. */
  durableOf(member: string): RaftDurable<KvCommand> {
    return this.sim.durableOf(member);
  }

  /** Take a snapshot of every member's log now (the log-matching check reads these). */
  sampleLogs(): void {
    const logs: Record<string, { term: number; uid: number }[]> = {};
    for (const m of this.members) logs[m] = (this.sim.durableOf(m) as RaftDurable<KvCommand>).log.map((e: RaftEntry) => ({ term: e.term, uid: e.uid }));
    this.observations.logSamples.push({ timeMs: this.sim.timeMs, logs });
  }

  run(options: { untilMs: number; stopWhen?: (sim: Simulation) => boolean }): RunResult {
    return this.sim.run({ untilMs: options.untilMs, eventsMax: 20_000_000, stopWhen: options.stopWhen });
  }
}

/** A new simulated Raft cluster. */
export function raftCluster(options?: RaftClusterOptions): RaftCluster {
  return new RaftCluster(options);
}
