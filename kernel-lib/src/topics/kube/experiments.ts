// Kubernetes experiments on the simulated cluster: node failure, watches.
import { simulation } from '../../simulation/simulation';
import { choiceOption, declareOptions, invalid, numberListOption, numberOption, seedOption, type OptionsOf } from '../../core/options';
import type { StateInterval } from '../../trace/state-intervals';
import { kubeCluster } from './cluster';
import { KUBE_VERSIONS, KubeVersion } from './node-failure-times';

export const NODE_FAILURE_OPTIONS = declareOptions('kubeNodeFailureExperiment', {
  version: choiceOption(KUBE_VERSIONS, { doc: 'Kubernetes version: grace 40 s before v1.32, 50 s from v1.32', default: 'v1.32' }),
  failAtS: numberOption({ doc: 'When worker-2 loses power, in s of cluster time', min: 15, max: 3600, unit: 's', default: 45 }),
  tolerationS: numberOption({ doc: 'tolerationSeconds', min: 0, max: 3600, unit: 's', default: 300 }),
  seed: seedOption()
});
export type NodeFailureOptions = OptionsOf<typeof NODE_FAILURE_OPTIONS>;

export interface NodeFailureResult {
  seed: number;
  version: KubeVersion;
  gracePeriodS: number;
  /** Seconds after the node died, named as in `kubeNodeFailureTimes`: its last heartbeat (negative or 0), NotReady, eviction, replacement Running. */
  lastHeartbeatS: number;
  notReadyS: number;
  evictionS: number;
  runningS: number;
  /** Lanes for `stateLaneChart`, times in ms after the node died. */
  intervals: StateInterval[];
  /** `kubectl get nodes` / `get pods` at NotReady + 1 s and at the end. */
  snapshots: { atS: number; nodes: string; pods: string }[];
}

/**
 * A worker dies in a running cluster; the control plane notices only through missing
 * heartbeats. Measured from the simulated cluster: NotReady after the grace period, pods
 * evicted after the toleration, replacements started elsewhere.
 */
export function kubeNodeFailureExperiment(options: NodeFailureOptions = {}): NodeFailureResult {
  const { version, failAtS, tolerationS, seed } = NODE_FAILURE_OPTIONS.parse(options);
  const c = kubeCluster({ seed, version, replicas: 3, tolerationS });
  c.killNode('worker-2', { atS: failAtS });
  c.run({ untilS: failAtS + c.gracePeriodS + tolerationS + 40 });
  const k = failAtS * 1000;
  const beats = (c.heartbeats['worker-2'] ?? []).filter((t) => t <= k);
  const lastBeat = beats.length ? beats[beats.length - 1] : 0;
  const notReady = c.nodeHistory.find((n) => n.node === 'worker-2' && n.status.startsWith('NotReady'));
  if (!notReady) invalid('failAtS', failAtS, 'a run long enough to see NotReady (internal)');
  const victims = new Set(c.podHistory.filter((p) => p.node === 'worker-2' && p.timeMs <= k).map((p) => p.name));
  const evicted = c.podHistory.find((p) => victims.has(p.name) && p.phase === 'Terminated' && p.timeMs > k);
  const replacement = c.podHistory.find((p) => !victims.has(p.name) && p.timeMs > (evicted?.timeMs ?? Infinity) && p.phase === 'Running');
  const rel = (ms: number) => Number(((ms - k) / 1000).toFixed(1));
  const end = c.sim.timeMs;
  const ev = evicted?.timeMs ?? end;
  const rep = replacement?.timeMs ?? end;
  const intervals: StateInterval[] = [
    { lane: 'worker-2 kubelet', state: 'heartbeating', startMs: lastBeat - k - 20_000, endMs: 0 },
    { lane: 'worker-2 kubelet', state: 'dead (silent)', startMs: 0, endMs: end - k },
    { lane: 'Node condition', state: 'Ready', startMs: lastBeat - k - 20_000, endMs: notReady!.timeMs - k },
    { lane: 'Node condition', state: 'NotReady', startMs: notReady!.timeMs - k, endMs: end - k },
    { lane: 'pods on worker-2', state: 'Running (as far as the API knows)', startMs: lastBeat - k - 20_000, endMs: notReady!.timeMs - k },
    { lane: 'pods on worker-2', state: 'tainted, tolerated', startMs: notReady!.timeMs - k, endMs: ev - k },
    { lane: 'pods on worker-2', state: 'evicted', startMs: ev - k, endMs: end - k },
    { lane: 'replacement pod', state: 'Pending / ContainerCreating', startMs: ev - k, endMs: rep - k },
    { lane: 'replacement pod', state: 'Running elsewhere', startMs: rep - k, endMs: end - k }
  ];
  const snapAt = [Math.ceil(notReady!.timeMs / 1000) + 1, Math.floor(end / 1000)];
  return {
    seed,
    version,
    gracePeriodS: c.gracePeriodS,
    lastHeartbeatS: rel(lastBeat),
    notReadyS: rel(notReady!.timeMs),
    evictionS: rel(ev),
    runningS: rel(rep),
    intervals,
    snapshots: snapAt.map((atS) => ({ atS, nodes: c.getNodes({ atS }), pods: c.getPods({ atS }) }))
  };
}

export const WATCH_POLL_OPTIONS = declareOptions('watchVsPollExperiment', {
  clientCounts: numberListOption({ doc: 'Clients watching one kind of object (e.g. kubelets), one run each', min: 1, max: 500, integer: true, lengthMax: 20, default: [10, 50, 200] }),
  pollIntervalS: numberOption({ doc: 'Poll mode: each client asks every this many s', min: 0.05, max: 3600, unit: 's', default: 1 }),
  changesPerS: numberOption({ doc: 'Changes to the watched objects per second, cluster-wide', min: 0.001, max: 1000, unit: '/s', default: 0.5 }),
  untilS: numberOption({ doc: 'Simulated time per run', min: 1, max: 3600, unit: 's', default: 60 }),
  seed: seedOption()
});
export type WatchPollOptions = OptionsOf<typeof WATCH_POLL_OPTIONS>;

export interface WatchPollRow {
  mode: 'poll' | 'watch';
  /** Clients in this run. */
  clientCount: number;
  /** Requests plus pushed events the API server handles per second. */
  apiMessagesPerS: number;
  /** Mean time from a change to a client knowing it, in ms. */
  meanNoticeDelayMs: number;
}

/**
 * The same information two ways. Polling: every client lists every interval, changed or not.
 * Watching: each client opens one watch; the server pushes only real changes. Load and
 * freshness measured from the simulated API server.
 */
export function watchVsPollExperiment(options: WatchPollOptions = {}): { seed: number; rows: WatchPollRow[] } {
  const o = WATCH_POLL_OPTIONS.parse(options);
  const { clientCounts: counts, changesPerS: rate, seed } = o;
  const pollMs = o.pollIntervalS * 1000;
  const durationMs = o.untilS * 1000;
  const rows: WatchPollRow[] = [];
  for (const mode of ['poll', 'watch'] as const) {
    for (const n of counts) {
      if (mode === 'poll' && (n * durationMs) / pollMs > 3_000_000) invalid('pollIntervalS', pollMs / 1000, 'fewer than 3,000,000 polls per run');
      const sim = simulation({ seed, trace: false, network: { latency: 0.5 } });
      const clients = Array.from({ length: n }, (_, i) => `c${i}`);
      const delays: number[] = [];
      sim.node('apiserver', {
        state: () => ({ version: 0, changedMs: [0] as number[], handled: 0, watchers: [] as string[] }),
        start(ctx) { ctx.setTimer('change', -Math.log(1 - ctx.random()) * (1000 / rate)); },
        onTimer(ctx) {
          const st = ctx.state;
          st.version++;
          st.changedMs.push(ctx.timeMs);
          if (mode === 'watch') for (const w of st.watchers) { st.handled++; ctx.send(w, 'event', st.version); }
          ctx.setTimer('change', -Math.log(1 - ctx.random()) * (1000 / rate));
        },
        onMessage(ctx, msg) {
          const st = ctx.state;
          st.handled++;
          if (msg.type === 'watch') st.watchers.push(msg.from);
          else ctx.send(msg.from, 'list', { version: st.version, changedMs: st.changedMs[st.version] });
        }
      });
      sim.nodesOf(clients, {
        state: () => ({ known: 0 }),
        start(ctx) {
          if (mode === 'watch') ctx.send('apiserver', 'watch');
          else ctx.setTimer('poll', ctx.random() * pollMs);
        },
        onTimer(ctx) { ctx.send('apiserver', 'get'); ctx.setTimer('poll', pollMs); },
        onMessage(ctx, msg) {
          const v = typeof msg.body === 'number' ? msg.body : msg.body.version;
          if (v > ctx.state.known) {
            // The change that made this version (and any skipped ones) became known now.
            const api = sim.stateOf('apiserver');
            for (let k = ctx.state.known + 1; k <= v; k++) delays.push(ctx.timeMs - api.changedMs[k]);
            ctx.state.known = v;
          }
        }
      });
      sim.run({ untilMs: durationMs, eventsMax: 20_000_000 });
      const handled = sim.stateOf('apiserver').handled;
      rows.push({ mode, clientCount: n, apiMessagesPerS: Number(((handled * 1000) / durationMs).toFixed(1)), meanNoticeDelayMs: Number((delays.reduce((a, b) => a + b, 0) / Math.max(1, delays.length)).toFixed(1)) });
    }
  }
  return { seed, rows };
}
