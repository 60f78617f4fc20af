// Live etcd: experiments on a real cluster, returning the shapes the simulated experiments return.
import { performance } from 'perf_hooks';
import { DistlabInputError, declareOptions, integerOption, probabilityOption, seedOption, type OptionsOf } from '../../core/options';
import { rng } from '../../core/rng';
import { percentile } from '../../experiments/stats';
import { ETCD_CLUSTER_OPTIONS, startEtcdCluster, type EtcdCluster, type EtcdClusterOptions, type EtcdResult } from './cluster';
import { onInterrupt } from './lifecycle';
import { EtcdExperimentError } from './errors';
import type { RegisterOperation } from '../../checkers/linearizability';
import { TWIN_EXPERIMENT_SPECS, type RaftQuorumPoint } from '../../topics/raft/raft-experiments';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Raised inside an experiment when the kernel is interrupted; its cluster is closed. */
export class EtcdExperimentInterrupted extends Error {
  constructor(what: string) {
    super(`${what} interrupted: its etcd cluster was stopped and its data folder removed`);
    this.name = 'EtcdExperimentInterrupted';
  }
}

/** Run `body` on a fresh cluster that is closed afterwards, or at once when the kernel is interrupted. */
async function withCluster<T>(what: string, options: EtcdClusterOptions, body: (cluster: EtcdCluster, live: () => void) => Promise<T>): Promise<T> {
  const cluster = await startEtcdCluster(options);
  let interrupted = false;
  const forget = onInterrupt(() => {
    interrupted = true;
    void cluster.close();
  });
  const live = () => {
    if (interrupted) throw new EtcdExperimentInterrupted(what);
  };
  try {
    return await body(cluster, live);
  } finally {
    forget();
    await cluster.close();
  }
}

const clusterSpecs = {
  memberCount: ETCD_CLUSTER_OPTIONS.specs.memberCount,
  heartbeatIntervalMs: ETCD_CLUSTER_OPTIONS.specs.heartbeatIntervalMs,
  electionTimeoutMs: ETCD_CLUSTER_OPTIONS.specs.electionTimeoutMs,
  preVote: ETCD_CLUSTER_OPTIONS.specs.preVote
};

function clusterOptions(o: { memberCount: number; heartbeatIntervalMs: number; electionTimeoutMs: number; preVote: boolean }, seed?: number): EtcdClusterOptions {
  return { memberCount: o.memberCount, heartbeatIntervalMs: o.heartbeatIntervalMs, electionTimeoutMs: o.electionTimeoutMs, preVote: o.preVote, ...(seed === undefined ? {} : { seed }) };
}

// --- put latency -----------------------------------------------------------------------------

export const ETCD_PUT_LATENCY_OPTIONS = declareOptions('etcdPutLatencyExperiment', {
  ...clusterSpecs,
  puts: integerOption({ doc: 'Puts timed one after another (after 20 untimed warm-up puts)', min: 10, max: 100_000, default: 500 })
});
export type EtcdPutLatencyOptions = OptionsOf<typeof ETCD_PUT_LATENCY_OPTIONS>;

export interface EtcdPutLatencyResult {
  memberCount: number;
  /** Each acknowledged put, client-side, in ms (sent to the leader, sequentially). */
  samplesMs: number[];
  p50Ms: number;
  p99Ms: number;
  failed: number;
}

/** Time sequential puts to the leader of a real cluster on loopback: each is a Raft round and an fsync. */
export async function etcdPutLatencyExperiment(options: EtcdPutLatencyOptions = {}): Promise<EtcdPutLatencyResult> {
  const o = ETCD_PUT_LATENCY_OPTIONS.parse(options);
  return withCluster('etcdPutLatencyExperiment', clusterOptions(o), async (cluster, live) => {
    const leader = (await cluster.waitForLeader()).leader!;
    for (let i = 0; i < 20; i++) await cluster.put('latency', `warm-${i}`, { member: leader });
    const samplesMs: number[] = [];
    let failed = 0;
    for (let i = 0; i < o.puts; i++) {
      live();
      const t = performance.now();
      const r = await cluster.put('latency', String(i), { member: leader });
      if (r.outcome === 'ok') samplesMs.push(performance.now() - t);
      else failed += 1;
    }
    return { memberCount: o.memberCount, samplesMs, p50Ms: percentile(samplesMs, 50), p99Ms: percentile(samplesMs, 99), failed };
  });
}

// --- failover --------------------------------------------------------------------------------

export const ETCD_FAILOVER_OPTIONS = declareOptions('etcdFailoverExperiment', {
  ...clusterSpecs,
  trials: integerOption({ doc: 'Leader kills, one after another on the same cluster', min: 1, max: 500, default: 20 }),
  ...TWIN_EXPERIMENT_SPECS.failover
});
export type EtcdFailoverOptions = OptionsOf<typeof ETCD_FAILOVER_OPTIONS>;

export interface EtcdFailoverPoint {
  trial: number;
  /** From the SIGKILL of the leader to the first put a survivor acknowledged. */
  failoverMs: number;
  killedLeader: string;
  newLeader: string | null;
  term: number | null;
}

export interface EtcdFailoverResult {
  points: EtcdFailoverPoint[];
  medianMs: number;
  memberCount: number;
  heartbeatIntervalMs: number;
  electionTimeoutMs: number;
}

/**
 * SIGKILL the leader, then probe the survivors with puts every `probeIntervalMs` until one is
 * accepted: the time to a new leader that accepts writes, as the learner's client sees it. The
 * killed member is restarted and caught up before the next trial.
 */
export async function etcdFailoverExperiment(options: EtcdFailoverOptions = {}): Promise<EtcdFailoverResult> {
  const o = ETCD_FAILOVER_OPTIONS.parse(options);
  if (o.memberCount < 3) throw new DistlabInputError(`invalid memberCount: ${o.memberCount} (expected 3..7: with fewer, no majority survives the leader)`);
  const probeTimeoutMs = Math.max(200, 3 * o.heartbeatIntervalMs);
  return withCluster('etcdFailoverExperiment', clusterOptions(o), async (cluster, live) => {
    const points: EtcdFailoverPoint[] = [];
    for (let trial = 0; trial < o.trials; trial++) {
      live();
      const settled = await settle(cluster);
      const leader = settled.leader!;
      const survivors = cluster.members.filter((m) => m !== leader);
      const killedAt = performance.now();
      const kill = cluster.kill(leader);
      let acceptedAt: number | null = null;
      let i = 0;
      const inFlight: Promise<void>[] = [];
      while (acceptedAt === null && performance.now() - killedAt < 30 * o.electionTimeoutMs + 10_000) {
        live();
        const member = survivors[i % survivors.length];
        inFlight.push(
          cluster.put('failover', `${trial}-${i}`, { member, timeoutMs: probeTimeoutMs }).then((r: EtcdResult) => {
            if (r.outcome === 'ok' && acceptedAt === null) acceptedAt = performance.now();
          })
        );
        i += 1;
        await sleep(o.probeIntervalMs);
      }
      await kill;
      await Promise.all(inFlight);
      if (acceptedAt === null) throw new EtcdExperimentError(`etcdFailoverExperiment: no survivor accepted a write after killing ${leader} (trial ${trial})`);
      const after = await cluster.waitForLeader(10_000);
      points.push({ trial, failoverMs: (acceptedAt as number) - killedAt, killedLeader: leader, newLeader: after.leader, term: after.term });
      await cluster.restart(leader, { timeoutMs: 20_000 });
    }
    const sorted = points.map((p) => p.failoverMs).sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    const medianMs = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    return { points, medianMs, memberCount: o.memberCount, heartbeatIntervalMs: o.heartbeatIntervalMs, electionTimeoutMs: o.electionTimeoutMs };
  });
}

/** How long a cluster may take to settle: a loaded machine starves etcd of CPU, so elections repeat. */
const SETTLE_MS = 60_000;

/**
 * Wait until every member runs, follows one leader, and a write is accepted. A member restarted
 * after a kill may start an election before it hears the leader (pre-vote is off by default in
 * etcd 3.4), so the cluster can take a few rounds to settle on a busy machine.
 */
async function settle(cluster: EtcdCluster) {
  const deadline = Date.now() + SETTLE_MS;
  let seen = 'no member answered';
  while (Date.now() < deadline) {
    const leader = await cluster.waitForLeader(Math.max(1, Math.min(10_000, deadline - Date.now())));
    const statuses = await cluster.status({ timeoutMs: 2000 });
    seen = statuses.map((s) => (s.outcome === 'ok' ? `${s.member} follows ${s.leader ?? 'no leader'} at term ${s.term}` : `${s.member}: ${s.outcome}${s.detail ? ` (${s.detail})` : ''}`)).join('; ');
    const allFollow = statuses.every((s) => s.outcome === 'ok' && s.leader === leader.leader);
    if (leader.outcome === 'ok' && allFollow && (await cluster.put('settle', 'x', { member: leader.leader! })).outcome === 'ok') return leader;
    await sleep(50);
  }
  throw new EtcdExperimentError(`etcd cluster did not settle (every member following one leader) within ${SETTLE_MS / 1000} s; last seen: ${seen}. A busy machine starves etcd of CPU: run the cell again when it is quieter`);
}

// --- quorum ----------------------------------------------------------------------------------

export const ETCD_QUORUM_OPTIONS = declareOptions('etcdQuorumExperiment', {
  ...clusterSpecs,
  ...TWIN_EXPERIMENT_SPECS.quorum
});
export type EtcdQuorumOptions = OptionsOf<typeof ETCD_QUORUM_OPTIONS>;

/** A row of the real quorum experiment: the simulated experiment's row, so one figure draws both. */
export type EtcdQuorumPoint = RaftQuorumPoint;

/**
 * Kill members one by one (followers first) and try writes, linearizable reads and serializable
 * reads at each number of members up: n, n−1, …, 1.
 */
export async function etcdQuorumExperiment(options: EtcdQuorumOptions = {}): Promise<{ points: EtcdQuorumPoint[]; memberCount: number }> {
  const o = ETCD_QUORUM_OPTIONS.parse(options);
  return withCluster('etcdQuorumExperiment', clusterOptions(o), async (cluster, live) => {
    const points: EtcdQuorumPoint[] = [];
    const leader = (await cluster.waitForLeader()).leader!;
    const order = [...cluster.members.filter((m) => m !== leader), leader];
    await cluster.put('quorum', 'initial', { member: leader });
    for (let down = 0; down < o.memberCount; down++) {
      live();
      if (down > 0) await cluster.kill(order[down - 1]);
      const up = order.slice(down);
      const majority = Math.floor(o.memberCount / 2) + 1;
      if (up.length >= majority) await cluster.waitForLeader(10_000);
      let writesOk = 0;
      let linOk = 0;
      let serOk = 0;
      const writeFailures: string[] = [];
      for (let a = 0; a < o.attempts; a++) {
        const member = up[a % up.length];
        const w = await cluster.put('quorum', `${up.length}-${a}`, { member, timeoutMs: o.timeoutMs });
        if (w.outcome === 'ok') writesOk += 1;
        else if (writeFailures.length < 3) writeFailures.push(`${w.outcome}: ${w.detail}`);
        if ((await cluster.get('quorum', { member, timeoutMs: o.timeoutMs })).outcome === 'ok') linOk += 1;
        if ((await cluster.get('quorum', { member, consistency: 'serializable', timeoutMs: o.timeoutMs })).outcome === 'ok') serOk += 1;
      }
      points.push({ membersUp: up.length, memberCount: o.memberCount, quorum: majority, writes: o.attempts, writesOk, writeSuccessRate: writesOk / o.attempts, linearizableReadsOk: linOk, serializableReadsOk: serOk, writeFailures });
    }
    return { points, memberCount: o.memberCount };
  });
}

// --- a partitioned minority leader -----------------------------------------------------------

export const ETCD_MINORITY_OPTIONS = declareOptions('etcdMinorityLeaderExperiment', {
  ...clusterSpecs,
  ...TWIN_EXPERIMENT_SPECS.minority
});
export type EtcdMinorityOptions = OptionsOf<typeof ETCD_MINORITY_OPTIONS>;

export interface EtcdMinorityResult {
  oldLeader: string;
  minority: string[];
  majority: string[];
  /** From the cut to the old leader's own status naming no leader (or another), null if it never did. */
  steppedDownAfterMs: number | null;
  /** From the cut to the majority following a new leader, null if it never did. */
  newLeaderAfterMs: number | null;
  newLeader: string | null;
  minorityPut: EtcdResult;
  minorityLinearizableGet: EtcdResult;
  minoritySerializableGet: EtcdResult & { value: string | null };
  majorityPut: EtcdResult;
  /** After heal: the value every member serves locally (serializable), which is the majority's write. */
  afterHeal: Record<string, string | null>;
}

/**
 * Cut the leader (and, in a cluster of 5, one follower with it) from the rest: the old leader
 * steps down (etcd's check-quorum), its side refuses writes and linearizable reads but serves
 * serializable reads of its old copy, the majority elects a new leader; after heal all agree.
 */
export async function etcdMinorityLeaderExperiment(options: EtcdMinorityOptions = {}): Promise<EtcdMinorityResult> {
  const o = ETCD_MINORITY_OPTIONS.parse(options);
  if (o.memberCount < 3) throw new DistlabInputError(`invalid memberCount: ${o.memberCount} (expected 3..7: a partition needs a minority and a majority)`);
  return withCluster('etcdMinorityLeaderExperiment', clusterOptions(o), async (cluster, live) => {
    const oldLeader = (await settle(cluster)).leader!;
    await cluster.put('register', 'before', { member: oldLeader });
    const followers = cluster.members.filter((m) => m !== oldLeader);
    const minoritySize = Math.floor((o.memberCount - 1) / 2);
    const minority = [oldLeader, ...followers.slice(0, minoritySize - 1)];
    const majority = cluster.members.filter((m) => !minority.includes(m));
    const cutAt = performance.now();
    cluster.partition(minority, majority);
    let steppedDownAfterMs: number | null = null;
    let newLeaderAfterMs: number | null = null;
    let newLeader: string | null = null;
    while (performance.now() - cutAt < o.watchMs && (steppedDownAfterMs === null || newLeaderAfterMs === null)) {
      live();
      const statuses = await cluster.status({ timeoutMs: 500 });
      const now = performance.now() - cutAt;
      const old = statuses.find((s) => s.member === oldLeader)!;
      if (steppedDownAfterMs === null && old.outcome === 'ok' && old.leader !== oldLeader) steppedDownAfterMs = now;
      const views = statuses.filter((s) => majority.includes(s.member!) && s.outcome === 'ok' && s.leader !== null && majority.includes(s.leader));
      if (newLeaderAfterMs === null && views.length === majority.length && views.every((s) => s.leader === views[0].leader)) {
        newLeaderAfterMs = now;
        newLeader = views[0].leader;
      }
      await sleep(20);
    }
    const minorityPut = await cluster.put('register', 'minority', { member: oldLeader, timeoutMs: o.timeoutMs });
    const minorityLinearizableGet = await cluster.get('register', { member: oldLeader, timeoutMs: o.timeoutMs });
    const minoritySerializableGet = await cluster.get('register', { member: oldLeader, consistency: 'serializable', timeoutMs: o.timeoutMs });
    const majorityPut = await cluster.put('register', 'majority', { member: majority[0], timeoutMs: Math.max(o.timeoutMs, 3000) });
    cluster.heal();
    await settle(cluster);
    const afterHeal: Record<string, string | null> = {};
    for (const m of cluster.members) {
      // A linearizable read first, so the member has caught up; then its local copy.
      await cluster.get('register', { member: m, timeoutMs: 5000 });
      afterHeal[m] = (await cluster.get('register', { member: m, consistency: 'serializable' })).value;
    }
    return { oldLeader, minority, majority, steppedDownAfterMs, newLeaderAfterMs, newLeader, minorityPut, minorityLinearizableGet, minoritySerializableGet, majorityPut, afterHeal };
  });
}

// --- a concurrent history for the linearizability checker ------------------------------------

/** One operation of a history: the shape `checkLinearizable` reads. */
export type EtcdHistoryOperation = RegisterOperation;

export const ETCD_HISTORY_OPTIONS = declareOptions('etcdHistoryExperiment', {
  ...clusterSpecs,
  clientCount: integerOption({ doc: 'Clients running at once, each one operation at a time', min: 1, max: 64, default: 8 }),
  operations: integerOption({ doc: 'Operations in the history, over all clients', min: 1, max: 200_000, default: 2000 }),
  keyCount: integerOption({ doc: 'Registers (keys) the clients share', min: 1, max: 1000, default: 5 }),
  readProbability: probabilityOption({ doc: 'Probability an operation is a (linearizable) read rather than a write', default: 0.5 }),
  killLeaderAfterOperations: integerOption({ doc: 'SIGKILL the leader once this many operations were invoked, then restart it (0: no fault)', min: 0, max: 200_000, default: 0 }),
  timeoutMs: integerOption({ doc: 'Time bound of each operation', min: 10, max: 60_000, unit: 'ms', default: 2000 }),
  seed: seedOption({ doc: 'Seed of the clients’ choices of key, kind and member' })
});
export type EtcdHistoryOptions = OptionsOf<typeof ETCD_HISTORY_OPTIONS>;

export interface EtcdHistoryResult {
  history: EtcdHistoryOperation[];
  operationCount: number;
  durationMs: number;
  opsPerSec: number;
  killed: string | null;
}

/**
 * Concurrent clients read and write a few keys through random members of a real cluster
 * (optionally while its leader is killed and restarted) and record every operation's
 * invocation, completion and outcome: a history for `checkLinearizable`.
 */
export async function etcdHistoryExperiment(options: EtcdHistoryOptions = {}): Promise<EtcdHistoryResult> {
  const o = ETCD_HISTORY_OPTIONS.parse(options);
  return withCluster('etcdHistoryExperiment', clusterOptions(o, o.seed), async (cluster, live) => {
    await settle(cluster);
    const history: EtcdHistoryOperation[] = [];
    const start = performance.now();
    const now = () => performance.now() - start;
    let invoked = 0;
    let killed: string | null = null;
    let fault: Promise<void> = Promise.resolve();
    const client = async (clientId: number) => {
      const random = rng(o.seed, 100 + clientId);
      let seq = 0;
      while (invoked < o.operations) {
        live();
        invoked += 1;
        if (o.killLeaderAfterOperations > 0 && invoked === o.killLeaderAfterOperations) {
          fault = (async () => {
            const leader = (await cluster.leader()).leader;
            if (leader === null) return;
            killed = leader;
            await cluster.kill(leader);
            await sleep(2 * o.electionTimeoutMs);
            await cluster.restart(leader, { timeoutMs: 20_000 });
          })();
        }
        const states = cluster.states();
        const running = cluster.members.filter((m) => states[m] === 'running');
        const member = running[random.int(running.length)] ?? cluster.members[0];
        const key = `r${random.int(o.keyCount)}`;
        const invokeMs = now();
        if (random.next() < o.readProbability) {
          const r = await cluster.get(key, { member, timeoutMs: o.timeoutMs });
          history.push(r.outcome === 'ok' ? { clientId, kind: 'read', key, value: r.value, invokeMs, completeMs: now(), outcome: 'ok' } : { clientId, kind: 'read', key, value: null, invokeMs, completeMs: now(), outcome: 'fail' });
        } else {
          const value = `c${clientId}-${seq++}`;
          const r = await cluster.put(key, value, { member, timeoutMs: o.timeoutMs });
          // Refused before anything was sent (no connection) surely had no effect; anything else may have.
          const surelyNot = r.outcome === 'refused' && /connection refused|no connection to the member/.test(r.detail);
          history.push(
            r.outcome === 'ok'
              ? { clientId, kind: 'write', key, value, invokeMs, completeMs: now(), outcome: 'ok' }
              : surelyNot
                ? { clientId, kind: 'write', key, value, invokeMs, completeMs: now(), outcome: 'fail' }
                : { clientId, kind: 'write', key, value, invokeMs, outcome: 'unknown' }
          );
        }
      }
    };
    await Promise.all(Array.from({ length: o.clientCount }, (_, i) => client(i)));
    await fault;
    const durationMs = now();
    history.sort((a, b) => a.invokeMs - b.invokeMs);
    return { history, operationCount: history.length, durationMs, opsPerSec: history.length / (durationMs / 1000), killed };
  });
}
