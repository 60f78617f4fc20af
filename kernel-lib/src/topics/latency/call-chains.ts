// Call chains and fan-out: how one slow call in many sets the latency of the whole request.
import { checkInteger, checkNumber, checkProbability, rejectUnknownKeys } from '../../core/options';

/**
 * Tail amplification under fan-out: a request that waits for `fanout` backends is slow
 * when any one of them is, so P(slow) = 1 - (1 - q)^n. With q = 1% and n = 100: 63%.
 */
export function fanoutSlowProbability(slowProbability: number, fanout: number): number {
  const q = checkProbability('slowProbability', slowProbability);
  const n = checkInteger('fanout', fanout, 1, 1_000_000);
  return 1 - Math.pow(1 - q, n);
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
