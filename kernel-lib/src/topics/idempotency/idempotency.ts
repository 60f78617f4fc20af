// Idempotency: retries and duplicates against naive and deduplicating handlers.
import { simulation } from '../../simulation/simulation';
import { monteCarlo } from '../../experiments/montecarlo';
import { booleanOption, declareOptions, integerOption, numberOption, probabilityOption, seedOption, type OptionsOf } from '../../core/options';
import type { Trace } from '../../trace/recorder';

export const TRANSFER_RETRY_OPTIONS = declareOptions('transferRetryExperiment', {
  requestIds: booleanOption({ doc: 'Attach a unique request ID to every transfer (and its retries); the bank remembers finished IDs', default: false }),
  transfers: integerOption({ doc: 'Transfers the client wants to make, $100 each', min: 1, max: 10_000, default: 5 }),
  dropProbability: probabilityOption({ doc: 'Probability that one message (request or response) is lost', default: 0.3 }),
  timeoutMs: numberOption({ doc: 'The client retries after this long without a response', min: 1, max: 1e6, unit: 'ms', default: 20 }),
  attemptsMax: integerOption({ doc: 'Attempts per transfer at most, first one included', min: 1, max: 100, default: 5 }),
  seed: seedOption()
});
export type TransferRetryOptions = OptionsOf<typeof TRANSFER_RETRY_OPTIONS>;

export interface TransferRetryResult {
  seed: number;
  requestIds: boolean;
  intendedDollars: number;
  movedDollars: number;
  /** Transfers the bank applied more than once. */
  duplicates: number;
  /** Transfers the client gave up on (no response after every attempt). */
  unconfirmed: number;
  /** Dollars moved by repeated applications of the same transfer. */
  duplicateDollars: number;
  trace: Trace;
}

/**
 * A client transfers $100 at a time and retries on timeout, over a lossy network. Without
 * request IDs the bank cannot tell a retry from a new transfer, so a lost *response* becomes a
 * second transfer. With IDs it returns the stored result instead.
 */
export function transferRetryExperiment(options: TransferRetryOptions = {}): TransferRetryResult {
  const { requestIds, transfers, dropProbability: drop, timeoutMs, attemptsMax, seed } = TRANSFER_RETRY_OPTIONS.parse(options);
  return runTransfers(requestIds, transfers, drop, timeoutMs, attemptsMax, seed, true);
}

function runTransfers(requestIds: boolean, transfers: number, drop: number, timeoutMs: number, attemptsMax: number, seed: number, trace: boolean): TransferRetryResult {
  const sim = simulation({ seed, trace, network: { latency: 3, dropProbability: drop } });
  sim.node('client', {
    state: () => ({ current: 0, attempt: 0, timer: -1, unconfirmed: 0 }),
    start(ctx) { send(ctx); },
    onTimer(ctx) {
      if (ctx.state.attempt < attemptsMax) send(ctx);
      else { ctx.state.unconfirmed++; next(ctx); }
    },
    onMessage(ctx, msg) {
      if (msg.body.transfer !== ctx.state.current) return; // a late answer to an earlier transfer
      ctx.cancelTimer(ctx.state.timer);
      next(ctx);
    }
  });
  function send(ctx: any) {
    ctx.state.attempt++;
    const id = `tx-${ctx.state.current + 1}`;
    const label = `transfer $100${requestIds ? ` id=${id}` : ''}${ctx.state.attempt > 1 ? ' (retry)' : ''}`;
    ctx.send('bank', label, { transfer: ctx.state.current, id: requestIds ? id : undefined });
    ctx.state.timer = ctx.setTimer('timeout', timeoutMs);
  }
  function next(ctx: any) {
    ctx.state.current++;
    ctx.state.attempt = 0;
    if (ctx.state.current < transfers) send(ctx);
  }
  sim.node('bank', {
    durable: () => ({ moved: 0, applied: new Map<number, number>(), done: new Set<string>() }),
    onMessage(ctx, msg) {
      const d = ctx.durable;
      if (msg.body.id !== undefined && d.done.has(msg.body.id)) {
        ctx.send(msg.from, 'ok (already done)', { transfer: msg.body.transfer });
        return;
      }
      d.moved += 100;
      d.applied.set(msg.body.transfer, (d.applied.get(msg.body.transfer) ?? 0) + 1);
      if (msg.body.id !== undefined) d.done.add(msg.body.id);
      ctx.send(msg.from, 'ok', { transfer: msg.body.transfer });
    }
  });
  sim.run({ untilMs: transfers * attemptsMax * (timeoutMs + 10) + 100 });
  const bank = sim.durableOf('bank');
  let duplicates = 0;
  let repeats = 0;
  for (const count of bank.applied.values()) {
    if (count > 1) duplicates++;
    repeats += count - 1;
  }
  return { seed, requestIds, intendedDollars: 100 * transfers, movedDollars: bank.moved, duplicates, unconfirmed: sim.stateOf('client').unconfirmed, duplicateDollars: 100 * repeats, trace: sim.trace };
}

export const IDEMPOTENCY_COMPARISON_OPTIONS = declareOptions('idempotencyComparison', {
  seeds: integerOption({ doc: 'Runs with request IDs and as many without', min: 1, max: 100_000, default: 500 }),
  transfers: integerOption({ doc: 'Transfers per run, $100 each (20 ms timeout, 5 attempts at most)', min: 1, max: 1000, default: 5 }),
  dropProbability: probabilityOption({ doc: 'Probability that one message (request or response) is lost', default: 0.3 })
});
export type IdempotencyComparisonOptions = OptionsOf<typeof IDEMPOTENCY_COMPARISON_OPTIONS>;

/** Many seeds, with and without request IDs: how often money moves twice. */
export function idempotencyComparison(options: IdempotencyComparisonOptions = {}): { seeds: number; rows: { requestIds: boolean; runsWithDoubleTransfer: number; meanExtraDollars: number }[] } {
  const { seeds, transfers, dropProbability: drop } = IDEMPOTENCY_COMPARISON_OPTIONS.parse(options);
  const result = monteCarlo({
    seeds,
    grid: { requestIds: [false, true] },
    run: ({ seed, params }) => {
      const r = runTransfers(params.requestIds, transfers, drop, 20, 5, seed, false);
      return { double: r.duplicates > 0, extra: r.duplicateDollars };
    }
  });
  return {
    seeds,
    rows: [false, true].map((ids) => ({
      requestIds: ids,
      runsWithDoubleTransfer: Math.round((result.row({ requestIds: ids }, 'double')?.mean ?? 0) * seeds),
      meanExtraDollars: result.row({ requestIds: ids }, 'extra')?.mean ?? 0
    }))
  };
}

export const AT_LEAST_ONCE_OPTIONS = declareOptions('atLeastOnceExperiment', {
  dedup: booleanOption({ doc: 'The consumer remembers processed event IDs and skips repeats', default: true }),
  events: integerOption({ doc: 'Events the producer publishes', min: 1, max: 100_000, default: 200 }),
  dropProbability: numberOption({ doc: 'Probability that one message is lost (the producer resends until acknowledged; resending must eventually succeed)', min: 0, max: 0.95, default: 0.2 }),
  duplicateProbability: probabilityOption({ doc: 'Probability that the network delivers a message twice', default: 0.05 }),
  resendAfterMs: numberOption({ doc: 'Producer resends an unacknowledged event after this long', min: 1, max: 1e6, unit: 'ms', default: 15 }),
  seed: seedOption()
});
export type AtLeastOnceOptions = OptionsOf<typeof AT_LEAST_ONCE_OPTIONS>;

/**
 * At-least-once delivery: the producer resends each event until the consumer acknowledges it,
 * so nothing is lost but some events arrive twice (lost acks, network duplicates). With
 * deduplication by event ID the effect is exactly once.
 */
export function atLeastOnceExperiment(options: AtLeastOnceOptions = {}): { seed: number; dedup: boolean; published: number; delivered: number; processed: number; uniqueProcessed: number } {
  const { dedup, events, dropProbability: drop, duplicateProbability: dup, resendAfterMs: resendMs, seed } = AT_LEAST_ONCE_OPTIONS.parse(options);
  const sim = simulation({ seed, trace: false, network: { latency: 2, dropProbability: drop, duplicateProbability: dup } });
  sim.node('producer', {
    state: () => ({ unacked: new Set<number>() }),
    start(ctx) {
      for (let i = 0; i < events; i++) {
        ctx.state.unacked.add(i);
        ctx.setTimer('publish', i * 0.5, i);
      }
    },
    onTimer(ctx, _name, i) {
      if (!ctx.state.unacked.has(i)) return;
      ctx.send('consumer', 'event', i);
      ctx.setTimer('publish', resendMs, i);
    },
    onMessage(ctx, msg) { ctx.state.unacked.delete(msg.body); }
  });
  sim.node('consumer', {
    state: () => ({ delivered: 0, processed: 0, seen: new Set<number>(), unique: new Set<number>() }),
    onMessage(ctx, msg) {
      ctx.state.delivered++;
      if (!dedup || !ctx.state.seen.has(msg.body)) {
        ctx.state.processed++;
        ctx.state.unique.add(msg.body);
      }
      ctx.state.seen.add(msg.body);
      ctx.send('producer', 'ack', msg.body);
    }
  });
  sim.run({ eventsMax: 5_000_000, untilMs: events * 0.5 + resendMs * 200 });
  const c = sim.stateOf('consumer');
  return { seed, dedup, published: events, delivered: c.delivered, processed: c.processed, uniqueProcessed: c.unique.size };
}
