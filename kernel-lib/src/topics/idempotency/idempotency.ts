// Idempotency: retries and duplicates against naive and deduplicating handlers.
import { simulation } from '../../simulation/simulation';
import { monteCarlo } from '../../experiments/montecarlo';
import { checkInteger, checkNumber, checkProbability, checkSeed, invalid, rejectUnknownKeys } from '../../core/options';
import type { Trace } from '../../trace/recorder';

export interface TransferRetryOptions {
  /** Attach a unique request ID to every transfer (and its retries); the bank remembers finished IDs. Default false. */
  requestIds?: boolean;
  /** Transfers the client wants to make, $100 each. Default 5. */
  transfers?: number;
  /** Probability that one message (request or response) is lost, 0..1. Default 0.3. */
  dropProbability?: number;
  /** The client retries after this long without a response, in ms. Default 20 ms. */
  timeoutMs?: number;
  /** Attempts per transfer at most, first one included. Default 5. */
  attemptsMax?: number;
  /** Seed. Default 1. */
  seed?: number;
}

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
  rejectUnknownKeys('transferRetryExperiment', options, ['requestIds', 'transfers', 'dropProbability', 'timeoutMs', 'attemptsMax', 'seed']);
  const requestIds = options.requestIds ?? false;
  if (typeof requestIds !== 'boolean') invalid('requestIds', requestIds, 'true or false');
  const transfers = checkInteger('transfers', options.transfers ?? 5, 1, 10_000);
  const drop = checkProbability('dropProbability', options.dropProbability ?? 0.3);
  const timeoutMs = checkNumber('timeoutMs', options.timeoutMs ?? 20, 1, 1e6, 'ms');
  const attemptsMax = checkInteger('attemptsMax', options.attemptsMax ?? 5, 1, 100);
  const seed = checkSeed(options.seed);
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

/** Many seeds, with and without request IDs: how often money moves twice. */
export function idempotencyComparison(options: { seeds?: number; transfers?: number; dropProbability?: number } = {}): { seeds: number; rows: { requestIds: boolean; runsWithDoubleTransfer: number; meanExtraDollars: number }[] } {
  rejectUnknownKeys('idempotencyComparison', options, ['seeds', 'transfers', 'dropProbability']);
  const seeds = checkInteger('seeds', options.seeds ?? 500, 1, 100_000);
  const transfers = checkInteger('transfers', options.transfers ?? 5, 1, 1000);
  const drop = checkProbability('dropProbability', options.dropProbability ?? 0.3);
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

export interface AtLeastOnceOptions {
  /** The consumer remembers processed event IDs and skips repeats. Default true. */
  dedup?: boolean;
  /** Events the producer publishes. Default 200. */
  events?: number;
  /** Probability that one message is lost, 0..1 (the producer resends until acknowledged). Default 0.2. */
  dropProbability?: number;
  /** Probability that the network delivers a message twice, 0..1. Default 0.05. */
  duplicateProbability?: number;
  /** Producer resends an unacknowledged event after this long, in ms. Default 15 ms. */
  resendAfterMs?: number;
  /** Seed. Default 1. */
  seed?: number;
}

/**
 * At-least-once delivery: the producer resends each event until the consumer acknowledges it,
 * so nothing is lost but some events arrive twice (lost acks, network duplicates). With
 * deduplication by event ID the effect is exactly once.
 */
export function atLeastOnceExperiment(options: AtLeastOnceOptions = {}): { seed: number; dedup: boolean; published: number; delivered: number; processed: number; uniqueProcessed: number } {
  rejectUnknownKeys('atLeastOnceExperiment', options, ['dedup', 'events', 'dropProbability', 'duplicateProbability', 'resendAfterMs', 'seed']);
  const dedup = options.dedup ?? true;
  if (typeof dedup !== 'boolean') invalid('dedup', dedup, 'true or false');
  const events = checkInteger('events', options.events ?? 200, 1, 100_000);
  const drop = checkProbability('dropProbability', options.dropProbability ?? 0.2);
  if (drop >= 0.95) invalid('dropProbability', drop, '0..0.95 (resending must eventually succeed)');
  const dup = checkProbability('duplicateProbability', options.duplicateProbability ?? 0.05);
  const resendMs = checkNumber('resendAfterMs', options.resendAfterMs ?? 15, 1, 1e6, 'ms');
  const seed = checkSeed(options.seed);
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
