/**
 * Small closed-form models behind the figures, computed from the course's numbers.
 * Pure functions, exported so a notebook can print the number a figure draws.
 */
import { checkInteger, checkNumber, checkProbability, invalid, rejectUnknownKeys } from '../options';

/** Smallest majority of n nodes: 2 of 3, 3 of 5. */
export function majorityQuorum(nodeCount: number): number {
  checkInteger('nodeCount', nodeCount, 1, 1000);
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
  checkInteger('nodeCount', nodeCount, 1, 1000);
  const p = checkProbability('nodeAvailability', nodeAvailability);
  const k = checkInteger('quorum', quorum ?? majorityQuorum(nodeCount), 1, nodeCount);
  let total = 0;
  for (let up = k; up <= nodeCount; up++) total += binomialCoefficient(nodeCount, up) * Math.pow(p, up) * Math.pow(1 - p, nodeCount - up);
  return Math.min(1, total);
}

/**
 * Tail amplification under fan-out: a request that waits for `fanout` backends is slow
 * when any one of them is, so P(slow) = 1 - (1 - q)^n. With q = 1% and n = 100: 63%.
 */
export function fanoutSlowProbability(slowProbability: number, fanout: number): number {
  const q = checkProbability('slowProbability', slowProbability);
  const n = checkInteger('fanout', fanout, 1, 1_000_000);
  return 1 - Math.pow(1 - q, n);
}

/** Wilson score interval for a proportion: what to pass as the error bar of a simulated point. */
export function wilsonInterval(successes: number, trials: number, z = 1.96): { low: number; high: number } {
  checkInteger('trials', trials, 1, Number.MAX_SAFE_INTEGER);
  checkInteger('successes', successes, 0, trials);
  checkNumber('z', z, 0, 10);
  const phat = successes / trials;
  const denominator = 1 + (z * z) / trials;
  const centre = (phat + (z * z) / (2 * trials)) / denominator;
  const half = (z * Math.sqrt((phat * (1 - phat)) / trials + (z * z) / (4 * trials * trials))) / denominator;
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/** Nearest-rank percentile (q in 0..100) of samples; the value a p99 line is drawn at. */
export function percentile(samples: readonly number[], q: number): number {
  if (!Array.isArray(samples) || samples.length === 0) invalid('samples', samples, 'a non-empty array of numbers');
  checkNumber('q', q, 0, 100);
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((q / 100) * sorted.length));
  return sorted[rank - 1];
}

export interface CallChainOptions {
  /** Number of remote calls a request needs. Default: 50 (the course's question). */
  calls?: number;
  /** Round-trip time of one call, in milliseconds. Default: 2 ms. */
  callMs?: number;
  /** Calls combined into one round trip when batching. Default: 10 (5 batches of 10). */
  batchSize?: number;
}

/** One call's span in a strategy's timeline. */
export interface CallSpan {
  strategy: 'sequential' | 'batched' | 'parallel';
  index: number;
  startMs: number;
  endMs: number;
  callsInSpan: number;
}

export interface CallChainTimings {
  calls: number;
  callMs: number;
  batchSize: number;
  sequentialMs: number;
  batchedMs: number;
  parallelMs: number;
  spans: CallSpan[];
}

/**
 * Latency of a request that makes `calls` remote calls: one after another (calls × callMs),
 * in batches (ceil(calls / batchSize) × callMs) or all at once (callMs).
 * Course numbers: 50 × 2 ms = 100 ms; 5 batches = 10 ms; parallel = 2 ms.
 */
export function callChainTimings(options: CallChainOptions = {}): CallChainTimings {
  rejectUnknownKeys('callChainTimings', options, ['calls', 'callMs', 'batchSize']);
  const calls = checkInteger('calls', options.calls ?? 50, 1, 10_000);
  const callMs = checkNumber('callMs', options.callMs ?? 2, 0.000001, 1e7, 'ms');
  const batchSize = checkInteger('batchSize', options.batchSize ?? 10, 1, 10_000);
  const spans: CallSpan[] = [];
  for (let i = 0; i < calls; i++) spans.push({ strategy: 'sequential', index: i, startMs: i * callMs, endMs: (i + 1) * callMs, callsInSpan: 1 });
  const batches = Math.ceil(calls / batchSize);
  for (let b = 0; b < batches; b++) {
    spans.push({ strategy: 'batched', index: b, startMs: b * callMs, endMs: (b + 1) * callMs, callsInSpan: Math.min(batchSize, calls - b * batchSize) });
  }
  for (let i = 0; i < calls; i++) spans.push({ strategy: 'parallel', index: i, startMs: 0, endMs: callMs, callsInSpan: 1 });
  return { calls, callMs, batchSize, sequentialMs: calls * callMs, batchedMs: batches * callMs, parallelMs: callMs, spans };
}
