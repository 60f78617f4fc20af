/**
 * A small Kubernetes cluster on the simulator: etcd members running Raft (the Raft topic's
 * member, etcd's defaults), which commit writes only through an elected leader and a majority, API servers in front of them, controller-manager and scheduler pairs that elect a
 * leader through Lease objects, and kubelets that heartbeat and run pods. Faults (killed nodes,
 * lost etcd members, partitions, API-server crashes) are the engine's faults.
 */
import { simulation, Simulation, NodeContext, Message } from '../../simulation/simulation';
import { lognormalLatency } from '../../world/net/latency';
import { booleanOption, parseNumber, parseOneOf, parseString, choiceOption, declareOptions, integerOption, invalid, numberOption, seedOption, type OptionSpec, type OptionsOf } from '../../core/options';
import { maxOf } from '../../core/numbers';
import type { StateInterval } from '../../trace/state-intervals';
import { KUBE_VERSIONS, KubeVersion, nodeMonitorGracePeriodS } from './node-failure-times';
import { raftMember } from '../raft/raft-node';
import { RAFT_CLUSTER_OPTIONS } from '../raft/raft';


export const KUBE_CLUSTER_OPTIONS = declareOptions('kubeCluster', {
  version: choiceOption(KUBE_VERSIONS, { doc: 'Kubernetes version: the node-monitor grace period is 40 s before v1.32 and 50 s from v1.32', default: 'v1.32' }),
  etcdMemberCount: integerOption({ doc: 'etcd members (the cluster lists their names in `etcdMembers`)', min: 1, max: 7, default: 3 }),
  apiServerCount: integerOption({ doc: 'API servers behind the load balancer (their names: `apiServers`)', min: 1, max: 5, default: 2 }),
  workerCount: integerOption({ doc: 'Worker nodes (their names: `workers`)', min: 1, max: 10, default: 3 }),
  replicas: integerOption({ doc: 'Replicas of deployment "web" at the start', min: 0, max: 50, default: 1 }),
  heartbeatIntervalS: numberOption({ doc: 'kubelet heartbeat (node Lease renewal) period', min: 1, max: 600, unit: 's', default: 10 }),
  tolerationS: numberOption({ doc: 'tolerationSeconds for not-ready/unreachable taints', min: 0, max: 36_000, unit: 's', default: 300 }),
  podStartMedianS: numberOption({ doc: 'Median image pull + container start', min: 0.1, max: 600, unit: 's', default: 3 }),
  seed: seedOption()
});
export type KubeClusterOptions = OptionsOf<typeof KUBE_CLUSTER_OPTIONS>;

/** Cluster time, in s, of an action or a view: checked against the clock of the run when it is used. */
const AT_S = numberOption({ doc: 'When, in seconds of cluster time: now or later', min: 0, max: 36_000, unit: 's', defaultText: "now (the cluster's current time)" });
/** The options of one KubeCluster method. */
const methodOptions = <D extends Record<string, OptionSpec<any, boolean>>>(method: string, specs: D) => declareOptions(`KubeCluster.${method}`, specs);

export const KUBE_SCALE_OPTIONS = methodOptions('scale', { atS: AT_S });
export type KubeScaleOptions = OptionsOf<typeof KUBE_SCALE_OPTIONS>;
export const KUBE_CORDON_OPTIONS = methodOptions('cordon', { atS: AT_S, uncordon: booleanOption({ doc: 'Uncordon instead: the node takes new pods again', default: false }) });
export type KubeCordonOptions = OptionsOf<typeof KUBE_CORDON_OPTIONS>;
export const KUBE_KILL_NODE_OPTIONS = methodOptions('killNode', { atS: AT_S });
export type KubeKillNodeOptions = OptionsOf<typeof KUBE_KILL_NODE_OPTIONS>;
export const KUBE_CRASH_OPTIONS = methodOptions('crash', {
  atS: AT_S,
  restartAfterS: numberOption({ doc: 'The component restarts this long after the crash', min: 0, max: 1e6, unit: 's', defaultText: 'never restarts' })
});
export type KubeCrashOptions = OptionsOf<typeof KUBE_CRASH_OPTIONS>;
export const KUBE_PARTITION_OPTIONS = methodOptions('partition', {
  atS: AT_S,
  untilS: numberOption({ doc: 'When the partition heals, in seconds of cluster time (not before atS)', min: 0, max: 36_000, unit: 's', defaultText: 'never heals' })
});
export type KubePartitionOptions = OptionsOf<typeof KUBE_PARTITION_OPTIONS>;
export const KUBE_KUBECTL_OPTIONS = methodOptions('kubectlAt', { atS: AT_S });
export type KubeKubectlOptions = OptionsOf<typeof KUBE_KUBECTL_OPTIONS>;
export const KUBE_RUN_OPTIONS = methodOptions('run', {
  untilS: numberOption({ doc: 'Advance to this cluster time, in seconds (not before the current time); required', min: 0, max: 36_000, unit: 's', defaultText: 'none: required' })
});
export type KubeRunOptions = OptionsOf<typeof KUBE_RUN_OPTIONS>;
/** What the API knew at a time in the past: atS is 0..now. */
const VIEW_AT_S = numberOption({ doc: 'The moment to look at, in seconds of cluster time (0..now)', min: 0, max: 36_000, unit: 's', defaultText: 'now' });
export const KUBE_VIEW_OPTIONS = methodOptions('getPods', { atS: VIEW_AT_S });
export type KubeViewOptions = OptionsOf<typeof KUBE_VIEW_OPTIONS>;
const KUBE_NODES_VIEW_OPTIONS = methodOptions('getNodes', { atS: VIEW_AT_S });
const KUBE_LEASES_VIEW_OPTIONS = methodOptions('getLeases', { atS: VIEW_AT_S });
export const KUBE_PHASE_COUNTS_OPTIONS = methodOptions('phaseCounts', { stepS: numberOption({ doc: 'Sampling step', min: 0.01, max: 3600, unit: 's', default: 0.5 }) });
export type KubePhaseCountsOptions = OptionsOf<typeof KUBE_PHASE_COUNTS_OPTIONS>;

interface Entry { obj: any; rev: number }
type Store = Map<string, Entry>;
/** A put in etcd's Raft log; `expectRev` makes it conditional (a Lease update's compare-and-swap). */
interface EtcdCommand { key: string; obj: any; expectRev?: number; id?: number; replyTo?: string }
interface EtcdMachine { store: Store; rev: number; waiting: Map<number, { id: number; replyTo: string }> }
/** etcd's defaults: --heartbeat-interval 100, --election-timeout 1000 (ms). */
const ETCD_HEARTBEAT_MS = RAFT_CLUSTER_OPTIONS.specs.heartbeatIntervalMs.default;
const ETCD_ELECTION_TIMEOUT_MS = RAFT_CLUSTER_OPTIONS.specs.electionTimeoutMs.default;

interface PodRecord { name: string; node: string; phase: string; timeMs: number }

const S = 1000;

/** A simulated cluster; schedule actions, then `run`, then ask it what `kubectl` would print. */
export class KubeCluster {
  readonly seed: number;
  readonly version: KubeVersion;
  readonly gracePeriodS: number;
  /** Names of the etcd members: etcd-1, etcd-2, … */
  readonly etcdMembers: string[];
  /** Names of the API servers: apiserver-1, … */
  readonly apiServers: string[];
  /** Names of the worker nodes: worker-1, … */
  readonly workers: string[];
  readonly sim: Simulation;
  /** Every pod status change the API recorded, in time order. */
  readonly podHistory: PodRecord[] = [];
  /** Every node condition change the API recorded. */
  readonly nodeHistory: { node: string; status: string; timeMs: number }[] = [];
  /** Leader changes of controller-manager and scheduler. */
  readonly leaderHistory: { lease: string; holder: string; timeMs: number }[] = [];
  /** Results of kubectl commands issued with `kubectlAt`. */
  readonly kubectlLog: { atMs: number; command: string; output: string; latencyMs: number }[] = [];
  /** Time of every node heartbeat (Lease renewal) the API stored, per node, in ms. */
  readonly heartbeats: Record<string, number[]> = {};
  private readonly toleration: number;

  constructor(options: KubeClusterOptions = {}) {
    const o = KUBE_CLUSTER_OPTIONS.parse(options);
    this.version = o.version;
    this.gracePeriodS = nodeMonitorGracePeriodS(this.version);
    const etcdCount = o.etcdMemberCount;
    const apiCount = o.apiServerCount;
    const workerCount = o.workerCount;
    const replicas = o.replicas;
    const heartbeatMs = o.heartbeatIntervalS * S;
    this.toleration = o.tolerationS * S;
    const podStartMedianMs = o.podStartMedianS * S;
    this.seed = o.seed;
    this.etcdMembers = Array.from({ length: etcdCount }, (_, i) => `etcd-${i + 1}`);
    this.apiServers = Array.from({ length: apiCount }, (_, i) => `apiserver-${i + 1}`);
    this.workers = Array.from({ length: workerCount }, (_, i) => `worker-${i + 1}`);
    const sim = (this.sim = simulation({ seed: this.seed, trace: false, network: { latency: lognormalLatency({ medianMs: 0.5, p99Ms: 2 }) } }));
    const etcd = this.etcdMembers;
    const apis = this.apiServers;
    const self = this;

    // ---- etcd: a Raft cluster with etcd's defaults (heartbeat 100 ms, election timeout 1000 ms,
    // check-quorum on). A put is committed through the leader's log and applied by every member
    // in log order; a range is a serializable read of the member's own copy, served without quorum.
    const seedObjects: [string, any][] = [['deploy/web', { key: 'deploy/web', replicas }]];
    for (const w of this.workers) seedObjects.push([`node/${w}`, { key: `node/${w}`, name: w, ready: true, renewMs: 0, cordoned: false }]);
    let recordedIndex = seedObjects.length;
    const member = raftMember<EtcdCommand, EtcdMachine>({
      members: etcd,
      heartbeatIntervalMs: ETCD_HEARTBEAT_MS,
      electionTimeoutMs: ETCD_ELECTION_TIMEOUT_MS,
      checkQuorum: true,
      // The cluster has been up for days: etcd-1 leads when the run starts, as the lowest member did before.
      bootstrapLeader: etcd[0],
      // The objects the cluster had before the run: committed entries on every member's disk.
      initialLog: () => seedObjects.map(([key, obj]) => ({ term: 0, command: { key, obj }, uid: 0 })),
      machine: () => ({ store: new Map(), rev: 0, waiting: new Map() }),
      apply: (ctx, m, command, index) => {
        const cur = m.store.get(command.key);
        // The revision check runs where the entry applies, so every member decides the same.
        const ok = command.expectRev === undefined || (cur?.rev ?? 0) === command.expectRev;
        if (ok) apply(m, command.key, command.obj);
        if (ok && index > recordedIndex) {
          recordedIndex = index;
          self.recordCommit(command.key, command.obj, ctx.timeMs);
        }
        const w = m.waiting.get(index);
        if (w === undefined) return;
        m.waiting.delete(index);
        if (w.id === command.id && w.replyTo === command.replyTo) ctx.send(w.replyTo, 'result', ok ? { id: w.id, ok: true } : { id: w.id, ok: false, error: 'conflict' });
      },
      onStepDown: (ctx) => ctx.state.machine.waiting.clear(),
      onTimer: (ctx, name, index) => {
        if (name !== 'commit-timeout') return;
        const w = ctx.state.machine.waiting.get(index);
        if (w === undefined) return;
        ctx.state.machine.waiting.delete(index);
        ctx.send(w.replyTo, 'result', { id: w.id, ok: false, error: 'etcdserver: request timed out' });
      },
      onOther: (ctx, msg) => {
        const st = ctx.state;
        if (msg.type === 'range') {
          // Serializable read from this member's copy: works without quorum.
          ctx.send(msg.from, 'result', { id: msg.body.id, ok: true, items: [...st.machine.store.values()].map((e: Entry) => ({ ...e.obj, rev: e.rev })) });
        } else if (msg.type === 'put') {
          if (st.role !== 'leader') {
            // A follower forwards the proposal to its leader; with none known it is dropped and the API server times out.
            if (st.leader !== null && !msg.body.forwarded) ctx.send(st.leader, 'put', { ...msg.body, forwarded: true });
            return;
          }
          const { key, obj, expectRev, id, replyTo } = msg.body;
          const index = member.propose(ctx, { key, obj, expectRev, id, replyTo })!;
          st.machine.waiting.set(index, { id, replyTo });
          ctx.setTimer('commit-timeout', 1000, index);
        }
      }
    });
    sim.nodesOf(etcd, member.spec);
    function apply(d: { store: Store; rev: number }, key: string, obj: any) {
      d.rev++;
      if (obj === null) d.store.delete(key);
      else d.store.set(key, { obj, rev: d.rev });
    }

    // ---- API servers: stateless; writes go to etcd's leader (through the local member), reads to the local member.
    sim.nodesOf(apis, {
      state: () => ({ waiting: new Map<number, any>(), next: 0, member: 0 }),
      onMessage(ctx, msg) {
        const st = ctx.state;
        const member = etcd[(apis.indexOf(ctx.node) + st.member) % etcd.length];
        if (msg.type === 'result') {
          const w = st.waiting.get(msg.body.id);
          if (!w) return;
          st.waiting.delete(msg.body.id);
          reply(ctx, w.msg, msg.body);
          return;
        }
        const id = st.next++;
        st.waiting.set(id, { msg });
        ctx.setTimer('timeout', 2000, id);
        if (msg.type === 'list') ctx.send(member, 'range', { id });
        else ctx.send(member, 'put', { id, key: msg.body.key, obj: msg.body.obj, expectRev: msg.body.expectRev, replyTo: ctx.node });
      },
      onTimer(ctx, _n, id) {
        const w = ctx.state.waiting.get(id);
        if (!w) return;
        ctx.state.waiting.delete(id);
        if (w.msg.type === 'list') ctx.state.member++; // that member did not answer a read: try the next one
        reply(ctx, w.msg, { ok: false, error: 'etcdserver: request timed out' });
      }
    });
    function reply(ctx: NodeContext, req: Message, body: any) {
      if (req.requestId !== undefined) ctx.respond(req, body);
      else ctx.send(req.from, 'api-result', { ...body, tag: req.body.tag });
    }

    // Components talk to an API server; on a timeout they try the next one (the load balancer's job).
    const call = (ctx: NodeContext, type: 'list' | 'put', body: any, tag: string) => {
      const st = ctx.state;
      st.api ??= 0;
      ctx.send(apis[st.api % apis.length], type, { ...body, tag });
      st.calls ??= new Map();
      st.calls.set(tag, ctx.setTimer('api-timeout', 2500, tag));
    };
    const onApiResult = (ctx: NodeContext, msg: Message): boolean => {
      if (msg.type !== 'api-result') return false;
      const t = ctx.state.calls?.get(msg.body.tag);
      if (t !== undefined) { ctx.cancelTimer(t); ctx.state.calls.delete(msg.body.tag); }
      return true;
    };
    const onApiTimeout = (ctx: NodeContext, name: string, tag: string): boolean => {
      if (name !== 'api-timeout') return false;
      ctx.state.calls?.delete(tag);
      ctx.state.api = (ctx.state.api ?? 0) + 1; // fail over to the next API server
      return true;
    };

    // ---- Leader election through Leases (leaseDuration 15 s, retry every 2 s), then the role's loop.
    const LEASE_MS = 15 * S;
    const elect = (lease: string, work: (ctx: NodeContext, items: any[]) => void) => ({
      state: () => ({ leader: false, leaseRev: undefined as number | undefined }),
      start(ctx: NodeContext) { ctx.setTimer('tick', 100 + 50 * ctx.random()); },
      onRestart(ctx: NodeContext) { ctx.setTimer('tick', 100); },
      onTimer(ctx: NodeContext, name: string, data: any) {
        if (onApiTimeout(ctx, name, data)) { ctx.state.leader = false; return; }
        call(ctx, 'list', {}, 'list');
        ctx.setTimer('tick', ctx.state.leader ? 1000 : 2000);
      },
      onMessage(ctx: NodeContext, msg: Message) {
        if (!onApiResult(ctx, msg)) return;
        const r = msg.body;
        if (r.tag === 'list' && r.ok) {
          const items = r.items as any[];
          const l = items.find((o) => o.key === `lease/${lease}`);
          const free = !l || l.holder === ctx.node || ctx.timeMs - l.renewMs > LEASE_MS;
          if (free) call(ctx, 'put', { key: `lease/${lease}`, obj: { key: `lease/${lease}`, holder: ctx.node, renewMs: ctx.timeMs }, expectRev: l ? l.rev : 0 }, 'lease');
          else ctx.state.leader = false;
          if (ctx.state.leader) work(ctx, items);
        } else if (r.tag === 'lease') {
          ctx.state.leader = !!r.ok;
        }
      }
    });
    const podStart = lognormalLatency({ medianMs: podStartMedianMs, p99Ms: podStartMedianMs * 2.5 });
    sim.nodesOf(['controller-manager-1', 'controller-manager-2'], elect('kube-controller-manager', (ctx, items) => {
      const deploy = items.find((o) => o.key === 'deploy/web');
      const pods = items.filter((o) => o.key.startsWith('pod/') && !o.deleting);
      const nodes = items.filter((o) => o.key.startsWith('node/'));
      // Node lifecycle: NotReady after the grace period without a heartbeat; evict after the toleration.
      for (const n of nodes) {
        const silentMs = ctx.timeMs - n.renewMs;
        if (n.ready && silentMs > self.gracePeriodS * S) call(ctx, 'put', { key: n.key, obj: { ...n, ready: false, notReadyMs: ctx.timeMs, rev: undefined } }, `nr-${n.name}`);
        if (!n.ready && n.notReadyMs !== undefined && ctx.timeMs - n.notReadyMs >= self.toleration) {
          for (const p of pods.filter((p) => p.node === n.name)) call(ctx, 'put', { key: p.key, obj: null }, `evict-${p.name}`);
        }
      }
      // ReplicaSet: create missing pods in slow-start batches (1, 2, 4, ...), delete extras.
      if (!deploy) return;
      const missing = deploy.replicas - pods.length;
      ctx.state.burst = missing > 0 ? Math.min((ctx.state.burst ?? 0) * 2 || 1, 16) : 0;
      for (let i = 0; i < Math.min(missing, ctx.state.burst); i++) {
        const name = `web-${self.podName()}`;
        call(ctx, 'put', { key: `pod/${name}`, obj: { key: `pod/${name}`, name, node: '', phase: 'Pending', createdMs: ctx.timeMs } }, `create-${name}`);
      }
      for (const p of pods.slice(deploy.replicas)) call(ctx, 'put', { key: p.key, obj: null }, `delete-${p.name}`);
    }));
    sim.nodesOf(['scheduler-1', 'scheduler-2'], elect('kube-scheduler', (ctx, items) => {
      const nodes = items.filter((o) => o.key.startsWith('node/') && o.ready && !o.cordoned);
      const pods = items.filter((o) => o.key.startsWith('pod/'));
      const load = new Map(nodes.map((n) => [n.name, pods.filter((p) => p.node === n.name).length]));
      for (const p of pods.filter((p) => p.node === '')) {
        if (nodes.length === 0) break;
        const best = [...load.entries()].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1))[0][0];
        load.set(best, (load.get(best) as number) + 1);
        call(ctx, 'put', { key: p.key, obj: { ...p, node: best, phase: 'ContainerCreating', rev: undefined } }, `bind-${p.name}`);
      }
    }));

    // ---- kubelets: heartbeat (node Lease) and run the pods bound to them; pods keep running without the API.
    sim.nodesOf(this.workers, {
      state: () => ({ starting: new Set<string>(), cordoned: false }),
      start(ctx) { ctx.setTimer('heartbeat', 50 + 50 * ctx.random()); ctx.setTimer('sync', 500); },
      onTimer(ctx, name, data) {
        if (onApiTimeout(ctx, name, data)) return;
        if (name === 'heartbeat') {
          call(ctx, 'put', { key: `node/${ctx.node}`, obj: { key: `node/${ctx.node}`, name: ctx.node, ready: true, renewMs: ctx.timeMs, cordoned: ctx.state.cordoned } }, 'hb');
          ctx.setTimer('heartbeat', heartbeatMs);
        } else if (name === 'sync') {
          call(ctx, 'list', {}, 'list');
          ctx.setTimer('sync', 1000);
        } else if (name === 'started') {
          ctx.state.starting.delete(data.name);
          call(ctx, 'put', { key: data.key, obj: { ...data, phase: 'Running', rev: undefined } }, `run-${data.name}`);
        }
      },
      onMessage(ctx, msg) {
        if (!onApiResult(ctx, msg)) return;
        if (msg.body.tag !== 'list' || !msg.body.ok) return;
        for (const p of msg.body.items as any[]) {
          if (p.key?.startsWith('pod/') && p.node === ctx.node && p.phase === 'ContainerCreating' && !ctx.state.starting.has(p.name)) {
            ctx.state.starting.add(p.name);
            ctx.setTimer('started', podStart.sampleMs(sim.random), p);
          }
        }
      }
    });
    for (const w of this.workers) this.nodeHistory.push({ node: w, status: 'Ready', timeMs: 0 });
  }

  private podName(): string {
    const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
    let s = '';
    for (let i = 0; i < 5; i++) s += alphabet[this.sim.random.int(alphabet.length)];
    return s;
  }

  /** @internal Called by the etcd leader on every commit: what `kubectl get -w` would show. */
  recordCommit(key: string, obj: any, timeMs: number): void {
    if (key.startsWith('pod/')) {
      const name = key.slice(4);
      this.podHistory.push({ name, node: obj?.node ?? '', phase: obj === null ? 'Terminated' : obj.phase, timeMs });
    } else if (key.startsWith('node/') && obj !== null) {
      if (obj.ready && Number.isFinite(obj.renewMs) && obj.renewMs > 0) (this.heartbeats[obj.name] ??= []).push(timeMs);
      const last = [...this.nodeHistory].reverse().find((n) => n.node === obj.name);
      const status = (obj.ready ? 'Ready' : 'NotReady') + (obj.cordoned ? ',SchedulingDisabled' : '');
      if (!last || last.status !== status) this.nodeHistory.push({ node: obj.name, status, timeMs });
    } else if (key.startsWith('lease/') && obj !== null) {
      const last = [...this.leaderHistory].reverse().find((l) => l.lease === key.slice(6));
      if (!last || last.holder !== obj.holder) this.leaderHistory.push({ lease: key.slice(6), holder: obj.holder, timeMs });
    }
  }

  // ---- actions (schedule before or between runs) ----

  /** `kubectl scale deployment web --replicas=N` at `atS`. */
  scale(replicas: number, options: KubeScaleOptions = {}): this {
    // The same range as the cluster's own replicas option, stated once there.
    KUBE_CLUSTER_OPTIONS.specs.replicas.parse('replicas', replicas);
    const { atS } = KUBE_SCALE_OPTIONS.parse(options);
    this.write(atS, 'deploy/web', { key: 'deploy/web', replicas }, `kubectl scale deployment web --replicas=${replicas}`);
    return this;
  }

  /** `kubectl cordon/uncordon <node>` at `atS`: no new pods are scheduled there; running pods stay. */
  cordon(node: string, options: KubeCordonOptions = {}): this {
    if (!this.workers.includes(node)) invalid('node', node, `one of ${this.workers.join(', ')}`);
    const { atS, uncordon } = KUBE_CORDON_OPTIONS.parse(options);
    const cordoned = !uncordon;
    this.sim.at(this.ms('atS', atS), (s) => { s.stateOf(node).cordoned = cordoned; });
    this.write(atS, `node/${node}`, { key: `node/${node}`, name: node, ready: true, renewMs: NaN, cordoned }, `kubectl ${cordoned ? 'cordon' : 'uncordon'} ${node}`, true);
    return this;
  }

  /** Power off a worker (its kubelet and pods die with it) at `atS`. */
  killNode(node: string, options: KubeKillNodeOptions = {}): this {
    if (!this.workers.includes(node)) invalid('node', node, `one of ${this.workers.join(', ')}`);
    const { atS } = KUBE_KILL_NODE_OPTIONS.parse(options);
    this.sim.crash(node, { atMs: this.ms('atS', atS) });
    return this;
  }

  /** Crash any control-plane component (an etcd member, an API server, a controller-manager or scheduler replica) at `atS`. */
  crash(component: string, options: KubeCrashOptions = {}): this {
    parseString('component', component);
    const { atS, restartAfterS } = KUBE_CRASH_OPTIONS.parse(options);
    this.sim.crash(component, { atMs: this.ms('atS', atS), ...(restartAfterS !== undefined ? { restartAfterMs: restartAfterS * S } : {}) });
    return this;
  }

  /** Cut `sideA` off from every other component from `atS` until `untilS`. */
  partition(sideA: string[], options: KubePartitionOptions = {}): this {
    const { atS, untilS } = KUBE_PARTITION_OPTIONS.parse(options);
    const atMs = this.ms('atS', atS);
    if (untilS !== undefined && untilS * S < atMs) invalid('untilS', untilS, `>= atS = ${atMs / S} s`);
    this.sim.partition(sideA, undefined, { atMs, ...(untilS !== undefined ? { untilMs: untilS * S } : {}) });
    return this;
  }

  /** Run `kubectl get pods` (or nodes, leases, or a write) through the load balancer at `atS`; the answer and its latency land in `kubectlLog`. */
  kubectlAt(command: string, options: KubeKubectlOptions = {}): this {
    parseOneOf('command', command, ['get pods', 'get nodes', 'get leases', 'apply'] as const);
    const atMs = this.ms('atS', KUBE_KUBECTL_OPTIONS.parse(options).atS);
    const api = this.apiServers[0];
    this.sim.at(atMs, (s) => {
      const target = this.apiServers.find((a) => s.isUp(a)) ?? api;
      const handle = command === 'apply'
        ? s.request(target, 'put', { key: 'configmap/demo', obj: { key: 'configmap/demo', atMs } })
        : s.request(target, 'list', {});
      s.at(s.timeMs + 3000, () => {
        const out = !handle.responded ? 'Unable to connect to the server: dial tcp 10.0.0.1:6443: i/o timeout'
          : !handle.response.ok ? `Error from server: ${handle.response.error}`
          : command === 'apply' ? 'configmap/demo configured'
          : this.format(command, handle.response.items, atMs);
        this.kubectlLog.push({ atMs, command: `kubectl ${command}`, output: out, latencyMs: handle.responded ? handle.latencyMs : NaN });
      });
    });
    return this;
  }

  /** Advance the simulation to `untilS` (seconds of cluster time). */
  run(options: Required<KubeRunOptions>): this {
    const { untilS } = KUBE_RUN_OPTIONS.parse(options);
    // Required, and not before now: a relation with the run's clock, so checked here.
    const untilMs = parseNumber('untilS', untilS, this.sim.timeMs / S, 36_000, 's') * S;
    this.sim.run({ untilMs, eventsMax: 5_000_000 });
    return this;
  }

  // ---- what kubectl shows ----

  /** Pods as the API knew them at `atS` (default: now), like `kubectl get pods -o wide`. */
  getPods(options: KubeViewOptions = {}): string {
    const atMs = this.viewMs(KUBE_VIEW_OPTIONS.parse(options).atS);
    const latest = new Map<string, PodRecord & { createdMs: number }>();
    for (const r of this.podHistory) {
      if (r.timeMs > atMs) break;
      const prev = latest.get(r.name);
      if (r.phase === 'Terminated') latest.delete(r.name);
      else latest.set(r.name, { ...r, createdMs: prev?.createdMs ?? r.timeMs });
    }
    const rows = [...latest.values()].map((p) => ({ name: p.name, ready: p.phase === 'Running' ? '1/1' : '0/1', status: p.phase, node: p.node || '<none>', age: age(atMs - p.createdMs) }));
    return columns(['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'NODE'], rows.map((r) => [r.name, r.ready, r.status, '0', r.age, r.node]), 'No resources found in default namespace.');
  }

  /** Nodes as the API knew them at `atS`, like `kubectl get nodes`. */
  getNodes(options: KubeViewOptions = {}): string {
    const atMs = this.viewMs(KUBE_NODES_VIEW_OPTIONS.parse(options).atS);
    return columns(['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION'], this.workers.map((w) => {
      const h = this.nodeHistory.filter((n) => n.node === w && n.timeMs <= atMs);
      return [w, h.length ? h[h.length - 1].status : 'Ready', '<none>', age(atMs), `${this.version}.0`];
    }));
  }

  /** Leader Leases in kube-system at `atS`, like `kubectl get leases -n kube-system`. */
  getLeases(options: KubeViewOptions = {}): string {
    const atMs = this.viewMs(KUBE_LEASES_VIEW_OPTIONS.parse(options).atS);
    return columns(['NAME', 'HOLDER', 'AGE'], ['kube-controller-manager', 'kube-scheduler'].map((lease) => {
      const h = this.leaderHistory.filter((l) => l.lease === lease && l.timeMs <= atMs);
      return [lease, h.length ? h[h.length - 1].holder : '<none>', age(atMs)];
    }));
  }

  /** Pod phases over time, one lane per pod, for `stateLaneChart`. */
  podIntervals(): StateInterval[] {
    const end = this.sim.timeMs;
    const byPod = new Map<string, PodRecord[]>();
    for (const r of this.podHistory) byPod.set(r.name, [...(byPod.get(r.name) ?? []), r]);
    const out: StateInterval[] = [];
    for (const [name, recs] of byPod) {
      recs.forEach((r, i) => {
        if (r.phase === 'Terminated') return;
        out.push({ lane: name, state: r.phase, startMs: r.timeMs, endMs: i + 1 < recs.length ? recs[i + 1].timeMs : end });
      });
    }
    return out;
  }

  /** Count of pods per phase over time (sampled every `stepS`), the "how many are Running yet" curve. */
  phaseCounts(options: KubePhaseCountsOptions = {}): { timeS: number; phase: string; pods: number }[] {
    const stepMs = KUBE_PHASE_COUNTS_OPTIONS.parse(options).stepS * S;
    const rows: { timeS: number; phase: string; pods: number }[] = [];
    for (let t = 0; t <= this.sim.timeMs; t += stepMs) {
      const latest = new Map<string, string>();
      for (const r of this.podHistory) { if (r.timeMs > t) break; if (r.phase === 'Terminated') latest.delete(r.name); else latest.set(r.name, r.phase); }
      for (const phase of ['Pending', 'ContainerCreating', 'Running']) rows.push({ timeS: Number((t / S).toFixed(3)), phase, pods: [...latest.values()].filter((p) => p === phase).length });
    }
    return rows;
  }

  /** Current holder of a leader Lease ('kube-controller-manager' or 'kube-scheduler'). */
  leaderOf(lease: 'kube-controller-manager' | 'kube-scheduler'): string {
    parseOneOf('lease', lease, ['kube-controller-manager', 'kube-scheduler'] as const);
    const h = this.leaderHistory.filter((l) => l.lease === lease);
    return h.length ? h[h.length - 1].holder : '<none>';
  }

  /** Whether a write (`kubectl apply`) issued now would succeed: does etcd have a quorum among running members? */
  etcdHasQuorum(): boolean {
    return this.etcdMembers.filter((m) => this.sim.isUp(m)).length >= Math.floor(this.etcdMembers.length / 2) + 1;
  }

  /** An action's time: now or later. */
  private ms(name: string, atS: number | undefined): number {
    return atS === undefined ? this.sim.timeMs : parseNumber(name, atS, this.sim.timeMs / S, 36_000, 's') * S;
  }

  /** A view's time: now or earlier. */
  private viewMs(atS: number | undefined): number {
    return atS === undefined ? this.sim.timeMs : parseNumber('atS', atS, 0, this.sim.timeMs / S, 's') * S;
  }

  private write(atS: number | undefined, key: string, obj: any, what: string, mergeNode = false): void {
    this.sim.at(this.ms('atS', atS), (s) => {
      const target = this.apiServers.find((a) => s.isUp(a)) ?? this.apiServers[0];
      if (mergeNode) {
        // Keep the kubelet's last heartbeat: read the node object from a live member first.
        const member = this.etcdMembers.find((m) => s.isUp(m)) ?? this.etcdMembers[0];
        const cur = s.stateOf(member).machine.store.get(key);
        obj = { ...(cur?.obj ?? {}), cordoned: obj.cordoned };
      }
      s.request(target, 'put', { key, obj }).atMs;
      void what;
    });
  }

  private format(command: string, items: any[], atMs: number): string {
    if (command === 'get nodes') return this.getNodesFrom(items, atMs);
    if (command === 'get leases') return columns(['NAME', 'HOLDER'], items.filter((o) => o.key.startsWith('lease/')).map((o) => [o.key.slice(6), o.holder]));
    const pods = items.filter((o) => o.key.startsWith('pod/'));
    return columns(['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'NODE'], pods.map((p) => [p.name, p.phase === 'Running' ? '1/1' : '0/1', p.phase, '0', age(atMs - p.createdMs), p.node || '<none>']), 'No resources found in default namespace.');
  }

  private getNodesFrom(items: any[], atMs: number): string {
    return columns(['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION'], items.filter((o) => o.key.startsWith('node/')).map((n) => [n.name, (n.ready ? 'Ready' : 'NotReady') + (n.cordoned ? ',SchedulingDisabled' : ''), '<none>', age(atMs), `${this.version}.0`]));
  }
}

function age(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 120) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${s % 60 ? `${s % 60}s` : ''}`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86_400)}d`;
}

function columns(header: string[], rows: string[][], empty = ''): string {
  if (rows.length === 0 && empty) return empty;
  const widths = header.map((h, i) => Math.max(h.length, maxOf(rows.map((r) => r[i].length))));
  return [header, ...rows].map((r) => r.map((c, i) => c.padEnd(widths[i] + 3)).join('').trimEnd()).join('\n');
}

/** A new simulated Kubernetes cluster. */
export function kubeCluster(options?: KubeClusterOptions): KubeCluster {
  return new KubeCluster(options);
}
