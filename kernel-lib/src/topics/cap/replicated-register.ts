// CAP: a replicated register under a partition, in CP and AP modes.
import { simulation } from '../../simulation/simulation';
import { checkNumber, checkOneOf, checkSeed, invalid, rejectUnknownKeys } from '../../core/options';
import type { Trace } from '../../trace/recorder';
import type { StateInterval } from '../../trace/state-intervals';
import type { PartitionOutcome } from './partition-outcomes';

export type CapMode = 'CP' | 'AP';

export interface ReplicatedRegisterOptions {
  /** CP: writes and reads go through a leader and need a majority; AP: every replica answers from its own copy. Default 'CP'. */
  mode?: CapMode;
  /** Length of the run, in ms. Default 1200 ms. */
  untilMs?: number;
  /** The minority replica r3 is cut off from r1 and r2 from here, in ms. Default 300 ms. */
  partitionAtMs?: number;
  /** ... until here, in ms (Infinity: never heals). Default 800 ms. */
  healAtMs?: number;
  /** A client writes every this many ms, alternating between r1 and r3. Default 60 ms. */
  writeEveryMs?: number;
  /** Clients read at every replica every this many ms. Default 40 ms. */
  readEveryMs?: number;
  /** How long a replica waits for the leader or a majority before refusing, in ms. Default 20 ms. */
  timeoutMs?: number;
  /** AP: replicas exchange their value (anti-entropy) this often, in ms. Default 50 ms. */
  gossipEveryMs?: number;
  /** Seed. Default 1. */
  seed?: number;
}

export interface RegisterRequest {
  atMs: number;
  replica: string;
  op: 'read' | 'write';
  outcome: 'ok' | 'refused';
  value: number | null;
  /** A read that returned an older value than the latest acknowledged write. */
  stale: boolean;
}

export interface ReplicatedRegisterResult {
  seed: number;
  mode: CapMode;
  trace: Trace;
  requests: RegisterRequest[];
  /** Replica states over time, for `stateLaneChart`. */
  intervals: StateInterval[];
  /** Final value per replica. */
  finalValues: Record<string, number>;
  /** All replicas hold the same value at the end. */
  converged: boolean;
  summary: { served: number; refused: number; staleReads: number; total: number };
}

const REPLICAS = ['r1', 'r2', 'r3'];

/**
 * A register replicated on r1, r2, r3 while r3 is partitioned away. CP (leader r1, majority
 * commit): r3 refuses what it cannot make consistent. AP (last-writer-wins with Lamport
 * stamps, anti-entropy gossip): r3 keeps answering, diverges, and reconciles after the heal.
 */
export function replicatedRegisterExperiment(options: ReplicatedRegisterOptions = {}): ReplicatedRegisterResult {
  rejectUnknownKeys('replicatedRegisterExperiment', options, ['mode', 'untilMs', 'partitionAtMs', 'healAtMs', 'writeEveryMs', 'readEveryMs', 'timeoutMs', 'gossipEveryMs', 'seed']);
  const mode = checkOneOf('mode', options.mode ?? 'CP', ['CP', 'AP'] as const);
  const untilMs = checkNumber('untilMs', options.untilMs ?? 1200, 10, 1e6, 'ms');
  const partitionAtMs = checkNumber('partitionAtMs', options.partitionAtMs ?? 300, 0, untilMs, 'ms');
  const healAtMs = options.healAtMs === Infinity ? Infinity : checkNumber('healAtMs', options.healAtMs ?? 800, partitionAtMs, 1e9, 'ms');
  const writeEveryMs = checkNumber('writeEveryMs', options.writeEveryMs ?? 60, 1, 1e6, 'ms');
  const readEveryMs = checkNumber('readEveryMs', options.readEveryMs ?? 40, 1, 1e6, 'ms');
  const timeoutMs = checkNumber('timeoutMs', options.timeoutMs ?? 20, 1, 1e6, 'ms');
  const gossipEveryMs = checkNumber('gossipEveryMs', options.gossipEveryMs ?? 50, 1, 1e6, 'ms');
  const seed = checkSeed(options.seed);
  if (untilMs / Math.min(writeEveryMs, readEveryMs, gossipEveryMs) > 100_000) invalid('untilMs', untilMs, 'at most 100,000 operations per run');
  const sim = simulation({ seed, network: { latency: 2 } });
  const requests: RegisterRequest[] = [];
  // Ground truth: the latest acknowledged write (value and when it was acknowledged).
  let latestAcked = 0;
  let nextValue = 1;
  const majority = 2;
  const record = (replica: string, op: 'read' | 'write', outcome: 'ok' | 'refused', value: number | null, atMs: number) => {
    const stale = op === 'read' && outcome === 'ok' && value !== null && value < latestAcked;
    requests.push({ atMs, replica, op, outcome, value, stale });
  };
  sim.nodesOf(REPLICAS, {
    state: () => ({ value: 0, stamp: [0, ''] as [number, string], lamport: 0, pending: new Map<number, { kind: string; acks: number; value: number; atMs: number; reqMsg: any; done: boolean }>(), nextOp: 0, leaderWrites: new Map<number, any>(), wid: 0 }),
    start(ctx) {
      if (mode === 'AP') ctx.setTimer('gossip', gossipEveryMs);
    },
    onMessage(ctx, msg) {
      const s = ctx.state;
      const isLeader = ctx.node === 'r1';
      if (msg.requestId !== undefined) {
        // A client request arriving at this replica.
        const op = msg.type;
        if (mode === 'AP') {
          if (op === 'write') {
            s.lamport++;
            s.value = msg.body;
            s.stamp = [s.lamport, ctx.node];
            ctx.broadcast('replicate', { value: s.value, stamp: s.stamp });
            if (msg.body > latestAcked) latestAcked = msg.body;
            record(ctx.node, 'write', 'ok', msg.body, ctx.timeMs);
            ctx.respond(msg, 'ok');
          } else {
            record(ctx.node, 'read', 'ok', s.value, ctx.timeMs);
            ctx.respond(msg, s.value);
          }
          return;
        }
        // CP: the leader orders everything; others forward and wait.
        const id = s.nextOp++;
        s.pending.set(id, { kind: op, acks: 0, value: msg.body, atMs: ctx.timeMs, reqMsg: msg, done: false });
        ctx.setTimer('timeout', timeoutMs, id);
        if (isLeader) leaderHandle(ctx, ctx.node, id, op, msg.body);
        else ctx.send('r1', 'forward', { op, value: msg.body, id });
        return;
      }
      if (msg.type === 'forward') leaderHandle(ctx, msg.from, msg.body.id, msg.body.op, msg.body.value);
      else if (msg.type === 'append') {
        s.value = msg.body.value;
        ctx.send(msg.from, 'append-ok', msg.body);
      } else if (msg.type === 'append-ok') {
        const w = s.leaderWrites.get(msg.body.wid);
        if (w && !w.committed) {
          w.acks++;
          if (w.acks + 1 >= majority) {
            w.committed = true;
            if (w.value > latestAcked) latestAcked = w.value;
            finish(ctx, w.origin, w.id, 'ok', w.value);
          }
        }
      } else if (msg.type === 'result') {
        complete(ctx, msg.body.id, msg.body.outcome, msg.body.value);
      } else if (msg.type === 'replicate' || msg.type === 'gossip') {
        const [l, n] = msg.body.stamp as [number, string];
        s.lamport = Math.max(s.lamport, l);
        if (l > s.stamp[0] || (l === s.stamp[0] && n > s.stamp[1])) {
          s.value = msg.body.value;
          s.stamp = [l, n];
        }
      }
    },
    onTimer(ctx, name, id) {
      if (name === 'gossip') {
        ctx.broadcast('gossip', { value: ctx.state.value, stamp: ctx.state.stamp });
        ctx.setTimer('gossip', gossipEveryMs);
      } else complete(ctx, id, 'refused', null);
    }
  });
  function leaderHandle(ctx: any, origin: string, id: number, op: string, value: number) {
    const s = ctx.state;
    if (op === 'read') {
      // A linearizable read: confirm leadership with a majority before answering (read index).
      const wid = s.wid++;
      s.leaderWrites.set(wid, { origin, id, value: s.value, acks: 0, committed: false, read: true });
      ctx.broadcast('append', { value: s.value, wid });
      return;
    }
    s.value = value;
    const wid = s.wid++;
    s.leaderWrites.set(wid, { origin, id, value, acks: 0, committed: false });
    ctx.broadcast('append', { value, wid });
  }
  function finish(ctx: any, origin: string, id: number, outcome: 'ok' | 'refused', value: number | null) {
    if (origin === ctx.node) complete(ctx, id, outcome, value);
    else ctx.send(origin, 'result', { id, outcome, value });
  }
  function complete(ctx: any, id: number, outcome: 'ok' | 'refused', value: number | null) {
    const p = ctx.state.pending.get(id);
    if (!p || p.done) return;
    p.done = true;
    const isRead = p.kind === 'read';
    record(ctx.node, isRead ? 'read' : 'write', outcome, isRead ? value : p.value, p.atMs);
    ctx.respond(p.reqMsg, outcome === 'ok' ? value : 'refused');
  }
  // Workload.
  for (let t = writeEveryMs / 2, k = 0; t < untilMs - timeoutMs; t += writeEveryMs, k++) {
    const target = k % 2 === 0 ? 'r1' : 'r3';
    sim.at(t, (s) => { s.request(target, 'write', nextValue++); });
  }
  for (let t = readEveryMs / 3; t < untilMs - timeoutMs; t += readEveryMs) for (const r of REPLICAS) sim.request(r, 'read', undefined, { atMs: t });
  sim.partition(['r3'], ['r1', 'r2'], { atMs: partitionAtMs, ...(healAtMs !== Infinity ? { untilMs: healAtMs } : {}) });
  // Replica states sampled in true time.
  const changes: { lane: string; state: string; timeMs: number }[] = [];
  const sampleMs = Math.max(5, untilMs / 200);
  const last: Record<string, string> = {};
  const differsSince: Record<string, number> = {};
  // A replica counts as diverged once its value has differed from another replica's for
  // longer than a normal replication delay (10 ms), so ordinary lag does not flicker.
  for (let t = 0; t <= untilMs; t += sampleMs) {
    sim.at(t, (s) => {
      const partitioned = t >= partitionAtMs && t < healAtMs;
      const values = REPLICAS.map((r) => s.stateOf(r).value);
      for (const r of REPLICAS) {
        const v = s.stateOf(r).value;
        if (values.every((x) => x === v)) delete differsSince[r];
        else differsSince[r] ??= t;
        const diverged = differsSince[r] !== undefined && t - differsSince[r] >= 10;
        const state =
          mode === 'CP'
            ? partitioned && r === 'r3' ? 'refuses requests (minority)' : diverged && r === 'r3' ? 'catching up' : 'serving, in sync'
            : diverged ? 'serving, diverged' : 'serving, in sync';
        if (last[r] !== state) changes.push({ lane: r, state, timeMs: t });
        last[r] = state;
      }
    });
  }
  sim.run({ untilMs, eventsMax: 2_000_000 });
  const intervals: StateInterval[] = [];
  for (const r of REPLICAS) {
    const own = changes.filter((c) => c.lane === r);
    own.forEach((c, i) => intervals.push({ lane: r, state: c.state, startMs: c.timeMs, endMs: i + 1 < own.length ? own[i + 1].timeMs : untilMs }));
  }
  const finalValues: Record<string, number> = {};
  for (const r of REPLICAS) finalValues[r] = sim.stateOf(r).value;
  const served = requests.filter((q) => q.outcome === 'ok').length;
  return {
    seed,
    mode,
    trace: sim.trace,
    requests,
    intervals,
    finalValues,
    converged: new Set(Object.values(finalValues)).size === 1,
    summary: { served, refused: requests.length - served, staleReads: requests.filter((q) => q.stale).length, total: requests.length }
  };
}

/** CP and AP over several partition lengths inside one window: rows for `cpApChart`, simulated. */
export function capSweep(options: { partitionMsList?: readonly number[]; windowMs?: number; seed?: number } = {}): PartitionOutcome[] {
  rejectUnknownKeys('capSweep', options, ['partitionMsList', 'windowMs', 'seed']);
  const windowMs = checkNumber('windowMs', options.windowMs ?? 2000, 100, 1e6, 'ms');
  const list = options.partitionMsList ?? [0, 250, 500, 750, 1000, 1250, 1500];
  if (!Array.isArray(list) || list.length === 0) invalid('partitionMsList', list, 'a non-empty array of ms');
  list.forEach((ms, i) => checkNumber(`partitionMsList[${i}]`, ms, 0, windowMs - 100, 'ms'));
  const rows: PartitionOutcome[] = [];
  for (const mode of ['CP', 'AP'] as const) {
    for (const partitionMs of list) {
      const r = replicatedRegisterExperiment({ mode, untilMs: windowMs, partitionAtMs: 50, healAtMs: 50 + partitionMs, seed: options.seed ?? 1 });
      rows.push({
        mode: mode === 'CP' ? 'CP (refuse on the minority side)' : 'AP (serve everywhere)',
        partitionMs,
        servedFraction: r.summary.served / r.summary.total,
        staleFraction: r.summary.staleReads / r.summary.total
      });
    }
  }
  return rows;
}
