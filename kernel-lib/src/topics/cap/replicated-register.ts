// CAP: a replicated register under a partition, in CP and AP modes.
import { simulation } from '../../simulation/simulation';
import { parseNumber, choiceOption, declareOptions, invalid, numberListOption, numberOption, seedOption, type OptionsOf } from '../../core/options';
import type { Trace } from '../../trace/recorder';
import type { StateInterval } from '../../trace/state-intervals';
import type { PartitionOutcome } from './partition-outcomes';
import type { RegisterOperation } from '../../checkers/linearizability';

export type CapMode = 'CP' | 'AP';

export const CAP_MODES: readonly CapMode[] = ['CP', 'AP'];

export const REPLICATED_REGISTER_OPTIONS = declareOptions('replicatedRegisterExperiment', {
  mode: choiceOption(CAP_MODES, { doc: 'CP: writes and reads go through a leader and need a majority; AP: every replica answers from its own copy', default: 'CP' }),
  untilMs: numberOption({ doc: 'Length of the run', min: 10, max: 1e6, unit: 'ms', default: 1200 }),
  partitionAtMs: numberOption({ doc: 'The minority replica r3 is cut off from r1 and r2 from here (at most untilMs)', min: 0, max: 1e6, unit: 'ms', default: 300 }),
  healAtMs: numberOption({ doc: '... until here (Infinity: never heals; at least partitionAtMs)', min: 0, max: 1e9, unit: 'ms', infinity: true, default: 800 }),
  writeIntervalMs: numberOption({ doc: 'A client writes every this many ms, alternating between r1 and r3', min: 1, max: 1e6, unit: 'ms', default: 60 }),
  readIntervalMs: numberOption({ doc: 'Clients read at every replica every this many ms', min: 1, max: 1e6, unit: 'ms', default: 40 }),
  timeoutMs: numberOption({ doc: 'How long a replica waits for the leader or a majority before refusing', min: 1, max: 1e6, unit: 'ms', default: 20 }),
  gossipIntervalMs: numberOption({ doc: 'AP: replicas exchange their value (anti-entropy) this often', min: 1, max: 1e6, unit: 'ms', default: 50 }),
  seed: seedOption()
});
export type ReplicatedRegisterOptions = OptionsOf<typeof REPLICATED_REGISTER_OPTIONS>;

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
  /**
   * The same requests as a client history for `checkLinearizable` (key `x`, initial value '0'):
   * invoke when the request reached its replica, complete when it was answered; a refused
   * write may still have reached the leader, so its outcome is unknown.
   */
  history: RegisterOperation[];
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
  const { mode, untilMs, partitionAtMs, healAtMs, writeIntervalMs, readIntervalMs, timeoutMs, gossipIntervalMs, seed } = REPLICATED_REGISTER_OPTIONS.parse(options);
  parseNumber('partitionAtMs', partitionAtMs, 0, untilMs, 'ms');
  if (healAtMs !== Infinity) parseNumber('healAtMs', healAtMs, partitionAtMs, 1e9, 'ms');
  if (untilMs / Math.min(writeIntervalMs, readIntervalMs, gossipIntervalMs) > 100_000) invalid('untilMs', untilMs, 'at most 100,000 operations per run');
  const sim = simulation({ seed, network: { latency: 2 } });
  const requests: RegisterRequest[] = [];
  const history: RegisterOperation[] = [];
  // Ground truth: the latest acknowledged write (value and when it was acknowledged).
  let latestAcked = 0;
  let nextValue = 1;
  const majority = 2;
  const record = (replica: string, op: 'read' | 'write', outcome: 'ok' | 'refused', value: number | null, atMs: number, completeMs: number) => {
    const stale = op === 'read' && outcome === 'ok' && value !== null && value < latestAcked;
    requests.push({ atMs, replica, op, outcome, value, stale });
    history.push({ clientId: `client@${replica}`, kind: op, key: 'x', value: value === null ? null : String(value), invokeMs: atMs, completeMs, outcome: outcome === 'ok' ? 'ok' : op === 'write' ? 'unknown' : 'fail' });
  };
  sim.nodesOf(REPLICAS, {
    state: () => ({ value: 0, stamp: [0, ''] as [number, string], lamport: 0, pending: new Map<number, { kind: string; acks: number; value: number; atMs: number; reqMsg: any; done: boolean }>(), nextOp: 0, leaderWrites: new Map<number, any>(), wid: 0 }),
    start(ctx) {
      if (mode === 'AP') ctx.setTimer('gossip', gossipIntervalMs);
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
            record(ctx.node, 'write', 'ok', msg.body, ctx.timeMs, ctx.timeMs);
            ctx.respond(msg, 'ok');
          } else {
            record(ctx.node, 'read', 'ok', s.value, ctx.timeMs, ctx.timeMs);
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
        ctx.setTimer('gossip', gossipIntervalMs);
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
    record(ctx.node, isRead ? 'read' : 'write', outcome, isRead ? value : p.value, p.atMs, ctx.timeMs);
    ctx.respond(p.reqMsg, outcome === 'ok' ? value : 'refused');
  }
  // Workload.
  for (let t = writeIntervalMs / 2, k = 0; t < untilMs - timeoutMs; t += writeIntervalMs, k++) {
    const target = k % 2 === 0 ? 'r1' : 'r3';
    sim.at(t, (s) => { s.request(target, 'write', nextValue++); });
  }
  for (let t = readIntervalMs / 3; t < untilMs - timeoutMs; t += readIntervalMs) for (const r of REPLICAS) sim.request(r, 'read', undefined, { atMs: t });
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
    history,
    intervals,
    finalValues,
    converged: new Set(Object.values(finalValues)).size === 1,
    summary: { served, refused: requests.length - served, staleReads: requests.filter((q) => q.stale).length, total: requests.length }
  };
}

export const CAP_SWEEP_OPTIONS = declareOptions('capSweep', {
  partitionMsList: numberListOption({ doc: 'Partition lengths to simulate, each at most windowMs − 100 ms', min: 0, max: 1e6, unit: 'ms', lengthMax: 200, default: [0, 250, 500, 750, 1000, 1250, 1500] }),
  windowMs: numberOption({ doc: 'Length of each run, which contains the partition', min: 100, max: 1e6, unit: 'ms', default: 2000 }),
  seed: seedOption()
});
export type CapSweepOptions = OptionsOf<typeof CAP_SWEEP_OPTIONS>;

/** CP and AP over several partition lengths inside one window: rows for `cpApChart`, simulated. */
export function capSweep(options: CapSweepOptions = {}): { seed: number; rows: PartitionOutcome[] } {
  const { partitionMsList: list, windowMs, seed } = CAP_SWEEP_OPTIONS.parse(options);
  list.forEach((ms, i) => parseNumber(`partitionMsList[${i}]`, ms, 0, windowMs - 100, 'ms'));
  const rows: PartitionOutcome[] = [];
  for (const mode of ['CP', 'AP'] as const) {
    for (const partitionMs of list) {
      const r = replicatedRegisterExperiment({ mode, untilMs: windowMs, partitionAtMs: 50, healAtMs: 50 + partitionMs, seed });
      rows.push({
        mode: mode === 'CP' ? 'CP (refuse on the minority side)' : 'AP (serve everywhere)',
        partitionMs,
        servedFraction: r.summary.served / r.summary.total,
        staleFraction: r.summary.staleReads / r.summary.total
      });
    }
  }
  return { seed, rows };
}
