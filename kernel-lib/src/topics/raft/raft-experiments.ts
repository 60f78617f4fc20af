// Raft experiments in the shapes of the real etcd ones: leader failover, writes and reads by members up, a partitioned leader.
import { declareOptions, integerOption, invalid, type OptionsOf } from '../../core/options';
import type { RegisterOperation } from '../../checkers/linearizability';
import type { Trace } from '../../trace/recorder';
import { RAFT_CLUSTER_OPTIONS, RaftCluster, type ReadMode } from './raft';

const specs = RAFT_CLUSTER_OPTIONS.specs;
const clusterSpecs = {
  memberCount: specs.memberCount,
  heartbeatIntervalMs: specs.heartbeatIntervalMs,
  electionTimeoutMs: specs.electionTimeoutMs,
  checkQuorum: specs.checkQuorum,
  networkLatency: specs.networkLatency,
  seed: specs.seed
};

/**
 * The options an experiment here and its twin on a real etcd cluster (live/etcd/experiments.ts)
 * share, declared once so that both take the same values with the same meaning.
 */
export const TWIN_EXPERIMENT_SPECS = {
  failover: {
    probeIntervalMs: integerOption({ doc: 'A put is sent to a surviving member this often until one is accepted', min: 1, max: 1000, unit: 'ms', default: 10 })
  },
  quorum: {
    attempts: integerOption({ doc: 'Writes (and reads of each kind) tried at each number of members up', min: 1, max: 1000, default: 10 }),
    timeoutMs: integerOption({ doc: 'Time bound of each attempt', min: 10, max: 60_000, unit: 'ms', default: 1000 })
  },
  minority: {
    timeoutMs: integerOption({ doc: 'Time bound of each request to the minority', min: 10, max: 60_000, unit: 'ms', default: 1000 }),
    watchMs: integerOption({ doc: 'How long to watch the old leader for a step-down', min: 100, max: 600_000, unit: 'ms', default: 10_000 })
  }
};

function checkTimeouts(o: { heartbeatIntervalMs: number; electionTimeoutMs: number }): void {
  if (o.electionTimeoutMs <= o.heartbeatIntervalMs) invalid('electionTimeoutMs', o.electionTimeoutMs, `more than heartbeatIntervalMs (${o.heartbeatIntervalMs} ms)`);
}

/** The median as the real etcd experiments compute it (mean of the middle two for an even count). */
function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** One client request and how it ended, in the words of the real etcd experiments. */
export interface RaftRequestResult {
  op: 'put' | 'get' | 'get (serializable)';
  member: string;
  outcome: 'ok' | 'timeout' | 'refused';
  tookMs: number;
  detail: string;
  value: string | null;
}

function requestResult(r: RegisterOperation, member: string, mode: ReadMode, timeoutMs: number): RaftRequestResult {
  const op = r.kind === 'write' ? 'put' : mode === 'serializable' ? 'get (serializable)' : 'get';
  if (r.outcome === 'ok') return { op, member, outcome: 'ok', tookMs: r.completeMs! - r.invokeMs, detail: '', value: r.kind === 'read' ? r.value : null };
  if (r.outcome === 'fail') return { op, member, outcome: 'refused', tookMs: r.completeMs! - r.invokeMs, detail: 'no leader known to this member', value: null };
  return { op, member, outcome: 'timeout', tookMs: timeoutMs, detail: `no answer within ${timeoutMs} ms`, value: null };
}

/** Run until `client` has nothing left to do, then return the operations it recorded since `from`. */
function runClient(c: RaftCluster, client: string, ops: { kind: 'read' | 'write'; key: string; value?: string; mode?: ReadMode; member: string; timeoutMs: number }[]): RegisterOperation[] {
  const from = c.history.length;
  for (const op of ops) c.submit(client, { ...op, retry: false });
  const end = c.sim.timeMs + ops.reduce((t, op) => t + op.timeoutMs, 0) + 1;
  c.run({ untilMs: end, stopWhen: (sim) => c.history.length - from === ops.length && !sim.stateOf(client).busy });
  return c.history.slice(from).filter((r) => r.clientId === client);
}

/** Run until a member leads and its term's first entry is committed (a write would be accepted). */
function settle(c: RaftCluster, withinMs: number): string | null {
  c.run({
    untilMs: c.sim.timeMs + withinMs,
    stopWhen: () => {
      const l = c.leader();
      if (l === null) return false;
      const s = c.sim.stateOf(l);
      return s.commitIndex >= s.termStartIndex && c.members.every((m) => !c.sim.isUp(m) || c.sim.stateOf(m).leader === l);
    }
  });
  return c.leader();
}

// --- failover --------------------------------------------------------------------------------

export const RAFT_FAILOVER_OPTIONS = declareOptions('raftFailoverExperiment', {
  ...clusterSpecs,
  memberCount: integerOption({ doc: 'Raft members; at least 3, so that a majority survives the leader', min: 3, max: 9, default: 3 }),
  trials: integerOption({ doc: 'Leader kills, one run (one seed) each', min: 1, max: 10_000, default: 20 }),
  ...TWIN_EXPERIMENT_SPECS.failover
});
export type RaftFailoverOptions = OptionsOf<typeof RAFT_FAILOVER_OPTIONS>;

export interface RaftFailoverPoint {
  trial: number;
  seed: number;
  /** From the crash of the leader to the first put a survivor acknowledged. */
  failoverMs: number;
  /** From the crash to the new leader's election. */
  electionMs: number;
  killedLeader: string;
  newLeader: string | null;
  term: number | null;
}

export interface RaftFailoverResult {
  seeds: number[];
  points: RaftFailoverPoint[];
  medianMs: number;
  memberCount: number;
  heartbeatIntervalMs: number;
  electionTimeoutMs: number;
}

/**
 * Kill the leader of a settled cluster, then probe the survivors with puts every
 * `probeIntervalMs` (round robin, each with a timeout of max(200 ms, 3 heartbeats)) until one is
 * accepted: the time to a new leader that commits a write, as a retrying client sees it. The
 * same procedure as `etcdFailoverExperiment` on a real cluster; one seed per trial.
 */
export function raftFailoverExperiment(options: RaftFailoverOptions = {}): RaftFailoverResult {
  const o = RAFT_FAILOVER_OPTIONS.parse(options);
  checkTimeouts(o);
  const probeTimeoutMs = Math.max(200, 3 * o.heartbeatIntervalMs);
  const probers = Math.ceil(probeTimeoutMs / o.probeIntervalMs) + 1;
  const seeds: number[] = [];
  const points: RaftFailoverPoint[] = [];
  for (let trial = 0; trial < o.trials; trial++) {
    const seed = o.seed + trial;
    seeds.push(seed);
    const c = new RaftCluster({ memberCount: o.memberCount, heartbeatIntervalMs: o.heartbeatIntervalMs, electionTimeoutMs: o.electionTimeoutMs, checkQuorum: o.checkQuorum, networkLatency: o.networkLatency, clientCount: probers, trace: false, seed });
    const leader = settle(c, 60 * o.electionTimeoutMs);
    if (leader === null) throw new Error(`raftFailoverExperiment: no leader settled (seed ${seed})`);
    // Kill at a random phase of the heartbeat, as a kill at a wall-clock moment would land.
    c.run({ untilMs: c.sim.timeMs + o.heartbeatIntervalMs * (1 + c.sim.random.next()) });
    const killMs = c.sim.timeMs;
    const survivors = c.members.filter((m) => m !== leader);
    c.sim.crash(leader);
    const from = c.history.length;
    const horizonMs = killMs + 30 * o.electionTimeoutMs + 10_000;
    let i = 0;
    for (let t = killMs; t < horizonMs; t += o.probeIntervalMs, i++) {
      const k = i;
      c.sim.at(t, () => {
        if (c.history.slice(from).some((r) => r.outcome === 'ok')) return;
        c.submit(c.clients[k % probers], { kind: 'write', key: 'failover', value: `${trial}-${k}`, member: survivors[k % survivors.length], timeoutMs: probeTimeoutMs, retry: false });
      });
    }
    c.run({ untilMs: horizonMs, stopWhen: () => c.history.length > from && c.history.slice(from).some((r) => r.outcome === 'ok') });
    const accepted = c.history.slice(from).filter((r) => r.outcome === 'ok').sort((a, b) => a.completeMs! - b.completeMs!)[0];
    if (accepted === undefined) throw new Error(`raftFailoverExperiment: no survivor accepted a write after killing ${leader} (seed ${seed})`);
    const elected = c.observations.leaders.find((l) => l.timeMs > killMs);
    points.push({ trial, seed, failoverMs: accepted.completeMs! - killMs, electionMs: elected ? elected.timeMs - killMs : NaN, killedLeader: leader, newLeader: elected?.node ?? null, term: elected?.term ?? null });
  }
  return { seeds, points, medianMs: median(points.map((p) => p.failoverMs)), memberCount: o.memberCount, heartbeatIntervalMs: o.heartbeatIntervalMs, electionTimeoutMs: o.electionTimeoutMs };
}

// --- quorum ----------------------------------------------------------------------------------

export const RAFT_QUORUM_OPTIONS = declareOptions('raftQuorumExperiment', {
  ...clusterSpecs,
  upCount: integerOption({ doc: 'Only this many members up (1..memberCount)', min: 1, max: 9, defaultText: 'every count from memberCount down to 1' }),
  ...TWIN_EXPERIMENT_SPECS.quorum
});
export type RaftQuorumOptions = OptionsOf<typeof RAFT_QUORUM_OPTIONS>;

export interface RaftQuorumPoint {
  membersUp: number;
  memberCount: number;
  /** Members a write needs: a majority. */
  quorum: number;
  writes: number;
  writesOk: number;
  writeSuccessRate: number;
  linearizableReadsOk: number;
  serializableReadsOk: number;
  /** How the failed writes ended (`timeout` or `refused`), with why. */
  writeFailures: string[];
}

/**
 * Crash members one by one (followers first, the leader last) and try writes, linearizable
 * reads and serializable reads at each number of members up: n, n−1, …, 1. With a majority up
 * everything is served; below it writes and linearizable reads fail while serializable reads
 * still answer from the local copy. The procedure of `etcdQuorumExperiment`.
 */
export function raftQuorumExperiment(options: RaftQuorumOptions = {}): { seed: number; points: RaftQuorumPoint[]; memberCount: number } {
  const o = RAFT_QUORUM_OPTIONS.parse(options);
  checkTimeouts(o);
  if (o.upCount !== undefined && o.upCount > o.memberCount) invalid('upCount', o.upCount, `1..memberCount (${o.memberCount})`);
  const c = new RaftCluster({ memberCount: o.memberCount, heartbeatIntervalMs: o.heartbeatIntervalMs, electionTimeoutMs: o.electionTimeoutMs, checkQuorum: o.checkQuorum, networkLatency: o.networkLatency, clientCount: 1, trace: false, seed: o.seed });
  const leader = settle(c, 60 * o.electionTimeoutMs);
  if (leader === null) throw new Error(`raftQuorumExperiment: no leader settled (seed ${o.seed})`);
  const order = [...c.members.filter((m) => m !== leader), leader];
  const majority = Math.floor(o.memberCount / 2) + 1;
  runClient(c, 'c1', [{ kind: 'write', key: 'quorum', value: 'initial', member: leader, timeoutMs: o.timeoutMs }]);
  const points: RaftQuorumPoint[] = [];
  for (let down = 0; down < o.memberCount; down++) {
    if (down > 0) c.sim.crash(order[down - 1]);
    const up = order.slice(down);
    if (o.upCount !== undefined && up.length !== o.upCount) continue;
    if (up.length >= majority) settle(c, 10_000);
    let writesOk = 0;
    let linOk = 0;
    let serOk = 0;
    const writeFailures: string[] = [];
    for (let a = 0; a < o.attempts; a++) {
      const member = up[a % up.length];
      const [w, lin, ser] = runClient(c, 'c1', [
        { kind: 'write', key: 'quorum', value: `${up.length}-${a}`, member, timeoutMs: o.timeoutMs },
        { kind: 'read', key: 'quorum', member, timeoutMs: o.timeoutMs, mode: 'linearizable' },
        { kind: 'read', key: 'quorum', member, timeoutMs: o.timeoutMs, mode: 'serializable' }
      ]).map((r, i) => requestResult(r, member, i === 2 ? 'serializable' : 'linearizable', o.timeoutMs));
      if (w.outcome === 'ok') writesOk++;
      else if (writeFailures.length < 3) writeFailures.push(`${w.outcome}: ${w.detail}`);
      if (lin.outcome === 'ok') linOk++;
      if (ser.outcome === 'ok') serOk++;
    }
    points.push({ membersUp: up.length, memberCount: o.memberCount, quorum: majority, writes: o.attempts, writesOk, writeSuccessRate: writesOk / o.attempts, linearizableReadsOk: linOk, serializableReadsOk: serOk, writeFailures });
  }
  return { seed: o.seed, points, memberCount: o.memberCount };
}

// --- a partitioned minority leader -----------------------------------------------------------

export const RAFT_MINORITY_OPTIONS = declareOptions('raftMinorityLeaderExperiment', {
  ...clusterSpecs,
  ...TWIN_EXPERIMENT_SPECS.minority
});
export type RaftMinorityOptions = OptionsOf<typeof RAFT_MINORITY_OPTIONS>;

export interface RaftMinorityResult {
  seed: number;
  oldLeader: string;
  minority: string[];
  majority: string[];
  /** From the cut to the old leader no longer leading (check-quorum), null if it never stepped down. */
  steppedDownAfterMs: number | null;
  /** From the cut to a leader elected in the majority, null if none was. */
  newLeaderAfterMs: number | null;
  newLeader: string | null;
  minorityPut: RaftRequestResult;
  minorityLinearizableGet: RaftRequestResult;
  minoritySerializableGet: RaftRequestResult;
  majorityPut: RaftRequestResult;
  /** After the heal: the value each member serves from its local copy. */
  afterHeal: Record<string, string | null>;
  /** The run, for a space-time diagram. */
  trace: Trace;
}

/**
 * Cut the leader (and, in a cluster of 5, one follower with it) from the rest. With
 * check-quorum the old leader steps down within one or two election timeouts; without it, it
 * believes it leads for as long as the cut lasts. Its side refuses writes and linearizable
 * reads but serves serializable reads of its old copy; the majority elects a new leader; after
 * the heal all agree. The procedure of `etcdMinorityLeaderExperiment`.
 */
export function raftMinorityLeaderExperiment(options: RaftMinorityOptions = {}): RaftMinorityResult {
  const o = RAFT_MINORITY_OPTIONS.parse(options);
  checkTimeouts(o);
  if (o.memberCount < 3) invalid('memberCount', o.memberCount, '3..9: a partition needs a minority and a majority');
  const c = new RaftCluster({ memberCount: o.memberCount, heartbeatIntervalMs: o.heartbeatIntervalMs, electionTimeoutMs: o.electionTimeoutMs, checkQuorum: o.checkQuorum, networkLatency: o.networkLatency, clientCount: 1, seed: o.seed });
  const oldLeader = settle(c, 60 * o.electionTimeoutMs);
  if (oldLeader === null) throw new Error(`raftMinorityLeaderExperiment: no leader settled (seed ${o.seed})`);
  runClient(c, 'c1', [{ kind: 'write', key: 'register', value: 'before', member: oldLeader, timeoutMs: o.timeoutMs }]);
  const followers = c.members.filter((m) => m !== oldLeader);
  const minority = [oldLeader, ...followers.slice(0, Math.floor((o.memberCount - 1) / 2) - 1)];
  const majority = c.members.filter((m) => !minority.includes(m));
  const cutMs = c.sim.timeMs;
  // The client stays on the minority's side; the majority's put comes from inside it.
  c.sim.partition(majority, [...minority, 'c1']);
  let steppedDownAt: number | null = null;
  let electedAt: number | null = null;
  let newLeader: string | null = null;
  c.run({
    untilMs: cutMs + o.watchMs,
    stopWhen: (sim) => {
      if (steppedDownAt === null && sim.stateOf(oldLeader).role !== 'leader') steppedDownAt = sim.timeMs;
      if (electedAt === null) {
        const l = c.observations.leaders.find((x) => x.timeMs > cutMs && majority.includes(x.node));
        if (l !== undefined) {
          electedAt = l.timeMs;
          newLeader = l.node;
        }
      }
      return steppedDownAt !== null && electedAt !== null;
    }
  });
  const [minorityPut, minorityLinearizableGet, minoritySerializableGet] = runClient(c, 'c1', [
    { kind: 'write', key: 'register', value: 'minority', member: oldLeader, timeoutMs: o.timeoutMs },
    { kind: 'read', key: 'register', member: oldLeader, timeoutMs: o.timeoutMs, mode: 'linearizable' },
    { kind: 'read', key: 'register', member: oldLeader, timeoutMs: o.timeoutMs, mode: 'serializable' }
  ]).map((r, i) => requestResult(r, oldLeader, i === 2 ? 'serializable' : 'linearizable', o.timeoutMs));
  // The majority's put: the client moves to the majority's side.
  c.sim.heal();
  c.sim.partition([...minority], [...majority, 'c1']);
  const target = newLeader ?? majority[0];
  const [majorityPut] = runClient(c, 'c1', [{ kind: 'write', key: 'register', value: 'majority', member: target, timeoutMs: Math.max(o.timeoutMs, 3000) }]).map((r) => requestResult(r, target, 'linearizable', Math.max(o.timeoutMs, 3000)));
  c.sim.heal();
  settle(c, 60 * o.electionTimeoutMs);
  // Let every member catch up (a few heartbeats), then read each one's local copy.
  c.run({ untilMs: c.sim.timeMs + 5 * o.heartbeatIntervalMs });
  const afterHeal: Record<string, string | null> = {};
  for (const m of c.members) afterHeal[m] = c.sim.stateOf(m).machine.kv.get('register') ?? null;
  return {
    seed: o.seed,
    oldLeader,
    minority,
    majority,
    steppedDownAfterMs: steppedDownAt === null ? null : (steppedDownAt as number) - cutMs,
    newLeaderAfterMs: electedAt === null ? null : (electedAt as number) - cutMs,
    newLeader,
    minorityPut,
    minorityLinearizableGet,
    minoritySerializableGet,
    majorityPut,
    afterHeal,
    trace: c.sim.trace
  };
}
