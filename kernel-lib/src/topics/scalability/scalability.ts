// Scalability: throughput as servers are added, against the ideal line.
import { simulation } from '../../simulation/simulation';
import { declareOptions, invalid, numberListOption, numberOption, probabilityOption, seedOption, type OptionsOf } from '../../core/options';
import { maxOf } from '../../core/numbers';
import type { XyPoint } from '../../experiments/points';

export const SCALABILITY_OPTIONS = declareOptions('scalabilityExperiment', {
  serverCounts: numberListOption({ doc: 'Cluster sizes to simulate', min: 1, max: 256, integer: true, lengthMax: 32, default: [1, 2, 4, 8, 16, 32, 64] }),
  serviceMs: numberOption({ doc: 'CPU time one request costs a server', min: 0.001, max: 1000, unit: 'ms', default: 0.1, defaultText: "0.1 ms (10,000 requests/s per server, the course's number)" }),
  coordinationFraction: probabilityOption({ doc: 'Fraction of requests that change shared state and must be announced to every other server', default: 0.05 }),
  coordinationCostMs: numberOption({ doc: 'CPU time a server spends applying one announcement from a peer', min: 0, max: 1000, unit: 'ms', default: 0.1 }),
  linkLatencyMs: numberOption({ doc: 'One-way delay between servers', min: 0, max: 1000, unit: 'ms', default: 0.25, defaultText: '0.25 ms (same datacenter)' }),
  windowMs: numberOption({ doc: 'Virtual time measured per cluster size', min: 1, max: 10_000, unit: 'ms', default: 100 }),
  seed: seedOption()
});
export type ScalabilityOptions = OptionsOf<typeof SCALABILITY_OPTIONS>;

export interface ScalabilityRow {
  /** Servers in the cluster. */
  serverCount: number;
  /** Requests completed per second in the simulation. */
  throughputPerS: number;
  /** n × one server's throughput: no coordination at all. */
  linearPerS: number;
  /** Closed form n / (s + f·(n−1)·c), per second. */
  modelPerS: number;
  /** Fraction of CPU time spent on coordination, 0..1 (not the option `coordinationFraction`, the fraction of requests that coordinate). */
  coordinationCpuFraction: number;
}

/**
 * Throughput as servers are added. Each server is saturated with requests; a fraction of
 * them change shared state, so the server broadcasts an update and every peer spends CPU
 * applying it. Work per request grows with the cluster, so throughput bends away from the
 * line n × 10,000/s towards a ceiling of 1 / (f·c).
 */
export function scalabilityExperiment(options: ScalabilityOptions = {}): { seed: number; rows: ScalabilityRow[] } {
  const { serverCounts: counts, serviceMs, coordinationFraction: f, coordinationCostMs: costMs, linkLatencyMs, windowMs, seed } = SCALABILITY_OPTIONS.parse(options);
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
      serverCount: n,
      throughputPerS: Math.round((done * 1000) / windowMs),
      linearPerS: Math.round(n * perServerPerS),
      modelPerS: Math.round((n * 1000) / (serviceMs + f * (n - 1) * costMs)),
      coordinationCpuFraction: Math.min(1, coordinationMs / (n * windowMs))
    };
  });
  return { seed, rows };
}

/** Rows as chart points: simulated, linear ideal and the closed-form model. */
export function scalabilityPoints(rows: readonly ScalabilityRow[]): { points: XyPoint[]; lines: XyPoint[] } {
  return {
    points: rows.map((r) => ({ series: 'simulated cluster', x: r.serverCount, y: r.throughputPerS })),
    lines: [
      ...rows.map((r) => ({ series: 'ideal: n × one server', x: r.serverCount, y: r.linearPerS })),
      ...rows.map((r) => ({ series: 'model n / (s + f(n−1)c)', x: r.serverCount, y: r.modelPerS }))
    ]
  };
}
