// Quorum availability in closed form: the binomial chance that enough replicas are up.
import { parseInteger, parseProbability } from '../../core/options';
import { round } from '../../core/numbers';

/** Smallest majority of n nodes: 2 of 3, 3 of 5. */
export function majorityQuorum(nodeCount: number): number {
  parseInteger('nodeCount', nodeCount, 1, 1000);
  return Math.floor(nodeCount / 2) + 1;
}

/** n choose k, exact for the small n of a cluster. */
export function binomialCoefficient(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  let result = 1;
  for (let i = 1; i <= Math.min(k, n - k); i++) result = (result * (n - i + 1)) / i;
  return result;
}

/**
 * Probability that at least `quorum` of `nodeCount` independent nodes are up, each up
 * with probability `nodeAvailability`: sum over k >= quorum of C(n,k) p^k (1-p)^(n-k).
 * Default quorum: a majority (what etcd and Raft need to accept writes).
 */
export function binomialAvailability(nodeCount: number, nodeAvailability: number, quorum?: number): number {
  parseInteger('nodeCount', nodeCount, 1, 1000);
  const p = parseProbability('nodeAvailability', nodeAvailability);
  const k = parseInteger('quorum', quorum ?? majorityQuorum(nodeCount), 1, nodeCount);
  let total = 0;
  for (let up = k; up <= nodeCount; up++) total += binomialCoefficient(nodeCount, up) * Math.pow(p, up) * Math.pow(1 - p, nodeCount - up);
  return Math.min(1, total);
}

/** A simulated availability estimate with its confidence interval (e.g. from `wilsonInterval`). */
export interface AvailabilityPoint {
  /** Cluster size. */
  nodeCount: number;
  /** Per-node availability p used in the simulation, 0..1. */
  nodeAvailability: number;
  /** Fraction of trials in which the cluster was available, 0..1. */
  availability: number;
  /** Lower end of the confidence interval, 0..1. */
  low: number;
  /** Upper end of the confidence interval, 0..1. */
  high: number;
}

export function quorumOf(n: number, quorum: 'majority' | 'one' | 'all'): number {
  return quorum === 'majority' ? majorityQuorum(n) : quorum === 'one' ? 1 : n;
}

/** The closed-form curve the availability chart draws, as data (exported for tests and notebooks). */
export function availabilityCurve(nodeCount: number, options: { quorum?: 'majority' | 'one' | 'all'; pMin?: number; linePoints?: number } = {}): { p: number; availability: number }[] {
  const quorum = options.quorum ?? 'majority';
  const pMin = options.pMin ?? 0.5;
  const points = options.linePoints ?? 101;
  const result: { p: number; availability: number }[] = [];
  for (let i = 0; i < points; i++) {
    const p = round(pMin + ((1 - pMin) * i) / (points - 1));
    result.push({ p, availability: round(binomialAvailability(nodeCount, p, quorumOf(nodeCount, quorum)), 9) });
  }
  return result;
}
