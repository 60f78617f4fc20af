// When Kubernetes marks a dead node NotReady and evicts its pods, per version.
import { parseOneOf, declareOptions, numberOption, type OptionsOf } from '../../core/options';

/** Kubernetes versions whose node-lifecycle defaults differ. */
export type KubeVersion = 'v1.31' | 'v1.32';
export const KUBE_VERSIONS: readonly KubeVersion[] = ['v1.31', 'v1.32'];

/** node-monitor-grace-period: 40 s before v1.32, 50 s from v1.32 (upstream raised the default). */
export function nodeMonitorGracePeriodS(version: KubeVersion): number {
  return parseOneOf('version', version, KUBE_VERSIONS) === 'v1.31' ? 40 : 50;
}

/** The timings of a node failure; every field is optional. */
export const KUBE_NODE_FAILURE_TIMES_OPTIONS = declareOptions('kubeNodeFailureTimes', {
  failAtS: numberOption({ doc: 'Time the node dies, in seconds, right after a heartbeat', min: 0, max: 1e6, unit: 's', default: 0 }),
  heartbeatIntervalS: numberOption({ doc: 'kubelet heartbeat (Lease renew) period', min: 0.1, max: 3600, unit: 's', default: 10 }),
  gracePeriodS: numberOption({ doc: 'node-monitor-grace-period', min: 1, max: 3600, unit: 's', defaultText: "the version's: 40 s before v1.32, 50 s from v1.32" }),
  tolerationS: numberOption({ doc: 'tolerationSeconds of the not-ready/unreachable NoExecute taints', min: 0, max: 1e6, unit: 's', default: 300 }),
  rescheduleS: numberOption({ doc: 'From eviction until the replacement pod is scheduled on another node', min: 0, max: 3600, unit: 's', default: 2 }),
  podStartS: numberOption({ doc: 'From scheduling until the replacement is Running (image pull, start)', min: 0, max: 3600, unit: 's', default: 8 })
});
export type KubeNodeFailureTimesOptions = OptionsOf<typeof KUBE_NODE_FAILURE_TIMES_OPTIONS>;

/** Milestones of one node failure, in seconds after the node dies. */
export interface KubeNodeFailureTimes {
  version: KubeVersion;
  gracePeriodS: number;
  lastHeartbeatS: number;
  notReadyS: number;
  evictionS: number;
  scheduledS: number;
  runningS: number;
}

/**
 * The node-failure timeline from Kubernetes' defaults: NotReady once no heartbeat arrived for
 * the grace period (40 s, 50 s from v1.32), eviction after the 300 s toleration of the
 * NoExecute taint, then the replacement is scheduled and started elsewhere.
 */
export function kubeNodeFailureTimes(version: KubeVersion, options: KubeNodeFailureTimesOptions = {}): KubeNodeFailureTimes {
  parseOneOf('version', version, KUBE_VERSIONS);
  const o = KUBE_NODE_FAILURE_TIMES_OPTIONS.parse(options);
  const { failAtS, tolerationS, rescheduleS, podStartS } = o;
  const gracePeriodS = o.gracePeriodS ?? nodeMonitorGracePeriodS(version);
  const notReadyS = failAtS + gracePeriodS;
  const evictionS = notReadyS + tolerationS;
  return { version, gracePeriodS, lastHeartbeatS: failAtS, notReadyS, evictionS, scheduledS: evictionS + rescheduleS, runningS: evictionS + rescheduleS + podStartS };
}
