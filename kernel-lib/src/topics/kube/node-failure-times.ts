// When Kubernetes marks a dead node NotReady and evicts its pods, per version.
import { checkNumber, checkOneOf, rejectUnknownKeys } from '../../core/options';

/** Kubernetes versions whose node-lifecycle defaults differ. */
export type KubeVersion = 'v1.31' | 'v1.32';
export const KUBE_VERSIONS: readonly KubeVersion[] = ['v1.31', 'v1.32'];

/** node-monitor-grace-period: 40 s before v1.32, 50 s from v1.32 (upstream raised the default). */
export function nodeMonitorGracePeriodS(version: KubeVersion): number {
  return checkOneOf('version', version, KUBE_VERSIONS) === 'v1.31' ? 40 : 50;
}

/** The timings of a node failure; every field is optional. */
export interface KubeNodeFailureTimesOptions {
  /** Time the node dies, in seconds, right after a heartbeat. Default: 0 s. */
  failAtS?: number;
  /** kubelet heartbeat (Lease renew) period, in seconds. Default: 10 s. */
  heartbeatIntervalS?: number;
  /** node-monitor-grace-period; default depends on the version: 40 s before v1.32, 50 s from v1.32. */
  gracePeriodS?: number;
  /** tolerationSeconds of the not-ready/unreachable NoExecute taints. Default: 300 s. */
  tolerationS?: number;
  /** From eviction until the replacement pod is scheduled on another node, in seconds. Default: 2 s. */
  rescheduleS?: number;
  /** From scheduling until the replacement is Running (image pull, start), in seconds. Default: 8 s. */
  podStartS?: number;
}

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
  rejectUnknownKeys('kubeNodeFailureTimes', options, ['failAtS', 'heartbeatIntervalS', 'gracePeriodS', 'tolerationS', 'rescheduleS', 'podStartS']);
  const failAtS = checkNumber('failAtS', options.failAtS ?? 0, 0, 1e6, 's');
  checkNumber('heartbeatIntervalS', options.heartbeatIntervalS ?? 10, 0.1, 3600, 's');
  const gracePeriodS = checkNumber('gracePeriodS', options.gracePeriodS ?? nodeMonitorGracePeriodS(version), 1, 3600, 's');
  const tolerationS = checkNumber('tolerationS', options.tolerationS ?? 300, 0, 1e6, 's');
  const rescheduleS = checkNumber('rescheduleS', options.rescheduleS ?? 2, 0, 3600, 's');
  const podStartS = checkNumber('podStartS', options.podStartS ?? 8, 0, 3600, 's');
  const notReadyS = failAtS + gracePeriodS;
  const evictionS = notReadyS + tolerationS;
  return { version, gracePeriodS, lastHeartbeatS: failAtS, notReadyS, evictionS, scheduledS: evictionS + rescheduleS, runningS: evictionS + rescheduleS + podStartS };
}
