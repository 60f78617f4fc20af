// Live etcd: a real etcd cluster of 1 to 7 members on loopback, started and steered from a cell.
import { spawn, type ChildProcess } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import type { Etcd3 } from 'etcd3';
import { DistlabInputError, booleanOption, declareOptions, integerOption, invalid, seedOption, type OptionsOf } from '../../core/options';
import { requireEtcd, type EtcdInstallation } from './installation';
import { onExit, setpriv, track } from './lifecycle';
import { PeerProxy, type LinkState } from './peer-proxy';
import { EtcdExperimentError } from './errors';

/** How one operation ended: answered, no answer in time, or an answer that says no. */
export type EtcdOutcome = 'ok' | 'timeout' | 'refused';

/** What one operation did, with the wall time it took. */
export interface EtcdResult {
  op: string;
  /** The member the request went to, or null for a cluster-wide operation. */
  member: string | null;
  outcome: EtcdOutcome;
  tookMs: number;
  /** The server's or client's words when it did not succeed; '' when it did. */
  detail: string;
  /** Wall-clock time (ms since the epoch) the operation was sent and when it ended. */
  startedAtMs: number;
  endedAtMs: number;
}

export interface EtcdGetResult extends EtcdResult {
  /** The value read, null for a missing key or when the read failed. */
  value: string | null;
}

export type EtcdMemberState = 'running' | 'paused' | 'stopped';

export interface EtcdMemberStatus extends EtcdResult {
  state: EtcdMemberState;
  /** The leader this member follows (itself if leader), null if it knows none or did not answer. */
  leader: string | null;
  term: number | null;
  raftIndex: number | null;
}

export interface EtcdLeaderResult extends EtcdResult {
  leader: string | null;
  term: number | null;
}

export const ETCD_CLUSTER_OPTIONS = declareOptions('startEtcdCluster', {
  memberCount: integerOption({ doc: 'Members of the cluster (odd sizes keep a majority after a failure)', min: 1, max: 7, default: 3 }),
  heartbeatIntervalMs: integerOption({ doc: "Leader heartbeat period (etcd's --heartbeat-interval)", min: 10, max: 5000, unit: 'ms', default: 100 }),
  electionTimeoutMs: integerOption({ doc: "Follower silence before it stands for election (etcd's --election-timeout, at least 5 heartbeats)", min: 50, max: 50_000, unit: 'ms', default: 1000 }),
  preVote: booleanOption({ doc: "Raft pre-vote (etcd's --pre-vote; off by default in 3.4): a rejoining member does not disrupt a working leader", default: false }),
  operationTimeoutMs: integerOption({ doc: 'Default time bound of each operation (put, get, status, stop, restart)', min: 10, max: 120_000, unit: 'ms', default: 3000 }),
  startTimeoutMs: integerOption({ doc: 'Time for the cluster to start and elect its first leader', min: 1000, max: 120_000, unit: 'ms', default: 30_000 }),
  seed: seedOption({ doc: 'Seed of the peer proxy’s drop decisions' })
});
export type EtcdClusterOptions = OptionsOf<typeof ETCD_CLUSTER_OPTIONS>;

export const ETCD_PUT_OPTIONS = declareOptions('EtcdCluster.put', {
  member: undefinedOrString('The member the request goes to (default: the last known leader, else the first running member)'),
  timeoutMs: integerOption({ doc: 'Time bound of this request (default: the cluster’s operationTimeoutMs)', min: 1, max: 120_000, unit: 'ms' })
});
export const ETCD_GET_OPTIONS = declareOptions('EtcdCluster.get', {
  member: undefinedOrString('The member the request goes to (default: as for put)'),
  consistency: choice(['linearizable', 'serializable'] as const, 'linearizable: confirmed with a quorum (etcd default); serializable: this member’s local copy', 'linearizable'),
  timeoutMs: integerOption({ doc: 'Time bound of this request (default: the cluster’s operationTimeoutMs)', min: 1, max: 120_000, unit: 'ms' })
});
export const ETCD_LINK_OPTIONS = declareOptions('EtcdCluster link fault', {
  bothWays: booleanOption({ doc: 'Also the reverse direction (to → from)', default: true })
});
export const ETCD_TIMEOUT_OPTIONS = declareOptions('EtcdCluster operation', {
  timeoutMs: integerOption({ doc: 'Time bound of this operation (default: the cluster’s operationTimeoutMs)', min: 1, max: 120_000, unit: 'ms' })
});

export type EtcdPutOptions = OptionsOf<typeof ETCD_PUT_OPTIONS>;
export type EtcdGetOptions = OptionsOf<typeof ETCD_GET_OPTIONS>;
export type EtcdLinkOptions = OptionsOf<typeof ETCD_LINK_OPTIONS>;
export type EtcdTimeoutOptions = OptionsOf<typeof ETCD_TIMEOUT_OPTIONS>;

function undefinedOrString(doc: string) {
  return {
    doc,
    expected: 'a member name',
    default: undefined as string | undefined,
    hasDefault: false as const,
    control: { kind: 'none' as const },
    defaultText: undefined,
    parse(name: string, value: unknown): string {
      if (typeof value !== 'string') invalid(name, value, 'a member name such as "etcd-1"');
      return value;
    }
  };
}

function choice<T extends string>(values: readonly T[], doc: string, fallback: T) {
  return {
    doc,
    expected: `one of ${values.join(', ')}`,
    default: fallback,
    hasDefault: true as const,
    control: { kind: 'choice' as const, values },
    defaultText: `'${fallback}'`,
    parse(name: string, value: unknown): T {
      if (typeof value !== 'string' || !values.includes(value as T)) invalid(name, value, `one of ${values.join(', ')}`);
      return value as T;
    }
  };
}

/** A port the OS says is free now; it is handed out once per process. */
async function freePort(taken: Set<number>): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = net.createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const p = (server.address() as net.AddressInfo).port;
        server.close(() => resolve(p));
      });
    });
    if (!taken.has(port) && !HANDED_OUT.has(port)) {
      HANDED_OUT.add(port);
      return port;
    }
  }
  throw new Error('no free loopback port found');
}
const HANDED_OUT = new Set<number>();

const DATA_PREFIX = 'distlab-etcd-';
const OWNER_FILE = 'owner.pid';

/**
 * Data folders of clusters whose kernel was killed (no exit handler ran): the owner's process
 * ID is written in each, and a folder whose owner is gone is removed when a new cluster starts.
 */
function removeAbandonedDataFolders(): void {
  let names: string[] = [];
  try {
    names = fs.readdirSync(os.tmpdir()).filter((n) => n.startsWith(DATA_PREFIX));
  } catch {
    return;
  }
  for (const name of names) {
    const dir = path.join(os.tmpdir(), name);
    try {
      const owner = Number(fs.readFileSync(path.join(dir, OWNER_FILE), 'utf8'));
      if (!Number.isInteger(owner) || owner <= 0 || owner === process.pid) continue;
      if (processRuns(owner)) continue;
      fs.rmSync(dir, { recursive: true, force: true });
    } catch {
      // not ours, or already gone
    }
  }
}

/** True while `pid` runs; a killed process its parent has not reaped yet (a zombie) no longer does. */
function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
  try {
    // /proc/<pid>/stat: "pid (name) state …"; the name may hold spaces, so read after the last ')'.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true; // no /proc (not Linux): trust kill(0)
  }
}

/** etcd's member ID: the first 8 bytes of sha1(sorted peer URLs + cluster token), big-endian, in hex. */
export function etcdMemberId(peerUrls: string[], clusterToken: string): string {
  const digest = createHash('sha1').update([...peerUrls].sort().join('') + clusterToken).digest();
  return digest.readBigUInt64BE(0).toString(16);
}

function classify(error: unknown): { outcome: EtcdOutcome; detail: string } {
  const name = (error as { constructor?: { name?: string } })?.constructor?.name ?? '';
  const message = error instanceof Error ? error.message : String(error);
  if (name === 'GRPCDeadlineExceededError' || /deadline exceeded/i.test(message)) return { outcome: 'timeout', detail: 'no answer within the time bound' };
  if (/request timed out/i.test(message)) return { outcome: 'timeout', detail: message };
  // gRPC's words for a member that is not there, shortened to what they mean.
  if (/ECONNREFUSED/.test(message)) return { outcome: 'refused', detail: 'connection refused: the member is not running' };
  if (/No connection established/i.test(message)) return { outcome: 'refused', detail: 'no connection to the member' };
  return { outcome: 'refused', detail: message.replace(/^\d+ [A-Z_]+: /, '').split('. Resolution note')[0] };
}

class Member {
  child: ChildProcess | null = null;
  state: EtcdMemberState = 'stopped';
  readonly log: string[] = [];
  exited: Promise<void> = Promise.resolve();
  client: Etcd3;
  id = '';

  constructor(
    readonly name: string,
    readonly clientPort: number,
    readonly peerPort: number,
    readonly advertisedPeerPort: number,
    readonly dataDir: string
  ) {
    // Loaded on first use: the gRPC client takes a quarter of a second to load, which every
    // notebook's import of distlab would otherwise pay.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Etcd3: Client } = require('etcd3') as typeof import('etcd3');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { noop } = require('cockatiel') as typeof import('cockatiel');
    this.client = new Client({
      hosts: `http://127.0.0.1:${clientPort}`,
      dialTimeout: 2000,
      faultHandling: { host: () => noop, global: noop },
      // Reconnect soon after a member comes back (gRPC's default backoff grows to two minutes).
      grpcOptions: { 'grpc.initial_reconnect_backoff_ms': 50, 'grpc.max_reconnect_backoff_ms': 300, 'grpc.min_reconnect_backoff_ms': 50 }
    });
  }
}

/**
 * A real etcd cluster on loopback. Every operation is bounded by a timeout and returns what
 * happened (`ok`, `timeout` or `refused`) and how long it took; none throws for a fault of the
 * cluster. The members end with the process that started them (see `close`).
 */
export class EtcdCluster {
  readonly members: readonly string[];
  readonly etcd: EtcdInstallation;
  /** The options it was started with, defaults filled in. */
  readonly options: Readonly<Required<Omit<EtcdClusterOptions, never>>>;
  private readonly byName = new Map<string, Member>();
  private readonly proxies = new Map<string, PeerProxy>();
  private readonly links = new Map<string, LinkState>();
  private lastLeader: string | null = null;
  private closed = false;
  private forgetExit: () => void = () => undefined;

  private constructor(
    etcd: EtcdInstallation,
    options: Required<EtcdClusterOptions>,
    private readonly baseDir: string,
    private readonly token: string,
    members: Member[]
  ) {
    this.etcd = etcd;
    this.options = options;
    this.members = members.map((m) => m.name);
    for (const m of members) this.byName.set(m.name, m);
  }

  /** Start a cluster: free ports, a temporary data folder, a proxy on every peer link. */
  static async start(options: EtcdClusterOptions = {}): Promise<EtcdCluster> {
    const parsed = ETCD_CLUSTER_OPTIONS.parse(options) as Required<EtcdClusterOptions>;
    if (parsed.electionTimeoutMs < 5 * parsed.heartbeatIntervalMs) {
      throw new DistlabInputError(`invalid electionTimeoutMs: ${parsed.electionTimeoutMs} (expected at least 5 × heartbeatIntervalMs = ${5 * parsed.heartbeatIntervalMs} ms; etcd refuses less)`);
    }
    const etcd = requireEtcd();
    removeAbandonedDataFolders();
    const baseDir = fs.mkdtempSync(path.join(os.tmpdir(), DATA_PREFIX));
    fs.writeFileSync(path.join(baseDir, OWNER_FILE), String(process.pid));
    const token = `distlab-${path.basename(baseDir)}`;
    const taken = new Set<number>();
    const members: Member[] = [];
    const proxies: PeerProxy[] = [];
    let cluster: EtcdCluster | null = null;
    try {
      for (let i = 1; i <= parsed.memberCount; i++) {
        const name = `etcd-${i}`;
        const clientPort = await freePort(taken);
        const peerPort = await freePort(taken);
        const proxy = new PeerProxy(name, (from, to) => cluster?.linkState(from, to) ?? { mode: 'ok' }, (hex) => cluster?.nameOfId(hex) ?? null, parsed.seed + i);
        const advertised = await proxy.listen(peerPort);
        proxies.push(proxy);
        const dataDir = path.join(baseDir, name);
        members.push(new Member(name, clientPort, peerPort, advertised, dataDir));
      }
      cluster = new EtcdCluster(etcd, parsed, baseDir, token, members);
      proxies.forEach((p) => cluster!.proxies.set(p.to, p));
      for (const m of members) m.id = etcdMemberId([`http://127.0.0.1:${m.advertisedPeerPort}`], token);
      const dir = baseDir;
      cluster.forgetExit = onExit(() => fs.rmSync(dir, { recursive: true, force: true }));
      for (const m of members) cluster.spawn(m);
      const ready = await cluster.waitForLeader(parsed.startTimeoutMs);
      if (ready.outcome !== 'ok') {
        const logs = members.map((m) => `${m.name}: ${m.log.slice(-3).join(' | ')}`).join('\n');
        throw new EtcdExperimentError(`etcd cluster did not elect a leader within ${parsed.startTimeoutMs} ms (${ready.detail})\n${logs}`);
      }
      // The IDs were computed the way etcd does; check, since the proxy names senders by them.
      const statuses = await cluster.status();
      for (const s of statuses) {
        const m = cluster.byName.get(s.member!)!;
        if (s.outcome === 'ok' && (s as EtcdMemberStatus & { id?: string }).id !== m.id) throw new Error(`etcd member ID of ${m.name} is not the one computed`);
      }
      return cluster;
    } catch (error) {
      if (cluster) await cluster.close();
      else {
        await Promise.all(proxies.map((p) => p.close()));
        for (const m of members) m.client.close();
        fs.rmSync(baseDir, { recursive: true, force: true });
      }
      throw error;
    }
  }

  private member(name: unknown, where = 'member'): Member {
    const m = typeof name === 'string' ? this.byName.get(name) : undefined;
    if (m === undefined) invalid(where, name, `one of ${this.members.join(', ')}`);
    return m;
  }

  /** The member named by etcd's hex ID, for the proxy. */
  nameOfId(hexId: string): string | null {
    for (const m of this.byName.values()) if (m.id === hexId) return m.name;
    return null;
  }

  linkState(from: string, to: string): LinkState {
    return this.links.get(`${from}→${to}`) ?? { mode: 'ok' };
  }

  private spawn(m: Member): void {
    const initialCluster = [...this.byName.values()].map((p) => `${p.name}=http://127.0.0.1:${p.advertisedPeerPort}`).join(',');
    const args = [
      '--name', m.name,
      '--data-dir', m.dataDir,
      '--listen-client-urls', `http://127.0.0.1:${m.clientPort}`,
      '--advertise-client-urls', `http://127.0.0.1:${m.clientPort}`,
      '--listen-peer-urls', `http://127.0.0.1:${m.peerPort}`,
      '--initial-advertise-peer-urls', `http://127.0.0.1:${m.advertisedPeerPort}`,
      '--initial-cluster', initialCluster,
      '--initial-cluster-token', this.token,
      '--initial-cluster-state', 'new',
      '--heartbeat-interval', String(this.options.heartbeatIntervalMs),
      '--election-timeout', String(this.options.electionTimeoutMs),
      `--pre-vote=${this.options.preVote}`,
      '--logger', 'zap',
      '--log-outputs', 'stderr',
      '--log-level', 'warn'
    ];
    const wrapper = setpriv();
    const child = wrapper
      ? spawn(wrapper, ['--pdeathsig', 'KILL', '--', this.etcd.path, ...args], { stdio: ['ignore', 'ignore', 'pipe'] })
      : spawn(this.etcd.path, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    track(child);
    m.child = child;
    m.state = 'running';
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (text: string) => {
      for (const line of text.split('\n')) if (line.trim() !== '') m.log.push(line.length > 400 ? `${line.slice(0, 400)}…` : line);
      if (m.log.length > 200) m.log.splice(0, m.log.length - 200);
    });
    m.exited = new Promise((resolve) =>
      child.once('exit', () => {
        if (m.child === child) {
          m.child = null;
          m.state = 'stopped';
        }
        resolve();
      })
    );
  }

  private result(op: string, member: string | null, startedAtMs: number, outcome: EtcdOutcome, detail = ''): EtcdResult {
    const endedAtMs = Date.now();
    return { op, member, outcome, tookMs: endedAtMs - startedAtMs, detail, startedAtMs, endedAtMs };
  }

  private target(member: string | undefined): Member {
    if (member !== undefined) return this.member(member);
    const leader = this.lastLeader ? this.byName.get(this.lastLeader) : undefined;
    if (leader && leader.state === 'running') return leader;
    return [...this.byName.values()].find((m) => m.state === 'running') ?? [...this.byName.values()][0];
  }

  /** A request bounded by the gRPC deadline, and by a timer in case the channel itself hangs. */
  private async bounded<T>(timeoutMs: number, call: (deadline: Date) => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; outcome: EtcdOutcome; detail: string }> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<{ ok: false; outcome: EtcdOutcome; detail: string }>((resolve) => {
      timer = setTimeout(() => resolve({ ok: false, outcome: 'timeout', detail: 'no answer within the time bound' }), timeoutMs + 50);
    });
    try {
      return await Promise.race([
        call(new Date(Date.now() + timeoutMs)).then(
          (value) => ({ ok: true as const, value }),
          (error) => ({ ok: false as const, ...classify(error) })
        ),
        late
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new DistlabInputError('this etcd cluster is closed: start a new one with startEtcdCluster()');
  }

  /** Write `value` under `key` through one member. */
  async put(key: string, value: string, options: EtcdPutOptions = {}): Promise<EtcdResult> {
    this.assertOpen();
    if (typeof key !== 'string' || key === '') invalid('key', key, 'a non-empty string');
    if (typeof value !== 'string') invalid('value', value, 'a string');
    const o = ETCD_PUT_OPTIONS.parse(options);
    const m = this.target(o.member);
    const started = Date.now();
    const r = await this.bounded(o.timeoutMs ?? this.options.operationTimeoutMs, (deadline) => m.client.put(key).value(value).options({ deadline }).exec());
    return r.ok ? this.result('put', m.name, started, 'ok') : this.result('put', m.name, started, r.outcome, r.detail);
  }

  /** Read `key` through one member: linearizable (quorum-confirmed) or serializable (local). */
  async get(key: string, options: EtcdGetOptions = {}): Promise<EtcdGetResult> {
    this.assertOpen();
    if (typeof key !== 'string' || key === '') invalid('key', key, 'a non-empty string');
    const o = ETCD_GET_OPTIONS.parse(options);
    const m = this.target(o.member);
    const started = Date.now();
    const r = await this.bounded(o.timeoutMs ?? this.options.operationTimeoutMs, (deadline) =>
      m.client.get(key).serializable(o.consistency === 'serializable').options({ deadline }).string()
    );
    const op = `get (${o.consistency})`;
    return r.ok ? { ...this.result(op, m.name, started, 'ok'), value: r.value } : { ...this.result(op, m.name, started, r.outcome, r.detail), value: null };
  }

  /** Each member's own view: its state, the leader it follows and its term. */
  async status(options: EtcdTimeoutOptions = {}): Promise<EtcdMemberStatus[]> {
    this.assertOpen();
    const timeoutMs = ETCD_TIMEOUT_OPTIONS.parse(options).timeoutMs ?? this.options.operationTimeoutMs;
    return Promise.all(
      [...this.byName.values()].map(async (m) => {
        const started = Date.now();
        if (m.state === 'stopped') return { ...this.result('status', m.name, started, 'refused', 'member is stopped'), state: m.state, leader: null, term: null, raftIndex: null };
        const r = await this.bounded(timeoutMs, (deadline) => m.client.maintenance.status({ deadline }));
        if (!r.ok) return { ...this.result('status', m.name, started, r.outcome, r.detail), state: m.state, leader: null, term: null, raftIndex: null };
        const leaderHex = BigInt(r.value.leader).toString(16);
        return {
          ...this.result('status', m.name, started, 'ok'),
          state: m.state,
          leader: r.value.leader === '0' ? null : this.nameOfId(leaderHex),
          term: Number(r.value.raftTerm),
          raftIndex: Number(r.value.raftIndex),
          id: BigInt(r.value.header.member_id).toString(16)
        };
      })
    );
  }

  /** The leader a majority of members follow at the highest term seen, or null. */
  async leader(options: EtcdTimeoutOptions = {}): Promise<EtcdLeaderResult> {
    const started = Date.now();
    const statuses = await this.status(options);
    const answered = statuses.filter((s) => s.outcome === 'ok' && s.term !== null);
    const term = answered.reduce((t, s) => Math.max(t, s.term!), 0);
    const votes = new Map<string, number>();
    for (const s of answered) if (s.leader !== null && s.term === term) votes.set(s.leader, (votes.get(s.leader) ?? 0) + 1);
    const majority = Math.floor(this.members.length / 2) + 1;
    const winner = [...votes.entries()].find(([, n]) => n >= majority);
    if (winner) {
      this.lastLeader = winner[0];
      return { ...this.result('leader', null, started, 'ok'), leader: winner[0], term };
    }
    const detail = answered.length === 0 ? 'no member answered' : `no leader followed by a majority (${majority} of ${this.members.length}) at term ${term}`;
    return { ...this.result('leader', null, started, 'refused', detail), leader: null, term: answered.length ? term : null };
  }

  /** Wait until a majority follows one leader; polls every 50 ms. */
  async waitForLeader(timeoutMs = this.options.startTimeoutMs): Promise<EtcdLeaderResult> {
    const started = Date.now();
    let last: EtcdLeaderResult | null = null;
    while (Date.now() - started < timeoutMs) {
      last = await this.leader({ timeoutMs: Math.max(1, Math.min(1000, timeoutMs - (Date.now() - started))) });
      if (last.outcome === 'ok') return { ...last, op: 'wait for leader', startedAtMs: started, tookMs: Date.now() - started };
      await new Promise((r) => setTimeout(r, 50));
    }
    return { ...this.result('wait for leader', null, started, 'timeout', last?.detail ?? 'no answer'), leader: null, term: last?.term ?? null };
  }

  private async signal(op: string, name: string, signal: NodeJS.Signals, wanted: EtcdMemberState | 'exit', timeoutMs: number): Promise<EtcdResult> {
    this.assertOpen();
    const m = this.member(name);
    const started = Date.now();
    if (m.child === null) return this.result(op, m.name, started, 'refused', 'member is not running');
    m.child.kill(signal);
    if (wanted !== 'exit') {
      m.state = wanted;
      return this.result(op, m.name, started, 'ok');
    }
    let timer: NodeJS.Timeout | undefined;
    const exited = await Promise.race([m.exited.then(() => true), new Promise<boolean>((r) => (timer = setTimeout(() => r(false), timeoutMs)))]);
    clearTimeout(timer);
    return exited ? this.result(op, m.name, started, 'ok') : this.result(op, m.name, started, 'timeout', `still running after ${timeoutMs} ms`);
  }

  /** SIGKILL a member: it stops at once, with no chance to hand over. */
  kill(member: string, options: EtcdTimeoutOptions = {}): Promise<EtcdResult> {
    return this.signal('kill', member, 'SIGKILL', 'exit', ETCD_TIMEOUT_OPTIONS.parse(options).timeoutMs ?? this.options.operationTimeoutMs);
  }

  /** SIGTERM a member: a graceful stop (a leader hands leadership over first). */
  async stop(member: string, options: EtcdTimeoutOptions = {}): Promise<EtcdResult> {
    const m = this.member(member);
    if (m.state === 'paused') m.child?.kill('SIGCONT'); // a stopped process cannot act on SIGTERM
    return this.signal('stop', member, 'SIGTERM', 'exit', ETCD_TIMEOUT_OPTIONS.parse(options).timeoutMs ?? this.options.operationTimeoutMs);
  }

  /** SIGSTOP a member: it holds its connections and its state, and answers nothing. */
  pause(member: string): Promise<EtcdResult> {
    const m = this.member(member);
    if (m.state === 'paused') return Promise.resolve(this.result('pause', m.name, Date.now(), 'refused', 'member is already paused'));
    return this.signal('pause', member, 'SIGSTOP', 'paused', 0);
  }

  /** SIGCONT a paused member. */
  resume(member: string): Promise<EtcdResult> {
    const m = this.member(member);
    if (m.state !== 'paused') return Promise.resolve(this.result('resume', m.name, Date.now(), 'refused', 'member is not paused'));
    return this.signal('resume', member, 'SIGCONT', 'running', 0);
  }

  /** Start a stopped or killed member again on its data folder; ok once it answers a status. */
  async restart(member: string, options: EtcdTimeoutOptions = {}): Promise<EtcdResult> {
    this.assertOpen();
    const m = this.member(member);
    const timeoutMs = ETCD_TIMEOUT_OPTIONS.parse(options).timeoutMs ?? Math.max(this.options.operationTimeoutMs, 10_000);
    const started = Date.now();
    if (m.child !== null) return this.result('restart', m.name, started, 'refused', 'member is still running (kill or stop it first)');
    this.spawn(m);
    while (Date.now() - started < timeoutMs) {
      if (m.state === 'stopped') return this.result('restart', m.name, started, 'refused', `etcd exited: ${m.log.slice(-2).join(' | ')}`);
      const r = await this.bounded(Math.min(1000, timeoutMs), (deadline) => m.client.maintenance.status({ deadline }));
      if (r.ok) return this.result('restart', m.name, started, 'ok');
      await new Promise((res) => setTimeout(res, 50));
    }
    return this.result('restart', m.name, started, 'timeout', `no status answer within ${timeoutMs} ms`);
  }

  private setLink(from: string, to: string, state: LinkState, bothWays: boolean, op: string): EtcdResult {
    this.assertOpen();
    const started = Date.now();
    const a = this.member(from, 'from').name;
    const b = this.member(to, 'to').name;
    if (a === b) invalid('to', to, `a member other than ${from}`);
    const pairs = bothWays ? [[a, b], [b, a]] : [[a, b]];
    for (const [x, y] of pairs) {
      if (state.mode === 'ok') this.links.delete(`${x}→${y}`);
      else this.links.set(`${x}→${y}`, state);
    }
    // Connections between the two restart under the new state, so no stream is left half sent.
    this.proxies.get(a)!.resetLink(a, b);
    this.proxies.get(b)!.resetLink(a, b);
    return this.result(op, null, started, 'ok');
  }

  /** Lose every message from `from` to `to` (and back, unless `bothWays: false`). */
  cut(from: string, to: string, options: EtcdLinkOptions = {}): EtcdResult {
    return this.setLink(from, to, { mode: 'cut' }, ETCD_LINK_OPTIONS.parse(options).bothWays, `cut ${from} → ${to}`);
  }

  /** Delay every byte from `from` to `to` by `delayMs` (and back, unless `bothWays: false`). */
  delay(from: string, to: string, delayMs: number, options: EtcdLinkOptions = {}): EtcdResult {
    if (typeof delayMs !== 'number' || !Number.isFinite(delayMs) || delayMs < 0 || delayMs > 60_000) invalid('delayMs', delayMs, '0..60000 ms');
    return this.setLink(from, to, { mode: 'delay', delayMs }, ETCD_LINK_OPTIONS.parse(options).bothWays, `delay ${from} → ${to}`);
  }

  /** Drop each chunk from `from` to `to` with probability p; a lost chunk breaks its TCP stream, which etcd redials. */
  drop(from: string, to: string, dropProbability: number, options: EtcdLinkOptions = {}): EtcdResult {
    if (typeof dropProbability !== 'number' || !(dropProbability >= 0 && dropProbability <= 1)) invalid('dropProbability', dropProbability, '0..1');
    return this.setLink(from, to, { mode: 'drop', dropProbability }, ETCD_LINK_OPTIONS.parse(options).bothWays, `drop ${from} → ${to}`);
  }

  /** Cut every link between the two groups, both ways (clients still reach every member). */
  partition(groupA: readonly string[], groupB: readonly string[]): EtcdResult {
    const started = Date.now();
    const a = (Array.isArray(groupA) ? groupA : invalid('groupA', groupA, 'an array of member names')).map((n) => this.member(n, 'groupA').name);
    const b = (Array.isArray(groupB) ? groupB : invalid('groupB', groupB, 'an array of member names')).map((n) => this.member(n, 'groupB').name);
    for (const x of a) if (b.includes(x)) invalid('groupB', groupB, `members not in groupA (${x} is in both)`);
    for (const x of a) for (const y of b) this.setLink(x, y, { mode: 'cut' }, true, 'cut');
    return this.result(`partition [${a.join(', ')}] | [${b.join(', ')}]`, null, started, 'ok');
  }

  /** Cut one member off from all the others. */
  isolate(member: string): EtcdResult {
    const m = this.member(member).name;
    return this.partition([m], this.members.filter((n) => n !== m));
  }

  /** Every link back to normal; streams that lost bytes restart whole. */
  heal(): EtcdResult {
    this.assertOpen();
    const started = Date.now();
    this.links.clear();
    for (const p of this.proxies.values()) p.resetTainted();
    return this.result('heal', null, started, 'ok');
  }

  /** The last lines etcd wrote for a member (warnings and errors), to see why it did what it did. */
  logs(member: string, lines = 20): string[] {
    return this.member(member).log.slice(-Math.max(1, Math.min(200, Math.floor(lines))));
  }

  /** Each member's process ID (null while it is not running): to watch it with ps or top. */
  pids(): Record<string, number | null> {
    return Object.fromEntries([...this.byName.values()].map((m) => [m.name, m.child?.pid ?? null]));
  }

  /** Each member's process state as this handle knows it. */
  states(): Record<string, EtcdMemberState> {
    return Object.fromEntries([...this.byName.values()].map((m) => [m.name, m.state]));
  }

  /** Stop every member (SIGKILL: data is thrown away), the proxies and the clients; remove the data folder. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const m of this.byName.values()) {
      m.client.close();
      m.child?.kill('SIGKILL');
    }
    await Promise.all([...this.byName.values()].map((m) => m.exited));
    await Promise.all([...this.proxies.values()].map((p) => p.close()));
    fs.rmSync(this.baseDir, { recursive: true, force: true });
    this.forgetExit();
  }
}

/**
 * Start a real etcd cluster on loopback (free ports, a temporary data folder), with a proxy on
 * every peer link for partitions. Without etcd it throws an EtcdMissingError saying how to get it.
 *
 *     const cluster = await dl.startEtcdCluster({ memberCount: 3 });
 *     await cluster.put('x', '1');
 *     await cluster.kill((await cluster.leader()).leader!);
 *     await cluster.close();
 */
export function startEtcdCluster(options: EtcdClusterOptions = {}): Promise<EtcdCluster> {
  return EtcdCluster.start(options);
}
