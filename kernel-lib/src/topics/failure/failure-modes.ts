// Failure modes (crash, omission, timing, byzantine) as a client sees them.
import { simulation } from '../../simulation/simulation';
import { monteCarlo } from '../../experiments/montecarlo';
import { lognormalLatency } from '../../world/net/latency';
import { parseNumber, choiceOption, numberListOption, declareOptions, integerOption, numberOption, probabilityOption, seedOption, type OptionsOf } from '../../core/options';
import type { Trace } from '../../trace/recorder';
import type { XyPoint } from '../../experiments/points';

/** The four failure modes of the course, plus a healthy run to compare. */
export type FailureMode = 'none' | 'crash' | 'omission' | 'timing' | 'byzantine';
export const FAILURE_MODES: readonly FailureMode[] = ['none', 'crash', 'omission', 'timing', 'byzantine'];

export const FAILURE_MODE_OPTIONS = declareOptions('failureModeExperiment', {
  mode: choiceOption(FAILURE_MODES, { doc: 'Which failure to inject', default: 'crash' }),
  requests: integerOption({ doc: 'Requests the client sends', min: 1, max: 1000, default: 8 }),
  intervalMs: numberOption({ doc: 'Time between requests', min: 0.1, max: 1e6, unit: 'ms', default: 20 }),
  timeoutMs: numberOption({ doc: 'How long the client waits for a reply', min: 0.1, max: 1e6, unit: 'ms', default: 10 }),
  faultAtMs: numberOption({ doc: 'When the fault starts', min: 0, max: 1e9, unit: 'ms', default: 70 }),
  dropProbability: probabilityOption({ doc: 'omission: probability that a message is lost', default: 0.4 }),
  extraDelayMs: numberOption({ doc: "timing: extra delay on the server's messages once the fault starts", min: 0, max: 1e6, unit: 'ms', default: 15 }),
  seed: seedOption()
});
export type FailureModeOptions = OptionsOf<typeof FAILURE_MODE_OPTIONS>;

export type RequestOutcome = 'ok' | 'timeout' | 'late reply' | 'wrong answer';

export interface FailureModeResult {
  seed: number;
  mode: FailureMode;
  /** When the fault started, in ms. */
  faultAtMs: number;
  trace: Trace;
  /** One row per request, as the client saw it. */
  outcomes: { request: number; sentMs: number; outcome: RequestOutcome; replyMs: number | null }[];
  counts: Record<RequestOutcome, number>;
}

/**
 * A client asks a server to double numbers, with a timeout. `mode` picks the failure:
 * crash (the server stops), omission (messages lost), timing (replies too slow),
 * byzantine (the server answers, but wrongly). The client's view of each request is recorded.
 */
export function failureModeExperiment(options: FailureModeOptions = {}): FailureModeResult {
  const { mode, requests, intervalMs, timeoutMs, faultAtMs, dropProbability, extraDelayMs, seed } = FAILURE_MODE_OPTIONS.parse(options);
  const sim = simulation({ seed, network: { latency: lognormalLatency({ medianMs: 1, p99Ms: 2 }) } });
  sim.node('client', {
    state: () => ({ outcomes: [] as FailureModeResult['outcomes'] }),
    start(ctx) {
      for (let i = 0; i < requests; i++) ctx.setTimer('send', i * intervalMs, i);
    },
    onTimer(ctx, name, i) {
      if (name === 'send') {
        ctx.state.outcomes[i] = { request: i, sentMs: ctx.timeMs, outcome: 'timeout', replyMs: null };
        ctx.send('server', `double ${i + 1}`, { i, x: i + 1 });
        ctx.setTimer('timeout', timeoutMs, i);
      } else if (ctx.state.outcomes[i].replyMs === null) {
        ctx.log(`timeout #${i}`);
      }
    },
    onMessage(ctx, msg) {
      const row = ctx.state.outcomes[msg.body.i];
      if (row.replyMs !== null) return;
      row.replyMs = ctx.timeMs - row.sentMs;
      if (row.replyMs > timeoutMs) row.outcome = 'late reply';
      else row.outcome = msg.body.y === 2 * (msg.body.i + 1) ? 'ok' : 'wrong answer';
    }
  });
  sim.node('server', {
    onMessage(ctx, msg) {
      ctx.send(msg.from, `= ${2 * msg.body.x}`, { i: msg.body.i, y: 2 * msg.body.x });
    }
  });
  if (mode === 'crash') sim.crash('server', { atMs: faultAtMs });
  if (mode === 'omission') sim.at(faultAtMs, (s) => { s.link('client', 'server', { dropProbability }); });
  if (mode === 'timing') sim.slow('server', { atMs: faultAtMs, extraDelayMs });
  if (mode === 'byzantine') {
    // Lies only after faultAtMs: a plausible number, just not the right one.
    sim.byzantine('server', (m) => (sim.timeMs < faultAtMs ? undefined : [{ to: m.to, type: `= ${m.body.y + 7}`, body: { ...m.body, y: m.body.y + 7 } }]));
  }
  sim.run({ untilMs: requests * intervalMs + timeoutMs + 4 * extraDelayMs + 10 });
  const outcomes: FailureModeResult['outcomes'] = sim.stateOf('client').outcomes;
  const counts: Record<RequestOutcome, number> = { ok: 0, timeout: 0, 'late reply': 0, 'wrong answer': 0 };
  for (const o of outcomes) counts[o.outcome]++;
  return { seed, mode, faultAtMs, trace: sim.trace, outcomes, counts };
}

/** The cases the course lists for "I sent a request and heard nothing". */
export type SilenceCase =
  | 'request lost'
  | 'crashed before processing'
  | 'crashed after processing'
  | 'response lost'
  | 'server just slow'
  | 'response delayed in network';
export const SILENCE_CASES: readonly SilenceCase[] = [
  'request lost',
  'crashed before processing',
  'crashed after processing',
  'response lost',
  'server just slow',
  'response delayed in network'
];

export const NO_RESPONSE_OPTIONS = declareOptions('noResponseExperiment', {
  timeoutMs: numberOption({ doc: 'How long the client waits', min: 1, max: 1e6, unit: 'ms', default: 50 }),
  latencyMs: numberOption({ doc: 'One-way network delay, at most timeoutMs / 4', min: 0.01, max: 1e6, unit: 'ms', default: 5 }),
  processingMs: numberOption({ doc: 'Time the server needs to process a transfer, at most timeoutMs / 4', min: 0.01, max: 1e6, unit: 'ms', default: 10 }),
  seed: seedOption()
});
export type NoResponseOptions = OptionsOf<typeof NO_RESPONSE_OPTIONS>;

export interface NoResponseRow {
  case: SilenceCase;
  /** What the client knows when its timeout fires. */
  clientSawAtTimeout: string;
  /** Ground truth: did the server apply the transfer? */
  serverApplied: boolean;
  /** Did a reply reach the client later (after it gave up)? */
  replyArrivedLate: boolean;
  /** The client's whole record up to the timeout, as text: identical across cases. */
  clientLog: string;
}

/**
 * Six worlds, one client view. In each, a client sends "transfer" and waits `timeoutMs`;
 * something different goes wrong on the server or the network. The table shows the client
 * saw exactly the same thing in all six, while the server's state differs.
 */
export function noResponseExperiment(options: NoResponseOptions = {}): { seed: number; timeoutMs: number; rows: NoResponseRow[]; traces: Record<SilenceCase, Trace> } {
  const { timeoutMs, latencyMs, processingMs, seed } = NO_RESPONSE_OPTIONS.parse(options);
  parseNumber('latencyMs', latencyMs, 0.01, timeoutMs / 4, 'ms');
  parseNumber('processingMs', processingMs, 0.01, timeoutMs / 4, 'ms');
  const rows: NoResponseRow[] = [];
  const traces = {} as Record<SilenceCase, Trace>;
  for (const c of SILENCE_CASES) {
    const sim = simulation({ seed, network: { latency: latencyMs } });
    sim.node('client', {
      state: () => ({ log: [] as string[], late: false, gaveUp: false }),
      start(ctx) {
        ctx.send('server', 'transfer $100');
        ctx.state.log.push('sent transfer');
        ctx.setTimer('timeout', timeoutMs);
      },
      onTimer(ctx) {
        ctx.state.gaveUp = true;
        ctx.state.log.push(`timeout after ${timeoutMs} ms: no reply`);
        ctx.log('gave up');
      },
      onMessage(ctx) {
        if (ctx.state.gaveUp) ctx.state.late = true;
        else ctx.state.log.push('reply');
      }
    });
    sim.node('server', {
      durable: () => ({ applied: 0 }),
      onMessage(ctx) {
        ctx.setTimer('process', c === 'server just slow' ? timeoutMs * 1.5 : processingMs);
      },
      onTimer(ctx, name) {
        if (name === 'process') {
          ctx.durable.applied++;
          ctx.log('applied');
          ctx.setTimer('reply', processingMs / 10);
        } else ctx.send('client', 'done');
      }
    });
    if (c === 'request lost') sim.partition(['client'], ['server'], { oneWay: true, atMs: 0, untilMs: timeoutMs * 3 });
    if (c === 'crashed before processing') sim.crash('server', { atMs: latencyMs + processingMs / 2 });
    if (c === 'crashed after processing') sim.crash('server', { atMs: latencyMs + processingMs + processingMs / 20 });
    if (c === 'response lost') sim.partition(['server'], ['client'], { oneWay: true, atMs: 0, untilMs: timeoutMs * 3 });
    // Only the way back is slow: the reply leaves on time and lands after the client gave up.
    if (c === 'response delayed in network') sim.link('server', 'client', { latency: timeoutMs * 1.5, oneWay: true });
    sim.run({ untilMs: timeoutMs * 3 });
    const client = sim.stateOf('client');
    rows.push({
      case: c,
      clientSawAtTimeout: client.log.join(' → '),
      serverApplied: sim.durableOf('server').applied > 0,
      replyArrivedLate: client.late,
      clientLog: client.log.join('\n')
    });
    traces[c] = sim.trace;
  }
  return { seed, timeoutMs, rows, traces };
}

export const TIMEOUT_SWEEP_OPTIONS = declareOptions('timeoutSweep', {
  timeoutMsList: numberListOption({ doc: 'Timeouts to try', min: 0.01, max: 1e6, unit: 'ms', lengthMax: 200, default: [5, 10, 15, 20, 30, 50, 80, 120] }),
  medianRttMs: numberOption({ doc: 'Median round trip of a healthy server', min: 0.01, max: 1e6, unit: 'ms', default: 10 }),
  p99RttMs: numberOption({ doc: '99th-percentile round trip, at least medianRttMs', min: 0.01, max: 1e6, unit: 'ms', default: 40 }),
  seeds: integerOption({ doc: 'Runs per timeout', min: 10, max: 100_000, default: 1000 })
});
export type TimeoutSweepOptions = OptionsOf<typeof TIMEOUT_SWEEP_OPTIONS>;

/**
 * Choosing a timeout: a healthy server answers with a long-tailed delay. Too short a timeout
 * declares healthy servers dead (false timeouts, and retries that double the load); too long
 * a timeout makes a client wait that long on a server that really died.
 */
export function timeoutSweep(options: TimeoutSweepOptions = {}): { points: XyPoint[]; p50Ms: number; p99Ms: number } {
  const { timeoutMsList: list, medianRttMs: medianMs, p99RttMs: p99Ms, seeds } = TIMEOUT_SWEEP_OPTIONS.parse(options);
  parseNumber('p99RttMs', p99Ms, medianMs, 1e6, 'ms');
  const oneWay = lognormalLatency({ medianMs: medianMs / 2, p99Ms: p99Ms / 2 });
  const result = monteCarlo({
    seeds,
    grid: { timeoutMs: [...list] },
    run: ({ seed, params }) => {
      const sim = simulation({ seed, trace: false, network: { latency: oneWay } });
      sim.node('client', {
        state: () => ({ replied: false }),
        start(ctx) { ctx.send('server', 'get'); },
        onMessage(ctx) { if (ctx.timeMs <= params.timeoutMs) ctx.state.replied = true; }
      });
      sim.node('server', { onMessage(ctx, m) { ctx.send(m.from, 'ok'); } });
      sim.run({ untilMs: params.timeoutMs });
      return { falseTimeout: !sim.stateOf('client').replied };
    }
  });
  const points = result.rows.map((r) => ({ series: 'healthy server declared dead', x: r.params.timeoutMs, y: r.mean, low: r.ciLow, high: r.ciHigh }));
  return { points, p50Ms: medianMs, p99Ms };
}
