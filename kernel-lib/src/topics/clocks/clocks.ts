// Clocks: physical clock drift and skew, and Lamport and vector clocks on real runs.
import { LamportClock } from '../../world/clocks/logical';
import { simulation } from '../../simulation/simulation';
import { lognormalLatency } from '../../world/net/latency';
import { declareOptions, integerOption, invalid, numberListOption, numberOption, seedOption, type OptionsOf } from '../../core/options';
import { maxOf, minOf } from '../../core/numbers';
import type { Trace } from '../../trace/recorder';
import type { ClockOffsetData, ClockOffsetSample } from './clock-offsets';
import type { XyPoint } from '../../experiments/points';

export const CLOCK_DRIFT_OPTIONS = declareOptions('clockDriftExperiment', {
  nodeCount: integerOption({ doc: 'Nodes', min: 1, max: 12, default: 4 }),
  driftPpmMax: numberOption({ doc: "Each node's drift is drawn uniformly in ±driftPpmMax (50 ppm is ordinary quartz)", min: 0, max: 10_000, unit: 'ppm', default: 50 }),
  offsetMsMax: numberOption({ doc: "Each node's initial offset is drawn in ±offsetMsMax", min: 0, max: 1e6, unit: 'ms', default: 5 }),
  syncIntervalMin: numberOption({ doc: 'NTP-like sync period; 0 for never', min: 0, max: 1e5, unit: 'min', default: 30 }),
  syncErrorMs: numberOption({ doc: 'Error left by each sync (NTP over the internet: tens of ms; 2 ms is a good LAN)', min: 0, max: 1e6, unit: 'ms', default: 2 }),
  hours: numberOption({ doc: 'Length of the run', min: 0.05, max: 48, unit: 'h', default: 3 }),
  seed: seedOption()
});
export type ClockDriftOptions = OptionsOf<typeof CLOCK_DRIFT_OPTIONS>;

/**
 * Node clocks in the simulator drift and are stepped back by periodic syncs. Each node reads
 * its own clock every minute; the offsets (clock − true time) are returned for
 * `clockOffsetChart`, with the largest skew between two nodes.
 */
export function clockDriftExperiment(options: ClockDriftOptions = {}): ClockOffsetData & { seed: number; maxSkewMs: number; driftPpm: Record<string, number> } {
  const { nodeCount: n, driftPpmMax, offsetMsMax, syncIntervalMin: syncMin, syncErrorMs, hours, seed } = CLOCK_DRIFT_OPTIONS.parse(options);
  const sim = simulation({
    seed,
    trace: false,
    clocks: { offsetMsMax, driftPpmMax, syncErrorMs, ...(syncMin > 0 ? { syncIntervalMs: syncMin * 60_000 } : {}) }
  });
  const names = Array.from({ length: n }, (_, i) => `n${i + 1}`);
  const endMs = hours * 3_600_000;
  const sampleMs = Math.max(60_000, endMs / 300);
  const samples: ClockOffsetSample[] = [];
  // Sampling from true time (sim.at) so every node is read at the same instants; the run
  // stops just before `endMs` so a sync falling exactly there is not drawn as a last step.
  for (let t = 0; t < endMs; t += sampleMs) {
    sim.at(t, (s) => {
      for (const name of names) samples.push({ node: name, timeMs: t, offsetMs: Number((s.clockOf(name).readMs(t) - t).toFixed(4)) });
    });
  }
  const syncs: { node: string; timeMs: number }[] = [];
  if (syncMin > 0) {
    for (let t = syncMin * 60_000; t < endMs; t += syncMin * 60_000) {
      // Read just before and at the sync so the chart shows the step.
      sim.at(t - 1e-6, (s) => { for (const name of names) samples.push({ node: name, timeMs: t, offsetMs: Number((s.clockOf(name).readMs(t - 1e-6) - t).toFixed(4)) }); });
      sim.at(t, (s) => { for (const name of names) { samples.push({ node: name, timeMs: t, offsetMs: Number((s.clockOf(name).readMs(t) - t).toFixed(4)) }); syncs.push({ node: name, timeMs: t }); } });
    }
  }
  sim.nodesOf(names, {});
  sim.run({ untilMs: endMs });
  samples.sort((a, b) => a.timeMs - b.timeMs);
  let maxSkewMs = 0;
  const byTime = new Map<number, number[]>();
  for (const s of samples) byTime.set(s.timeMs, [...(byTime.get(s.timeMs) ?? []), s.offsetMs]);
  for (const offsets of byTime.values()) maxSkewMs = Math.max(maxSkewMs, maxOf(offsets) - minOf(offsets));
  const driftPpm: Record<string, number> = {};
  for (const name of names) driftPpm[name] = Number(sim.clockOf(name).driftPpm.toFixed(1));
  return { seed, samples, syncs, maxSkewMs, driftPpm };
}

export const SERVER_AB_OPTIONS = declareOptions('serverABExperiment', {
  skewMs: numberOption({ doc: "How far Server B's clock is ahead of Server A's (the course's example: 2 ms)", min: -1e6, max: 1e6, unit: 'ms', default: 2 }),
  sendAtMs: numberOption({ doc: 'True time A sends the request, in ms after 10:00:00.000', min: 0, max: 1e6, unit: 'ms', default: 1 }),
  requestDelayMs: numberOption({ doc: "One-way delay A → B (0 makes the stamps match the course's: .001, .003, .004, .005)", min: 0, max: 1e6, unit: 'ms', default: 0 }),
  processingMs: numberOption({ doc: "B's processing time", min: 0, max: 1e6, unit: 'ms', default: 1 }),
  responseDelayMs: numberOption({ doc: 'One-way delay B → A', min: 0, max: 1e6, unit: 'ms', default: 3 })
});
export type ServerABOptions = OptionsOf<typeof SERVER_AB_OPTIONS>;

export interface StampedEvent {
  event: string;
  node: string;
  /** True (omniscient) time, ms after 10:00:00.000. */
  trueMs: number;
  /** What the node's own clock said, ms after 10:00:00.000. */
  stampMs: number;
  lamport: number;
}

/**
 * The course's two-server picture, run in the simulator: A sends a request to B, B answers.
 * B's clock runs `skewMs` ahead. The stamps make the request look slower and the response
 * faster than they were; Lamport stamps keep the causal order.
 */
export function serverABExperiment(options: ServerABOptions = {}): { trace: Trace; events: StampedEvent[]; apparentRequestMs: number; apparentResponseMs: number; trueRequestMs: number; trueResponseMs: number } {
  const { skewMs, sendAtMs, requestDelayMs, processingMs, responseDelayMs } = SERVER_AB_OPTIONS.parse(options);
  const sim = simulation({ seed: 1 });
  const events: StampedEvent[] = [];
  const lamport = { A: new LamportClock(), B: new LamportClock() };
  const stamp = (event: string, node: 'A' | 'B', ctx: { timeMs: number; clockMs(): number }, l: number) =>
    events.push({ event, node: `Server ${node}`, trueMs: Number(ctx.timeMs.toFixed(6)), stampMs: Number(ctx.clockMs().toFixed(6)), lamport: l });
  sim.node('Server A', {
    clock: { offsetMs: 0 },
    start(ctx) { ctx.setTimer('send', sendAtMs); },
    onTimer(ctx) {
      const l = lamport.A.tick();
      stamp('request sent', 'A', ctx, l);
      ctx.send('Server B', 'request', l);
    },
    onMessage(ctx, msg) { stamp('response received', 'A', ctx, lamport.A.receive(msg.body)); }
  });
  sim.node('Server B', {
    clock: { offsetMs: skewMs },
    onMessage(ctx, msg) {
      stamp('request received', 'B', ctx, lamport.B.receive(msg.body));
      ctx.setTimer('reply', processingMs);
    },
    onTimer(ctx) {
      const l = lamport.B.tick();
      stamp('response sent', 'B', ctx, l);
      ctx.send('Server A', 'response', l);
    }
  });
  sim.link('Server A', 'Server B', { latency: requestDelayMs, oneWay: true });
  sim.link('Server B', 'Server A', { latency: responseDelayMs, oneWay: true });
  sim.run();
  const by = (e: string) => events.find((x) => x.event === e) as StampedEvent;
  return {
    trace: sim.trace,
    events,
    apparentRequestMs: by('request received').stampMs - by('request sent').stampMs,
    apparentResponseMs: by('response received').stampMs - by('response sent').stampMs,
    trueRequestMs: by('request received').trueMs - by('request sent').trueMs,
    trueResponseMs: by('response received').trueMs - by('response sent').trueMs
  };
}

export const TRADING_OPTIONS = declareOptions('tradingClockSkewExperiment', {
  skewMs: numberOption({ doc: "How far New Jersey's clock runs behind Chicago's (the story: 47 ms)", min: 0, max: 1e6, unit: 'ms', default: 47 }),
  trades: integerOption({ doc: 'Trades executed in Chicago', min: 1, max: 100_000, default: 200 }),
  meanGapMs: numberOption({ doc: 'Mean time between trades', min: 0.01, max: 1e6, unit: 'ms', default: 20 }),
  networkDelayMs: numberOption({ doc: 'Median one-way delay Chicago → New Jersey', min: 0.01, max: 1e6, unit: 'ms', default: 6.5 }),
  hedgeProcessingMs: numberOption({ doc: 'Time New Jersey takes to place the hedge', min: 0, max: 1e6, unit: 'ms', default: 1 }),
  seed: seedOption()
});
export type TradingOptions = OptionsOf<typeof TRADING_OPTIONS>;

export interface TradingResult {
  seed: number;
  skewMs: number;
  trades: number;
  /** Hedges that sort before their own trade when events are ordered by wall-clock stamp. */
  misorderedByWallClock: number;
  /** The same with Lamport stamps (always 0: the receive rule puts effects after causes). */
  misorderedByLamport: number;
  /** Hedges a reconciliation that trusts wall-clock order cancels as "duplicates" (a hedge with no earlier trade). */
  cancelledHedges: number;
  trace: Trace;
}

/**
 * The $12 million story as a simulation: Chicago executes trades, each triggers a hedge in
 * New Jersey, whose clock is `skewMs` behind. The reconciliation sorts all events by wall
 * clock, then by Lamport stamp, and counts hedges that land before their trade.
 */
export function tradingClockSkewExperiment(options: TradingOptions = {}): TradingResult {
  const { skewMs, trades, meanGapMs, networkDelayMs: delayMs, hedgeProcessingMs: hedgeMs, seed } = TRADING_OPTIONS.parse(options);
  const sim = simulation({ seed, network: { latency: lognormalLatency({ medianMs: delayMs, p99Ms: delayMs * 1.5 }) } });
  type Ev = { kind: 'trade' | 'hedge'; id: number; wallMs: number; lamport: number; node: string };
  const log: Ev[] = [];
  sim.node('Chicago', {
    state: () => ({ clock: new LamportClock(), next: 0 }),
    start(ctx) { ctx.setTimer('trade', ctx.random() * meanGapMs); },
    onTimer(ctx) {
      const id = ctx.state.next++;
      const l = ctx.state.clock.tick();
      log.push({ kind: 'trade', id, wallMs: ctx.clockMs(), lamport: l, node: 'Chicago' });
      ctx.send('New Jersey', 'hedge please', { id, lamport: l });
      if (ctx.state.next < trades) ctx.setTimer('trade', -Math.log(1 - ctx.random()) * meanGapMs);
    }
  });
  sim.node('New Jersey', {
    clock: { offsetMs: -skewMs },
    state: () => ({ clock: new LamportClock() }),
    onMessage(ctx, msg) {
      ctx.state.clock.receive(msg.body.lamport);
      ctx.setTimer('hedge', hedgeMs, msg.body.id);
    },
    onTimer(ctx, _name, id) {
      log.push({ kind: 'hedge', id, wallMs: ctx.clockMs(), lamport: ctx.state.clock.tick(), node: 'New Jersey' });
    }
  });
  sim.run({ eventsMax: 10_000_000 });
  const misordered = (key: 'wallMs' | 'lamport') => {
    const order = [...log].sort((a, b) => a[key] - b[key] || (a.node < b.node ? -1 : 1));
    const position = new Map(order.map((e, i) => [`${e.kind}${e.id}`, i]));
    let bad = 0;
    for (let id = 0; id < trades; id++) if ((position.get(`hedge${id}`) as number) < (position.get(`trade${id}`) as number)) bad++;
    return bad;
  };
  const wrong = misordered('wallMs');
  if (log.length !== 2 * trades) invalid('trades', trades, 'every trade hedged within the run (internal)');
  return { seed, skewMs, trades, misorderedByWallClock: wrong, misorderedByLamport: misordered('lamport'), cancelledHedges: wrong, trace: sim.trace };
}

export const TRADING_SKEW_SWEEP_OPTIONS = declareOptions('tradingSkewSweep', {
  skewMsList: numberListOption({ doc: 'Clock skews to simulate', min: 0, max: 1e6, unit: 'ms', lengthMax: 200, default: [0, 2, 4, 6, 7, 8, 10, 15, 20, 47] }),
  trades: integerOption({ doc: 'Trades per skew', min: 1, max: 100_000, default: 300 }),
  seed: seedOption()
});
export type TradingSkewSweepOptions = OptionsOf<typeof TRADING_SKEW_SWEEP_OPTIONS>;

/** Share of hedges stamped before their trade, against skew: simulated points. */
export function tradingSkewSweep(options: TradingSkewSweepOptions = {}): { seed: number; points: XyPoint[] } {
  const { skewMsList: list, trades, seed } = TRADING_SKEW_SWEEP_OPTIONS.parse(options);
  const points = list.flatMap((skewMs) => {
    const r = tradingClockSkewExperiment({ skewMs, trades, seed });
    return [
      { series: 'ordered by wall clock', x: skewMs, y: r.misorderedByWallClock / r.trades },
      { series: 'ordered by Lamport stamp', x: skewMs, y: r.misorderedByLamport / r.trades }
    ];
  });
  return { seed, points };
}
