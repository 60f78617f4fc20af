// One Raft member as simulator node code: elections, log replication, commit, read index, check-quorum.
import type { Message, NodeContext, NodeSpec } from '../../simulation/simulation';

/** A log entry. `command` null is the no-op a new leader appends (as etcd does). */
export interface RaftEntry<C = unknown> {
  term: number;
  command: C | null;
  /** Identity of this entry (unique in a run): the checkers tell two entries apart by it. */
  uid: number;
}

/** What survives a crash: Raft's persistent state (etcd's HardState plus the log). */
export interface RaftDurable<C = unknown> {
  currentTerm: number;
  votedFor: string | null;
  log: RaftEntry<C>[];
  /** etcd persists the commit index in its HardState; a restarted member reapplies up to it. */
  commitIndex: number;
}

export type RaftRole = 'follower' | 'candidate' | 'leader';

interface PendingRead {
  seq: number;
  index: number;
  done: (ok: boolean) => void;
}

/** Volatile state: lost on a crash. */
export interface RaftVolatile<M = unknown> {
  role: RaftRole;
  leader: string | null;
  commitIndex: number;
  lastApplied: number;
  machine: M;
  votes: Set<string>;
  nextIndex: Record<string, number>;
  matchIndex: Record<string, number>;
  /** Leader: when each peer last answered (check-quorum). */
  heardMs: Record<string, number>;
  /** Follower: when the leader was last heard (etcd's lease: vote requests inside it are ignored). */
  leaderHeardMs: number;
  electionTimer: number;
  readSeq: number;
  readAcks: Record<string, number>;
  reads: PendingRead[];
  /** Leader: the index of its first entry of this term (reads wait until it commits). */
  termStartIndex: number;
}

/** Deliberate bugs, for tests that show the checkers catch them. Not a learner option. */
export interface RaftBreakage {
  /** Grant votes without Raft's up-to-date rule (§5.4.1). */
  ignoreLogUpToDate?: boolean;
}

/** What the checkers need, recorded whether or not the trace is on. */
export interface RaftObserver {
  leader(node: string, term: number, timeMs: number, log: readonly RaftEntry[]): void;
  commit(node: string, term: number, index: number, entry: RaftEntry, timeMs: number): void;
  apply(node: string, index: number, entry: RaftEntry, timeMs: number): void;
  uid(): number;
}

export interface RaftConfig<C, M> {
  members: readonly string[];
  heartbeatIntervalMs: number;
  electionTimeoutMs: number;
  checkQuorum: boolean;
  /** A fresh state machine (at start and on restart; the log is reapplied onto it). */
  machine: () => M;
  /** Apply a committed command to the state machine. */
  apply: (ctx: NodeContext<RaftVolatile<M>, RaftDurable<C>>, machine: M, command: C, index: number) => void;
  /** Timers that are not Raft's own. */
  onTimer?: (ctx: NodeContext<RaftVolatile<M>, RaftDurable<C>>, name: string, data: any) => void;
  /** Messages that are not Raft's own (client requests). */
  onOther?: (ctx: NodeContext<RaftVolatile<M>, RaftDurable<C>>, msg: Message) => void;
  /** Called when this member stops being leader (pending client requests will not be answered by it). */
  onStepDown?: (ctx: NodeContext<RaftVolatile<M>, RaftDurable<C>>) => void;
  observer?: RaftObserver;
  breakage?: RaftBreakage;
  /**
   * A cluster that was running before the run: this member leads term 1 from time 0 and the
   * others follow it (a state an election would have reached). Default: all start as followers.
   */
  bootstrapLeader?: string;
  /** Log entries every member has before the run (term 0), already committed. */
  initialLog?: () => RaftEntry<C>[];
}

export type RaftContext<C, M> = NodeContext<RaftVolatile<M>, RaftDurable<C>>;

/** What client-facing code can ask of a member. */
export interface RaftMember<C, M> {
  spec: NodeSpec<RaftVolatile<M>, RaftDurable<C>>;
  /** Leader only: append a command; returns its index, or undefined when not leader. */
  propose(ctx: RaftContext<C, M>, command: C): number | undefined;
  /** Leader only: a linearizable read point (etcd's ReadIndex); `done(true)` once it is safe to read the local state machine. */
  readIndex(ctx: RaftContext<C, M>, done: (ok: boolean) => void): boolean;
}

/** A Raft member's behaviour, given the cluster's configuration and its state machine. */
export function raftMember<C, M>(config: RaftConfig<C, M>): RaftMember<C, M> {
  const { members, heartbeatIntervalMs: heartbeatMs, electionTimeoutMs: electionMs, checkQuorum } = config;
  const majority = Math.floor(members.length / 2) + 1;
  const broken = config.breakage ?? {};
  const obs = config.observer;
  // The other members (the simulation's other nodes include clients and other components).
  const peers = new Map(members.map((m) => [m, members.filter((x) => x !== m)]));
  const peersOf = (node: string) => peers.get(node)!;
  const lastIndex = (d: RaftDurable<C>) => d.log.length;
  const termAt = (d: RaftDurable<C>, i: number) => (i === 0 ? 0 : d.log[i - 1]?.term ?? -1);

  const resetElection = (ctx: RaftContext<C, M>) => {
    const s = ctx.state;
    if (s.electionTimer >= 0) ctx.cancelTimer(s.electionTimer);
    // Randomised in [T, 2T), like etcd's randomizedElectionTimeout.
    s.electionTimer = ctx.setTimer('election', electionMs + ctx.random() * electionMs);
  };

  const becomeFollower = (ctx: RaftContext<C, M>, term: number, leader: string | null) => {
    const s = ctx.state;
    const d = ctx.durable;
    const wasLeader = s.role === 'leader';
    if (term > d.currentTerm) {
      d.currentTerm = term;
      d.votedFor = null;
    }
    s.role = 'follower';
    s.leader = leader;
    if (wasLeader) {
      for (const r of s.reads) r.done(false);
      s.reads = [];
      config.onStepDown?.(ctx);
    }
    resetElection(ctx);
  };

  const campaign = (ctx: RaftContext<C, M>) => {
    const s = ctx.state;
    const d = ctx.durable;
    d.currentTerm++;
    d.votedFor = ctx.node;
    s.role = 'candidate';
    s.leader = null;
    s.votes = new Set([ctx.node]);
    ctx.log('candidate', { term: d.currentTerm });
    resetElection(ctx);
    if (s.votes.size >= majority) return becomeLeader(ctx);
    for (const p of peersOf(ctx.node)) ctx.send(p, 'RequestVote', { term: d.currentTerm, lastLogIndex: lastIndex(d), lastLogTerm: termAt(d, lastIndex(d)) });
  };

  const becomeLeader = (ctx: RaftContext<C, M>) => {
    const s = ctx.state;
    const d = ctx.durable;
    s.role = 'leader';
    s.leader = ctx.node;
    if (s.electionTimer >= 0) ctx.cancelTimer(s.electionTimer);
    s.electionTimer = -1;
    ctx.log('leader', { term: d.currentTerm, lastLogIndex: lastIndex(d) });
    obs?.leader(ctx.node, d.currentTerm, ctx.timeMs, d.log);
    for (const p of peersOf(ctx.node)) {
      s.nextIndex[p] = lastIndex(d) + 1;
      s.matchIndex[p] = 0;
      s.heardMs[p] = ctx.timeMs;
      s.readAcks[p] = 0;
    }
    // A no-op of the new term: once it commits, everything before it is committed too (§5.4.2, §8).
    d.log.push({ term: d.currentTerm, command: null, uid: obs?.uid() ?? 0 });
    s.termStartIndex = lastIndex(d);
    advanceCommit(ctx);
    replicate(ctx, 'AppendEntries');
    ctx.setTimer('heartbeat', heartbeatMs, d.currentTerm);
    if (checkQuorum) ctx.setTimer('check-quorum', electionMs, d.currentTerm);
  };

  const replicate = (ctx: RaftContext<C, M>, type: 'AppendEntries' | 'Heartbeat') => {
    for (const p of peersOf(ctx.node)) sendAppend(ctx, p, type);
  };

  const sendAppend = (ctx: RaftContext<C, M>, peer: string, type: 'AppendEntries' | 'Heartbeat') => {
    const s = ctx.state;
    const d = ctx.durable;
    const next = Math.min(s.nextIndex[peer], lastIndex(d) + 1);
    const prev = next - 1;
    const entries = d.log.slice(prev);
    ctx.send(peer, entries.length > 0 ? 'AppendEntries' : type, {
      term: d.currentTerm,
      prevLogIndex: prev,
      prevLogTerm: termAt(d, prev),
      entries,
      leaderCommit: s.commitIndex,
      readSeq: s.readSeq
    });
  };

  const applyCommitted = (ctx: RaftContext<C, M>) => {
    const s = ctx.state;
    const d = ctx.durable;
    while (s.lastApplied < s.commitIndex) {
      const index = ++s.lastApplied;
      const entry = d.log[index - 1];
      obs?.apply(ctx.node, index, entry, ctx.timeMs);
      if (entry.command !== null) config.apply(ctx, s.machine, entry.command, index);
    }
    serveReads(ctx);
  };

  const setCommit = (ctx: RaftContext<C, M>, index: number) => {
    const s = ctx.state;
    const d = ctx.durable;
    if (index <= s.commitIndex) return;
    s.commitIndex = index;
    d.commitIndex = Math.max(d.commitIndex, index);
    applyCommitted(ctx);
  };

  const advanceCommit = (ctx: RaftContext<C, M>) => {
    const s = ctx.state;
    const d = ctx.durable;
    for (let n = lastIndex(d); n > s.commitIndex; n--) {
      // Only an entry of the current term is committed by counting replicas (§5.4.2).
      if (d.log[n - 1].term !== d.currentTerm) break;
      let count = 1;
      for (const p of peersOf(ctx.node)) if (s.matchIndex[p] >= n) count++;
      if (count >= majority) {
        for (let i = s.commitIndex + 1; i <= n; i++) obs?.commit(ctx.node, d.currentTerm, i, d.log[i - 1], ctx.timeMs);
        ctx.log('commit', { term: d.currentTerm, index: n });
        setCommit(ctx, n);
        return;
      }
    }
  };

  const serveReads = (ctx: RaftContext<C, M>) => {
    const s = ctx.state;
    if (s.role !== 'leader' || s.reads.length === 0) return;
    // A read is safe once a majority confirmed this leader after it was asked, and its read index is applied.
    const acks = peersOf(ctx.node).map((p) => s.readAcks[p]).sort((a, b) => b - a);
    const confirmed = majority === 1 ? s.readSeq : acks[majority - 2];
    const ready = s.reads.filter((r) => r.seq <= confirmed && r.index <= s.lastApplied);
    if (ready.length === 0) return;
    s.reads = s.reads.filter((r) => !ready.includes(r));
    for (const r of ready) r.done(true);
  };

  const init = (ctx: RaftContext<C, M>) => {
    const s = ctx.state;
    const d = ctx.durable;
    d.commitIndex = Math.min(d.commitIndex, lastIndex(d));
    s.commitIndex = d.commitIndex;
    applyCommitted(ctx);
    resetElection(ctx);
  };

  const spec: NodeSpec<RaftVolatile<M>, RaftDurable<C>> = {
    state: () => ({
      role: 'follower',
      leader: null,
      commitIndex: 0,
      lastApplied: 0,
      machine: config.machine(),
      votes: new Set(),
      nextIndex: {},
      matchIndex: {},
      heardMs: {},
      leaderHeardMs: -Infinity,
      electionTimer: -1,
      readSeq: 0,
      readAcks: {},
      reads: [],
      termStartIndex: 0
    }),
    durable: () => {
      const log = config.initialLog?.() ?? [];
      return { currentTerm: 0, votedFor: null, log, commitIndex: log.length };
    },
    start(ctx) {
      const leader = config.bootstrapLeader;
      if (leader !== undefined) {
        ctx.durable.currentTerm = 1;
        ctx.durable.votedFor = leader;
        ctx.state.leader = leader;
        ctx.state.leaderHeardMs = ctx.timeMs;
      }
      init(ctx);
      if (leader === ctx.node) becomeLeader(ctx);
    },
    onRestart: init,
    onTimer(ctx, name, data) {
      const s = ctx.state;
      const d = ctx.durable;
      if (name === 'election') {
        s.electionTimer = -1;
        if (s.role !== 'leader') campaign(ctx);
      } else if (name === 'heartbeat') {
        if (s.role !== 'leader' || data !== d.currentTerm) return;
        replicate(ctx, 'Heartbeat');
        ctx.setTimer('heartbeat', heartbeatMs, d.currentTerm);
      } else if (name === 'check-quorum') {
        if (s.role !== 'leader' || data !== d.currentTerm) return;
        let active = 1;
        for (const p of peersOf(ctx.node)) if (ctx.timeMs - s.heardMs[p] < electionMs) active++;
        if (active < majority) {
          // etcd's CheckQuorum: a leader that has not heard from a majority for an election timeout steps down.
          ctx.log('step-down', { term: d.currentTerm, active });
          becomeFollower(ctx, d.currentTerm, null);
          return;
        }
        ctx.setTimer('check-quorum', electionMs, d.currentTerm);
      } else config.onTimer?.(ctx, name, data);
    },
    onMessage(ctx, msg) {
      const s = ctx.state;
      const d = ctx.durable;
      const b = msg.body;
      switch (msg.type) {
        case 'RequestVote': {
          if (b.term > d.currentTerm) {
            // etcd with CheckQuorum: inside the lease of a live leader, a vote request is ignored outright.
            const inLease = checkQuorum && s.leader !== null && (s.role === 'leader' || ctx.timeMs - s.leaderHeardMs < electionMs);
            if (inLease) return;
            becomeFollower(ctx, b.term, null);
          }
          const upToDate = b.lastLogTerm > termAt(d, lastIndex(d)) || (b.lastLogTerm === termAt(d, lastIndex(d)) && b.lastLogIndex >= lastIndex(d));
          const granted = b.term === d.currentTerm && (d.votedFor === null || d.votedFor === msg.from) && (upToDate || !!broken.ignoreLogUpToDate);
          if (granted) {
            d.votedFor = msg.from;
            resetElection(ctx);
          }
          ctx.send(msg.from, 'RequestVoteReply', { term: d.currentTerm, granted });
          return;
        }
        case 'RequestVoteReply': {
          if (b.term > d.currentTerm) return becomeFollower(ctx, b.term, null);
          if (s.role !== 'candidate' || b.term !== d.currentTerm || !b.granted) return;
          s.votes.add(msg.from);
          if (s.votes.size >= majority) becomeLeader(ctx);
          return;
        }
        case 'AppendEntries':
        case 'Heartbeat': {
          if (b.term < d.currentTerm) {
            ctx.send(msg.from, 'AppendEntriesReply', { term: d.currentTerm, success: false, matchIndex: 0, readSeq: 0 });
            return;
          }
          if (b.term > d.currentTerm || s.role !== 'follower' || s.leader !== msg.from) becomeFollower(ctx, b.term, msg.from);
          else resetElection(ctx);
          s.leaderHeardMs = ctx.timeMs;
          // Consistency check: the entry before the new ones must match (§5.3).
          if (b.prevLogIndex > lastIndex(d) || termAt(d, b.prevLogIndex) !== b.prevLogTerm) {
            ctx.send(msg.from, 'AppendEntriesReply', { term: d.currentTerm, success: false, matchIndex: Math.min(lastIndex(d), b.prevLogIndex - 1), readSeq: b.readSeq });
            return;
          }
          const entries = b.entries as RaftEntry<C>[];
          for (let k = 0; k < entries.length; k++) {
            const index = b.prevLogIndex + 1 + k;
            if (index <= lastIndex(d)) {
              if (d.log[index - 1].term === entries[k].term) continue;
              // Conflict: drop this entry and all that follow it.
              d.log.length = index - 1;
            }
            d.log.push(entries[k]);
          }
          const match = b.prevLogIndex + entries.length;
          ctx.send(msg.from, 'AppendEntriesReply', { term: d.currentTerm, success: true, matchIndex: match, readSeq: b.readSeq });
          setCommit(ctx, Math.min(b.leaderCommit, match));
          return;
        }
        case 'AppendEntriesReply': {
          if (b.term > d.currentTerm) return becomeFollower(ctx, b.term, null);
          if (s.role !== 'leader' || b.term !== d.currentTerm) return;
          s.heardMs[msg.from] = ctx.timeMs;
          if (b.readSeq > s.readAcks[msg.from]) s.readAcks[msg.from] = b.readSeq;
          if (b.success) {
            if (b.matchIndex > s.matchIndex[msg.from]) s.matchIndex[msg.from] = b.matchIndex;
            s.nextIndex[msg.from] = Math.max(s.nextIndex[msg.from], b.matchIndex + 1);
            advanceCommit(ctx);
            if (s.nextIndex[msg.from] <= lastIndex(d)) sendAppend(ctx, msg.from, 'AppendEntries');
          } else {
            // Back up to the follower's hint and retry at once.
            s.nextIndex[msg.from] = Math.max(1, Math.min(s.nextIndex[msg.from] - 1, b.matchIndex + 1));
            sendAppend(ctx, msg.from, 'AppendEntries');
          }
          serveReads(ctx);
          return;
        }
        default:
          config.onOther?.(ctx, msg);
      }
    }
  };

  return {
    spec,
    propose(ctx, command) {
      const s = ctx.state;
      const d = ctx.durable;
      if (s.role !== 'leader') return undefined;
      d.log.push({ term: d.currentTerm, command, uid: obs?.uid() ?? 0 });
      advanceCommit(ctx);
      for (const p of peersOf(ctx.node)) if (s.nextIndex[p] === lastIndex(d)) sendAppend(ctx, p, 'AppendEntries');
      return lastIndex(d);
    },
    readIndex(ctx, done) {
      const s = ctx.state;
      if (s.role !== 'leader') return false;
      // The read index is the commit index once this term's no-op is committed (etcd waits for it).
      const index = Math.max(s.commitIndex, s.termStartIndex);
      const seq = ++s.readSeq;
      s.reads.push({ seq, index, done });
      if (majority === 1) serveReads(ctx);
      else replicate(ctx, 'Heartbeat');
      return true;
    }
  };
}
