// Scalability: throughput as servers are added, against the ideal line.
import { simulation } from '../../simulation/simulation';
import { checkInteger, checkNumber, checkProbability, checkSeed, invalid, rejectUnknownKeys } from '../../core/options';
import { maxOf } from '../../core/numbers';
import type { XyPoint } from '../../experiments/points';

export interface ScalabilityOptions {
  /** Cluster sizes to simulate. Default [1, 2, 4, 8, 16, 32, 64]. */
  serverCounts?: readonly number[];
  /** CPU time one request costs a server, in ms. Default 0.1 ms (10,000 requests/s per server, the course's number). */
  serviceMs?: number;
  /** Fraction of requests that change shared state and must be announced to every other server, 0..1. Default 0.05. */
  coordinationFraction?: number;
  /** CPU time a server spends applying one announcement from a peer, in ms. Default 0.1 ms. */
  coordinationCostMs?: number;
  /** One-way delay between servers, in ms. Default 0.25 ms (same datacenter). */
  linkLatencyMs?: number;
  /** Virtual time measured per cluster size, in ms. Default 100 ms. */
  windowMs?: number;
  /** Seed. Default 1. */
  seed?: number;
}

export interface ScalabilityRow {
  servers: number;
  /** Requests completed per second in the simulation. */
  throughputPerS: number;
  /** n × one server's throughput: no coordination at all. */
  linearPerS: number;
  /** Closed form n / (s + f·(n−1)·c), per second. */
  modelPerS: number;
  /** Share of CPU time spent on coordination, 0..1. */
  coordinationShare: number;
}

const KEYS = ['serverCounts', 'serviceMs', 'coordinationFraction', 'coordinationCostMs', 'linkLatencyMs', 'windowMs', 'seed'];

/**
 * Throughput as servers are added. Each server is saturated with requests; a fraction of
 * them change shared state, so the server broadcasts an update and every peer spends CPU
 * applying it. Work per request grows with the cluster, so throughput bends away from the
 * line n × 10,000/s towards a ceiling of 1 / (f·c).
 */
export function scalabilityExperiment(options: ScalabilityOptions = {}): { seed: number; rows: ScalabilityRow[] } {
  rejectUnknownKeys('scalabilityExperiment', options, KEYS);
  const counts = options.serverCounts ?? [1, 2, 4, 8, 16, 32, 64];
  if (!Array.isArray(counts) || counts.length === 0) invalid('serverCounts', counts, 'a non-empty array of integers 1..256');
  counts.forEach((n, i) => checkInteger(`serverCounts[${i}]`, n, 1, 256));
  const serviceMs = checkNumber('serviceMs', options.serviceMs ?? 0.1, 0.001, 1000, 'ms');
  const f = checkProbability('coordinationFraction', options.coordinationFraction ?? 0.05);
  const costMs = checkNumber('coordinationCostMs', options.coordinationCostMs ?? 0.1, 0, 1000, 'ms');
  const linkLatencyMs = checkNumber('linkLatencyMs', options.linkLatencyMs ?? 0.25, 0, 1000, 'ms');
  const windowMs = checkNumber('windowMs', options.windowMs ?? 100, 1, 10_000, 'ms');
  const seed = checkSeed(options.seed);
  if (maxOf(counts) * (windowMs / serviceMs) > 2_000_000) invalid('windowMs', windowMs, 'a window small enough for at most 2,000,000 simulated requests');
  const rows = counts.map((n) => {
    const sim = simulation({ seed, trace: false, network: { latency: linkLatencyMs } });
    const names = Array.from({ length: n }, (_, i) => `s${i + 1}`);
    sim.nodesOf(names, {
      state: () => ({ done: 0, backlogMs: 0, coordinationMs: 0 }),
      start(ctx) {
        ctx.setTimer('work', serviceMs);
      },
      onTimer(ctx) {
        // One request finished; coordination work that arrived meanwhile delays the next one.
        if (ctx.timeMs <= windowMs) ctx.state.done++;
        if (ctx.random() < f) ctx.broadcast('update');
        const next = serviceMs + ctx.state.backlogMs;
        ctx.state.backlogMs = 0;
        if (ctx.timeMs < windowMs) ctx.setTimer('work', next);
      },
      onMessage(ctx) {
        ctx.state.backlogMs += costMs;
        ctx.state.coordinationMs += costMs;
      }
    });
    sim.run({ untilMs: windowMs, eventsMax: 20_000_000 });
    let done = 0;
    let coordinationMs = 0;
    for (const name of names) {
      done += sim.stateOf(name).done;
      coordinationMs += sim.stateOf(name).coordinationMs;
    }
    const perServerPerS = 1000 / serviceMs;
    return {
      servers: n,
      throughputPerS: Math.round((done * 1000) / windowMs),
      linearPerS: Math.round(n * perServerPerS),
      modelPerS: Math.round((n * 1000) / (serviceMs + f * (n - 1) * costMs)),
      coordinationShare: Math.min(1, coordinationMs / (n * windowMs))
    };
  });
  return { seed, rows };
}

/** Rows as chart points: simulated, linear ideal and the closed-form model. */
export function scalabilityPoints(rows: readonly ScalabilityRow[]): { points: XyPoint[]; lines: XyPoint[] } {
  return {
    points: rows.map((r) => ({ series: 'simulated cluster', x: r.servers, y: r.throughputPerS })),
    lines: [
      ...rows.map((r) => ({ series: 'ideal: n × one server', x: r.servers, y: r.linearPerS })),
      ...rows.map((r) => ({ series: 'model n / (s + f(n−1)c)', x: r.servers, y: r.modelPerS }))
    ]
  };
}
