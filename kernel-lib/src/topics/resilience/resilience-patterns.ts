// Resilience patterns against common mistakes: retry storms, bulkheads, synchronous chains, the bank under CAP.
import { simulation } from '../../simulation/simulation';
import { monteCarlo } from '../../experiments/montecarlo';
import { booleanOption, choiceOption, declareOptions, integerOption, numberListOption, numberOption, probabilityOption, seedOption, type OptionsOf } from '../../core/options';
import { maxOf } from '../../core/numbers';
import type { XyPoint } from '../../experiments/points';

const RETRY_POLICIES = ['immediate', 'backoff'] as const;

export const RETRY_STORM_OPTIONS = declareOptions('retryStormExperiment', {
  policy: choiceOption(RETRY_POLICIES, {
    doc: "'immediate': retry as soon as a request times out (up to 6 times); 'backoff': exponential backoff with full jitter, at most 2 retries, and a server that drops requests past their deadline",
    default: 'immediate'
  }),
  clientCount: integerOption({ doc: 'Clients, each sending its own requests', min: 1, max: 300, default: 50 }),
  capacityPerS: numberOption({ doc: 'Requests the server completes per second at most', min: 1, max: 1e6, unit: '/s', default: 1000 }),
  requestIntervalMs: numberOption({ doc: 'Each client sends a new request this often', min: 1, max: 1e6, unit: 'ms', default: 100, defaultText: '100 ms (500 /s offered in all)' }),
  timeoutMs: numberOption({ doc: 'Client timeout', min: 1, max: 1e6, unit: 'ms', default: 50 }),
  stallAtMs: numberOption({ doc: 'The server stalls (GC, failover) from here', min: 0, max: 1e6, unit: 'ms', default: 1000 }),
  stallMs: numberOption({ doc: '... for this long', min: 0, max: 1e6, unit: 'ms', default: 500 }),
  untilMs: numberOption({ doc: 'Length of the run', min: 100, max: 60_000, unit: 'ms', default: 4000 }),
  seed: seedOption()
});
export type RetryStormOptions = OptionsOf<typeof RETRY_STORM_OPTIONS>;

/**
 * A short server stall makes every in-flight request time out. Clients that retry at once
 * multiply the offered load; the queue never drains and useful work collapses long after the
 * stall. With exponential backoff and jitter the retries spread out and the server recovers.
 */
export function retryStormExperiment(options: RetryStormOptions = {}): { seed: number; policy: string; points: XyPoint[]; goodputAfterPerS: number; offeredPeakPerS: number } {
  const { policy, clientCount: clients, capacityPerS, requestIntervalMs: everyMs, timeoutMs, stallAtMs, stallMs, untilMs, seed } = RETRY_STORM_OPTIONS.parse(options);
  const serviceMs = 1000 / capacityPerS;
  const binMs = 100;
  const bins = Math.ceil(untilMs / binMs);
  const arrivals = new Array(bins).fill(0);
  const useful = new Array(bins).fill(0);
  const sim = simulation({ seed, trace: false, network: { latency: 1 } });
  const names = Array.from({ length: clients }, (_, i) => `client${i}`);
  sim.node('server', {
    state: () => ({ queue: [] as any[], busy: false }),
    onMessage(ctx, msg) {
      arrivals[Math.min(bins - 1, Math.floor(ctx.timeMs / binMs))]++;
      ctx.state.queue.push(msg);
      if (!ctx.state.busy) { ctx.state.busy = true; ctx.setTimer('done', serviceMs); }
    },
    onTimer(ctx) {
      // With the fix the server also sheds requests whose client has already given up.
      if (policy === 'backoff') while (ctx.state.queue.length > 1 && ctx.timeMs > ctx.state.queue[0].body.deadlineMs) ctx.state.queue.shift();
      const m = ctx.state.queue.shift();
      // A reply to a request whose client already gave up is wasted work.
      if (m) ctx.send(m.from, 'ok', m.body.id);
      if (ctx.state.queue.length) ctx.setTimer('done', serviceMs);
      else ctx.state.busy = false;
    }
  });
  sim.nodesOf(names, {
    state: () => ({ pending: new Map<number, { attempt: number; timer: number }>(), next: 0 }),
    start(ctx) { ctx.setTimer('new', ctx.random() * everyMs); },
    onTimer(ctx, name, id) {
      const st = ctx.state;
      if (name === 'new') {
        const rid = st.next++;
        st.pending.set(rid, { attempt: 0, timer: -1 });
        send(ctx, rid);
        ctx.setTimer('new', everyMs);
      } else if (name === 'timeout') {
        const p = st.pending.get(id);
        if (!p) return;
        p.attempt++;
        // Immediate retries go on up to 6 times; the backoff policy also has a retry budget of 2.
        if (p.attempt > (policy === 'immediate' ? 6 : 2)) { st.pending.delete(id); return; }
        if (policy === 'immediate') send(ctx, id);
        else ctx.setTimer('retry', Math.min(2000, 100 * 2 ** p.attempt) * ctx.random(), id);
      } else if (name === 'retry') {
        if (st.pending.has(id)) send(ctx, id);
      }
    },
    onMessage(ctx, msg) {
      const p = ctx.state.pending.get(msg.body);
      if (!p) return;
      ctx.cancelTimer(p.timer);
      ctx.state.pending.delete(msg.body);
      useful[Math.min(bins - 1, Math.floor(ctx.timeMs / binMs))]++;
    }
  });
  function send(ctx: any, id: number) {
    ctx.send('server', 'req', { id, deadlineMs: ctx.timeMs + timeoutMs });
    ctx.state.pending.get(id).timer = ctx.setTimer('timeout', timeoutMs, id);
  }
  sim.pause('server', { atMs: stallAtMs, durationMs: stallMs });
  sim.run({ untilMs, eventsMax: 5_000_000 });
  const perS = (n: number) => (n * 1000) / binMs;
  const points: XyPoint[] = [];
  for (let b = 0; b < bins; b++) {
    points.push({ series: 'requests arriving at the server', x: (b * binMs) / 1000, y: perS(arrivals[b]) });
    points.push({ series: 'answered in time (goodput)', x: (b * binMs) / 1000, y: perS(useful[b]) });
  }
  const after = useful.slice(Math.ceil((stallAtMs + stallMs + 1000) / binMs));
  return { seed, policy, points, goodputAfterPerS: after.length ? perS(after.reduce((a, b) => a + b, 0) / after.length) : 0, offeredPeakPerS: perS(maxOf(arrivals)) };
}

export const BULKHEAD_OPTIONS = declareOptions('bulkheadExperiment', {
  bulkheads: booleanOption({ doc: 'Separate worker pools per dependency (bulkheads) instead of one shared pool', default: false }),
  poolSize: integerOption({ doc: 'Workers (threads, connections) in the app server', min: 2, max: 1000, default: 20 }),
  seed: seedOption()
});
export type BulkheadOptions = OptionsOf<typeof BULKHEAD_OPTIONS>;

/**
 * An app calls two dependencies: "payments" becomes very slow, "catalog" stays healthy. With one
 * shared pool, calls stuck on payments take every worker and catalog requests fail too. With a
 * bulkhead per dependency only payments suffers.
 */
export function bulkheadExperiment(options: BulkheadOptions = {}): { seed: number; bulkheads: boolean; catalogSuccess: number; paymentsSuccess: number } {
  const { bulkheads, poolSize: pool, seed } = BULKHEAD_OPTIONS.parse(options);
  const sim = simulation({ seed, trace: false, network: { latency: 1 } });
  const stats = { catalog: [0, 0], payments: [0, 0] } as Record<string, [number, number]>;
  sim.node('app', {
    state: () => ({ busy: { shared: 0, catalog: 0, payments: 0 } as Record<string, number> }),
    start(ctx) { for (let i = 0; i < 2000; i++) ctx.setTimer('request', i * 1, i % 2 === 0 ? 'catalog' : 'payments'); },
    onTimer(ctx, name, dep) {
      const poolName = bulkheads ? dep : 'shared';
      const limit = bulkheads ? pool / 2 : pool;
      stats[dep][1]++;
      if (ctx.state.busy[poolName] >= limit) return; // no free worker: rejected
      ctx.state.busy[poolName]++;
      ctx.send(dep, 'call', { dep, poolName });
    },
    onMessage(ctx, msg) {
      ctx.state.busy[msg.body.poolName]--;
      stats[msg.body.dep][0]++;
    }
  });
  sim.node('catalog', { onMessage(ctx, m) { ctx.send(m.from, 'ok', m.body); } });
  sim.node('payments', { onMessage(ctx, m) { ctx.send(m.from, 'ok', m.body); } });
  sim.slow('payments', { atMs: 0, extraDelayMs: 500 });
  sim.run({ untilMs: 5000 });
  return { seed, bulkheads, catalogSuccess: stats.catalog[0] / stats.catalog[1], paymentsSuccess: stats.payments[0] / stats.payments[1] };
}

export const SYNC_CHAIN_OPTIONS = declareOptions('syncChainExperiment', {
  chainLengths: numberListOption({ doc: 'Services a request passes through', min: 1, max: 30, integer: true, lengthMax: 30, default: [1, 2, 4, 6, 8, 10] }),
  serviceUpProbability: probabilityOption({ doc: 'Probability that one service is up, each', default: 0.99 }),
  seeds: integerOption({ doc: 'Runs per chain length', min: 10, max: 100_000, default: 1000 })
});
export type SyncChainOptions = OptionsOf<typeof SYNC_CHAIN_OPTIONS>;

/**
 * A synchronous chain is only as available as the product of its links (p^k) and as slow as
 * their sum. Handing the work to a queue after the first service keeps the user's request to
 * one hop: its availability is p whatever the chain length.
 */
export function syncChainExperiment(options: SyncChainOptions = {}): { points: XyPoint[]; lines: XyPoint[] } {
  const { chainLengths: ks, serviceUpProbability: p, seeds } = SYNC_CHAIN_OPTIONS.parse(options);
  const result = monteCarlo({
    seeds,
    grid: { k: [...ks] },
    run: ({ seed, params }) => {
      const sim = simulation({ seed, trace: false, network: { latency: 1 } });
      const svc = Array.from({ length: params.k }, (_, i) => `svc${i + 1}`);
      sim.node('user', { state: () => ({ sync: false }), start(ctx) { ctx.send('svc1', 'req'); }, onMessage(ctx) { ctx.state.sync = true; } });
      sim.nodesOf(svc, {
        state: () => ({ from: '' }),
        onMessage(ctx, m) {
          const i = svc.indexOf(ctx.node);
          if (m.type === 'req') {
            ctx.state.from = m.from;
            if (i + 1 < svc.length) ctx.send(svc[i + 1], 'req');
            else ctx.send(m.from, 'ok');
          } else ctx.send(ctx.state.from, 'ok');
        }
      });
      const up = svc.map(() => sim.random.chance(p));
      svc.forEach((s, i) => { if (!up[i]) sim.crash(s); });
      sim.run({ untilMs: 1000 });
      // Async: the user only needs svc1 to accept the job into a queue.
      return { sync: sim.stateOf('user').sync as boolean, async: up[0] };
    }
  });
  const points: XyPoint[] = [];
  for (const r of result.rows) points.push({ series: r.metric === 'sync' ? 'synchronous chain' : 'first hop + queue', x: r.params.k, y: r.mean, low: r.ciLow, high: r.ciHigh });
  const lines = ks.map((k) => ({ series: 'synchronous chain', x: k, y: Math.pow(p, k) }));
  return { points, lines };
}

export const CAP_BANK_OPTIONS = declareOptions('capBankExperiment', {
  mode: choiceOption(['CP', 'AP'] as const, { doc: "'CP': a replica withdraws only with the other's consent, and refuses during the partition; 'AP': each replica withdraws on its own", default: 'AP' }),
  seed: seedOption()
});
export type CapBankOptions = OptionsOf<typeof CAP_BANK_OPTIONS>;

/** A bank account of $100 on two replicas; during a partition each side receives a $100 withdrawal. */
export function capBankExperiment(options: CapBankOptions = {}): { seed: number; mode: string; withdrawalsAccepted: number; finalBalance: number } {
  const { mode, seed } = CAP_BANK_OPTIONS.parse(options);
  const sim = simulation({ seed, network: { latency: 5 } });
  let accepted = 0;
  sim.nodesOf(['bank-us', 'bank-eu'], {
    state: () => ({ balance: 100, withdrawn: 0, other: 0, waiting: null as any }),
    onMessage(ctx, msg) {
      const st = ctx.state;
      if (msg.requestId !== undefined) {
        if (mode === 'AP') {
          if (st.balance >= 100) { st.balance -= 100; st.withdrawn += 100; accepted++; ctx.broadcast('withdrawn', st.withdrawn); ctx.respond(msg, 'ok'); }
          else ctx.respond(msg, 'insufficient funds');
        } else {
          st.waiting = msg;
          ctx.broadcast('lock?', 100);
          ctx.setTimer('timeout', 50);
        }
      } else if (msg.type === 'withdrawn') {
        st.other = msg.body;
        st.balance = 100 - st.withdrawn - st.other;
      } else if (msg.type === 'lock?') ctx.send(msg.from, 'granted');
      else if (msg.type === 'granted' && st.waiting) {
        st.balance -= 100; st.withdrawn += 100; accepted++; ctx.broadcast('withdrawn', st.withdrawn); ctx.respond(st.waiting, 'ok'); st.waiting = null;
      }
    },
    onTimer(ctx) { if (ctx.state.waiting) { ctx.respond(ctx.state.waiting, 'refused: partition'); ctx.state.waiting = null; } }
  });
  sim.partition(['bank-us'], ['bank-eu'], { atMs: 0, untilMs: 200 });
  sim.request('bank-us', 'withdraw $100', undefined, { atMs: 10 });
  sim.request('bank-eu', 'withdraw $100', undefined, { atMs: 20 });
  sim.run({ untilMs: 400 });
  const us = sim.stateOf('bank-us');
  const eu = sim.stateOf('bank-eu');
  return { seed, mode, withdrawalsAccepted: accepted, finalBalance: 100 - us.withdrawn - eu.withdrawn };
}
