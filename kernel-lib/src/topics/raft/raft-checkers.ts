// Raft's safety properties (Figure 3 of the paper) checked over a run, and over many seeds with random faults.
import { result, type CheckResult, type Counterexample } from '../../checkers/checkers';
import { declareOptions, integerOption, numberOption, probabilityOption, type OptionsOf } from '../../core/options';
import type { TraceEvent } from '../../trace/event';
import type { Trace } from '../../trace/recorder';
import { lognormalLatency } from '../../world/net/latency';
import { RaftCluster, type RaftInternals, type RaftObservations } from './raft';

export const RAFT_SAFETY_PROPERTIES = ['election safety', 'log matching', 'leader completeness', 'state machine safety'] as const;
export type RaftSafetyProperty = (typeof RAFT_SAFETY_PROPERTIES)[number];


/** Local events of the trace that show a finding (`leader` of a term, `commit` of an index), when the trace is on. */
function find(trace: Trace | undefined, match: (e: TraceEvent) => boolean): TraceEvent[] {
  if (trace === undefined) return [];
  return trace.events().filter((e) => e.type === 'local' && match(e));
}

/**
 * The four safety properties of Raft over what a run recorded:
 * election safety (at most one leader per term), log matching (two logs with an entry of the
 * same index and term are identical up to it), leader completeness (an entry committed in a
 * term is in the log of every leader of a later term), state machine safety (no two members
 * apply different entries at the same index). One result per property.
 */
export function checkRaftSafety(observations: RaftObservations, seed: number, trace?: Trace): CheckResult[] {
  return [electionSafety(observations, seed, trace), logMatching(observations, seed), leaderCompleteness(observations, seed, trace), stateMachineSafety(observations, seed, trace)];
}

function electionSafety(o: RaftObservations, seed: number, trace?: Trace): CheckResult {
  const byTerm = new Map<number, { node: string; timeMs: number }>();
  for (const l of o.leaders) {
    const first = byTerm.get(l.term);
    if (first === undefined) byTerm.set(l.term, l);
    else if (first.node !== l.node) {
      return result('election safety', seed, {
        message: `${first.node} (at ${first.timeMs.toFixed(1)} ms) and ${l.node} (at ${l.timeMs.toFixed(1)} ms) are both leader of term ${l.term}`,
        events: find(trace, (e) => e.label === 'leader' && (e.data as { term: number }).term === l.term)
      });
    }
  }
  return result('election safety', seed);
}

function logMatching(o: RaftObservations, seed: number): CheckResult {
  // (index, term) names one entry, and the entry before it is always the same one.
  const seen = new Map<string, { uid: number; prevUid: number; node: string; timeMs: number }>();
  for (const sample of o.logSamples) {
    for (const [node, log] of Object.entries(sample.logs)) {
      for (let i = 0; i < log.length; i++) {
        const key = `${i + 1}:${log[i].term}`;
        const prevUid = i === 0 ? 0 : log[i - 1].uid;
        const first = seen.get(key);
        if (first === undefined) seen.set(key, { uid: log[i].uid, prevUid, node, timeMs: sample.timeMs });
        else if (first.uid !== log[i].uid || first.prevUid !== prevUid) {
          return result('log matching', seed, {
            message: `index ${i + 1}, term ${log[i].term}: ${first.node}'s log (at ${first.timeMs.toFixed(0)} ms) and ${node}'s (at ${sample.timeMs.toFixed(0)} ms) hold different ${first.uid !== log[i].uid ? 'entries' : 'histories before it'}`,
            events: [],
            values: { [first.node]: first, [node]: { uid: log[i].uid, prevUid } }
          });
        }
      }
    }
  }
  return result('log matching', seed);
}

function leaderCompleteness(o: RaftObservations, seed: number, trace?: Trace): CheckResult {
  for (const l of o.leaders) {
    for (const c of o.commits) {
      if (c.term >= l.term) continue;
      const have = l.log[c.index - 1];
      if (have === undefined || have.uid !== c.uid) {
        return result('leader completeness', seed, {
          message: `entry ${c.index} (term ${c.entryTerm}) was committed by ${c.node} in term ${c.term} at ${c.timeMs.toFixed(1)} ms, but ${l.node} became leader of term ${l.term} at ${l.timeMs.toFixed(1)} ms without it (its log has ${l.log.length} entries)`,
          events: [
            ...find(trace, (e) => e.label === 'commit' && e.node === c.node && (e.data as { term: number; index: number }).term === c.term && (e.data as { index: number }).index >= c.index).slice(0, 1),
            ...find(trace, (e) => e.label === 'leader' && e.node === l.node && (e.data as { term: number }).term === l.term)
          ].sort((a, b) => a.seq - b.seq)
        });
      }
    }
  }
  return result('leader completeness', seed);
}

function stateMachineSafety(o: RaftObservations, seed: number, trace?: Trace): CheckResult {
  const c = o.applyConflicts[0];
  if (c === undefined) return result('state machine safety', seed);
  return result('state machine safety', seed, {
    message: `${c.first.node} applied entry #${c.first.uid} at index ${c.index} (${c.first.timeMs.toFixed(1)} ms), ${c.node} applied entry #${c.uid} there (${c.timeMs.toFixed(1)} ms)`,
    events: find(trace, (e) => e.label === 'leader').filter((e) => e.timeMs <= c.timeMs),
    values: { [c.first.node]: c.first.uid, [c.node]: c.uid }
  });
}

export const RAFT_SAFETY_OPTIONS = declareOptions('raftSafetyCheck', {
  seeds: integerOption({ doc: 'Runs, one seed each', min: 1, max: 100_000, default: 1000 }),
  firstSeed: integerOption({ doc: 'First seed; the others follow', min: 0, max: Number.MAX_SAFE_INTEGER, default: 1 }),
  runMs: numberOption({ doc: 'Virtual time of each run', min: 100, max: 600_000, unit: 'ms', default: 4000 }),
  heartbeatIntervalMs: numberOption({ doc: 'Heartbeat of the runs (shorter than etcd\'s so that a run sees many elections)', min: 1, max: 60_000, unit: 'ms', default: 20 }),
  electionTimeoutMs: numberOption({ doc: 'Election timeout of the runs', min: 2, max: 600_000, unit: 'ms', default: 200 }),
  faultIntervalMs: numberOption({ doc: 'Mean time between injected faults (crash with restart, partition with heal)', min: 10, max: 600_000, unit: 'ms', default: 250 }),
  dropProbability: probabilityOption({ doc: 'Message loss on every link', default: 0.05 }),
  failuresMax: integerOption({ doc: 'Stop after this many failing seeds', min: 1, max: 1000, default: 3 })
});
export type RaftSafetyOptions = OptionsOf<typeof RAFT_SAFETY_OPTIONS>;

/** One failing seed: the property, why, and the replayed run's trace for a space-time diagram. */
export interface RaftSafetyFailure {
  seed: number;
  property: string;
  message: string;
  /** The replayed run with the trace on: draw it with `spaceTimeDiagram(trace)`. */
  trace: Trace;
  /** The events that show the violation (leaders, commits), in trace order. */
  events: TraceEvent[];
  /** What the checker found, as a CheckResult. */
  check: CheckResult;
}

export interface RaftSafetyResult {
  seeds: number[];
  ok: boolean;
  /** Per property: seeds that passed and failed. */
  rows: { property: string; passed: number; failed: number }[];
  failures: RaftSafetyFailure[];
  /** Over all runs: leaders elected, entries committed, faults injected, client operations. */
  totals: { leaders: number; commits: number; faults: number; operations: number };
  summary: string;
}

/** One run with random faults: 3 or 5 members, clients writing and reading, crashes, restarts, partitions, loss and delay. */
export function raftFaultRun(seed: number, o: Required<RaftSafetyOptions>, trace: boolean, internals: RaftInternals = {}): { cluster: RaftCluster; faults: number } {
  const memberCount = seed % 2 === 0 ? 5 : 3;
  const c = new RaftCluster(
    { memberCount, clientCount: 3, clientTimeoutMs: o.electionTimeoutMs, heartbeatIntervalMs: o.heartbeatIntervalMs, electionTimeoutMs: o.electionTimeoutMs, networkLatency: lognormalLatency({ medianMs: 2, p99Ms: 20 }), dropProbability: o.dropProbability, trace, seed },
    internals
  );
  const sim = c.sim;
  const rng = sim.random;
  c.workload({ untilMs: o.runMs, keys: ['x', 'y'], writeFraction: 0.6, thinkMs: o.heartbeatIntervalMs });
  let faults = 0;
  for (let t = rng.next() * o.faultIntervalMs; t < o.runMs - o.electionTimeoutMs; t += o.faultIntervalMs * (0.5 + rng.next())) {
    faults++;
    const kind = rng.next();
    if (kind < 0.5) {
      const node = c.members[rng.int(memberCount)];
      sim.at(t, (s) => { if (s.isUp(node)) s.crash(node, { restartAfterMs: o.electionTimeoutMs * (0.2 + 2 * rng.next()) }); });
    } else {
      const side = c.members.filter(() => rng.next() < 0.4);
      if (side.length === 0 || side.length === memberCount) continue;
      sim.partition(side, undefined, { atMs: t, untilMs: t + o.electionTimeoutMs * (0.5 + 3 * rng.next()) });
    }
  }
  for (let t = o.electionTimeoutMs; t <= o.runMs; t += o.electionTimeoutMs) sim.at(t, () => c.sampleLogs());
  c.run({ untilMs: o.runMs });
  c.sampleLogs();
  return { cluster: c, faults };
}

/**
 * Raft's four safety properties over many seeds with random crashes and restarts (persistent
 * state kept, volatile lost), partitions, message loss and variable delay. Runs go without a
 * trace; a failing seed is replayed with it, so each failure comes with its space-time trace.
 */
export function raftSafetyCheck(options: RaftSafetyOptions = {}, internals: RaftInternals = {}): RaftSafetyResult {
  const o = RAFT_SAFETY_OPTIONS.parse(options) as Required<RaftSafetyOptions>;
  const seeds: number[] = [];
  const rows = RAFT_SAFETY_PROPERTIES.map((property) => ({ property, passed: 0, failed: 0 }));
  const failures: RaftSafetyFailure[] = [];
  const totals = { leaders: 0, commits: 0, faults: 0, operations: 0 };
  for (let seed = o.firstSeed; seed < o.firstSeed + o.seeds && failures.length < o.failuresMax; seed++) {
    seeds.push(seed);
    const { cluster, faults } = raftFaultRun(seed, o, false, internals);
    totals.leaders += cluster.observations.leaders.length;
    totals.commits += cluster.observations.commits.length;
    totals.faults += faults;
    totals.operations += cluster.history.length;
    const checks = checkRaftSafety(cluster.observations, seed);
    checks.forEach((r, i) => (r.ok ? rows[i].passed++ : rows[i].failed++));
    const bad = checks.find((r) => !r.ok);
    if (bad === undefined) continue;
    // Replay the seed with the trace on: the same run, now with its events.
    const replay = raftFaultRun(seed, o, true, internals).cluster;
    const check = checkRaftSafety(replay.observations, seed, replay.sim.trace).find((r) => r.name === bad.name)!;
    failures.push({ seed, property: bad.name, message: check.counterexample?.message ?? bad.counterexample!.message, trace: replay.sim.trace, events: check.counterexample?.events ?? [], check });
  }
  const ok = failures.length === 0;
  return {
    seeds,
    ok,
    rows,
    failures,
    totals,
    summary: ok
      ? `ok: ${RAFT_SAFETY_PROPERTIES.join(', ')} on ${seeds.length} seeds (${totals.faults} faults, ${totals.leaders} leaders, ${totals.commits} commits)`
      : `FAILED ${failures[0].property} at seed ${failures[0].seed}: ${failures[0].message}`
  };
}
