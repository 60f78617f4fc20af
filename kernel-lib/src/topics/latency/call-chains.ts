// Call chains and fan-out: how one slow call in many sets the latency of the whole request.
import { parseInteger, parseProbability, declareOptions, integerOption, numberOption, type OptionsOf } from '../../core/options';

/**
 * Tail amplification under fan-out: a request that waits for `fanout` backends is slow
 * when any one of them is, so P(slow) = 1 - (1 - q)^n. With q = 1% and n = 100: 63%.
 */
export function fanoutSlowProbability(slowProbability: number, fanout: number): number {
  const q = parseProbability('slowProbability', slowProbability);
  const n = parseInteger('fanout', fanout, 1, 1_000_000);
  return 1 - Math.pow(1 - q, n);
}

export const CALL_CHAIN_OPTIONS = declareOptions('callChainTimings', {
  calls: integerOption({ doc: 'Number of remote calls a request needs', min: 1, max: 10_000, default: 50, defaultText: "50 (the course's question)" }),
  callMs: numberOption({ doc: 'Round-trip time of one call', min: 0.000001, max: 1e7, unit: 'ms', default: 2 }),
  batchSize: integerOption({ doc: 'Calls combined into one round trip when batching', min: 1, max: 10_000, default: 10, defaultText: '10 (5 batches of 10)' })
});
export type CallChainOptions = OptionsOf<typeof CALL_CHAIN_OPTIONS>;

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
  const { calls, callMs, batchSize } = CALL_CHAIN_OPTIONS.parse(options);
  const spans: CallSpan[] = [];
  for (let i = 0; i < calls; i++) spans.push({ strategy: 'sequential', index: i, startMs: i * callMs, endMs: (i + 1) * callMs, callsInSpan: 1 });
  const batches = Math.ceil(calls / batchSize);
  for (let b = 0; b < batches; b++) {
    spans.push({ strategy: 'batched', index: b, startMs: b * callMs, endMs: (b + 1) * callMs, callsInSpan: Math.min(batchSize, calls - b * batchSize) });
  }
  for (let i = 0; i < calls; i++) spans.push({ strategy: 'parallel', index: i, startMs: 0, endMs: callMs, callsInSpan: 1 });
  return { calls, callMs, batchSize, sequentialMs: calls * callMs, batchedMs: batches * callMs, parallelMs: callMs, spans };
}
