// distlab engine benchmark. Runs against the built package (kernel-lib/dist), compares with
// SimPy on the same workloads in the same run, and prints progress lines then, as its LAST
// line, one JSON object with the figures. Usage: node kernel-lib/bench/run.mjs [--quick] [--against <commit>]
// --against <commit> (or DISTLAB_BENCH_AGAINST=<commit>) also compares the engine with its own build at
// that commit, in alternated pairs (against.mjs): `vsBeforeLayout` in the JSON, a median ratio and its 95%
// interval per workload. `npm run bench` passes --against 1b5286b (the build before the layout change).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import vm from 'node:vm';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '..', '..');
const require = createRequire(import.meta.url);
const distlab = require(resolve(here, '..', 'dist', 'index.js'));
const { simulation, lognormalLatency, monteCarlo } = distlab;

const quick = process.argv.includes('--quick');
const againstAt = process.argv.indexOf('--against');
const against = againstAt >= 0 ? process.argv[againstAt + 1] : process.env.DISTLAB_BENCH_AGAINST || undefined;
const scale = quick ? 0.1 : 1;
const log = (line) => console.log(`[bench] ${line}`);
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');

function python() {
  const configured = process.env.DISTLAB_PYTHON ?? resolve(repoRoot, '.venv', 'bin', 'python');
  return existsSync(configured) ? configured : null;
}

function runSimpy(script, args) {
  const py = python();
  if (py === null) return { error: 'no python (set DISTLAB_PYTHON or create .venv with simpy)' };
  const out = spawnSync(py, [resolve(here, script), ...args.map(String)], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (out.status !== 0) return { error: (out.stderr || out.stdout || `exit ${out.status}`).trim().split('\n').pop() };
  return JSON.parse(out.stdout.trim().split('\n').pop());
}

const seconds = (start) => Number(process.hrtime.bigint() - start) / 1e9;

// ---- 1. message passing: N nodes ping random peers every PERIOD ms, pings are acked ----
const GOSSIP = { nodes: 16, periodMs: 1, untilMs: Math.round(20_000 * scale), medianMs: 0.5, sigma: 0.5, dropProbability: 0.01 };

function gossipSimulation(seed, trace, untilMs = GOSSIP.untilMs) {
  const sim = simulation({
    seed,
    trace,
    network: { latency: lognormalLatency({ medianMs: GOSSIP.medianMs, sigma: GOSSIP.sigma }), dropProbability: GOSSIP.dropProbability }
  });
  const spec = {
    start(ctx) {
      ctx.setTimer('tick', GOSSIP.periodMs * ctx.random());
    },
    onTimer(ctx) {
      const peers = ctx.peers;
      ctx.send(peers[Math.floor(ctx.random() * peers.length)], 'ping');
      ctx.setTimer('tick', GOSSIP.periodMs);
    },
    onMessage(ctx, msg) {
      if (msg.type === 'ping') ctx.send(msg.from, 'ack');
    }
  };
  for (let i = 0; i < GOSSIP.nodes; i++) sim.node(`n${i}`, spec);
  return sim;
}

// The same workload written by hand on the engine's own parts (its Rng, normal draws, exp and
// calendar queue, one message object per delivery), with no engine API: how close the engine
// comes to the speed of those parts.
const { Rng } = require(resolve(here, '..', 'dist', 'core', 'rng.js'));
const { exp } = require(resolve(here, '..', 'dist', 'core', 'exp.js'));
const { Agenda } = require(resolve(here, '..', 'dist', 'engine', 'agenda.js'));
class HandMessage {
  constructor(id, from, to, type, sentAtMs) {
    this.id = id;
    this.from = from;
    this.to = to;
    this.type = type;
    this.body = undefined;
    this.sentAtMs = sentAtMs;
    this.duplicate = false;
    this.requestId = undefined;
  }
}
function handWrittenGossip(seed, untilMs) {
  const { nodes, periodMs, medianMs, sigma, dropProbability } = GOSSIP;
  const mu = Math.log(medianMs);
  const queue = new Agenda();
  const net = new Rng(seed, 1);
  const rngs = Array.from({ length: nodes }, (_, i) => new Rng(seed, 1000 + i));
  let now = 0;
  let events = 0;
  let ids = 0;
  const send = (from, to, type) => {
    const delayMs = exp(mu + sigma * net.normal());
    if (net.next() < dropProbability) return;
    queue.push(now + delayMs, 1, to, from, ++ids, now, type, undefined);
  };
  for (let i = 0; i < nodes; i++) queue.push(periodMs * rngs[i].next(), 2, i, 0, 0, 0, 'tick', undefined);
  for (;;) {
    const slot = queue.popSlotUntil(untilMs);
    if (slot < 0) break;
    now = queue.times[slot];
    events++;
    const node = queue.nodes[slot];
    const type = queue.objects[slot];
    queue.objects[slot] = undefined;
    if (queue.kinds[slot] === 1) {
      const msg = new HandMessage(queue.ids[slot], queue.tags[slot], node, type, queue.auxs[slot]);
      if (msg.type === 'ping') send(node, msg.from, 'ack');
    } else {
      let peer = Math.floor(rngs[node].next() * (nodes - 1));
      if (peer >= node) peer++;
      send(node, peer, 'ping');
      queue.push(now + periodMs, 2, node, 0, 0, 0, 'tick', undefined);
    }
  }
  return events;
}

/** Engine and hand-written loop, alternated RUNS times after a warm-up: medians of both. */
function engineAgainstHandWritten(runs) {
  for (let w = 0; w < WARMUPS; w++) handWrittenGossip(97 + w, GOSSIP.untilMs);
  const engine = [];
  const hand = [];
  for (let r = 0; r < runs; r++) {
    const sim = gossipSimulation(1, false);
    let start = process.hrtime.bigint();
    sim.run({ untilMs: GOSSIP.untilMs, eventsMax: 1e9 });
    engine.push((sim.stats.timers + sim.stats.delivered) / seconds(start));
    start = process.hrtime.bigint();
    const events = handWrittenGossip(1, GOSSIP.untilMs);
    hand.push(events / seconds(start));
  }
  const result = { engine: median(engine), handWritten: median(hand) };
  log(`gossip: engine ${(result.engine / 1e6).toFixed(2)} M events/s, the same workload hand-written on the engine's parts ${(result.handWritten / 1e6).toFixed(2)} M events/s (medians of ${runs}, alternated): engine at ${((100 * result.engine) / result.handWritten).toFixed(0)}%`);
  return result;
}

// The machine may be shared and its speed drifts over tens of seconds, so the two sides are
// measured the same way and close in time: after WARMUPS untimed runs of the engine (V8
// optimises and sizes its heap; CPython has no JIT), each SimPy run is bracketed by bursts of
// BURST timed engine runs, and its ratio uses the engine runs just before and after it. The
// reported ratio is the median of those ratios; medians and bests of each side are reported too.
const WARMUPS = quick ? 1 : 3;
const BURST = 3;
const SIMPY_REPEATS = quick ? 1 : 3;
const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Interleave `engineRun` (returns a rate) and `simpyRun` (returns { rate } or { error }). */
function interleaved(name, engineRun, simpyRun) {
  const engineRates = [];
  const burst = () => {
    const rates = [];
    for (let r = 0; r < BURST; r++) rates.push(engineRun(engineRates.length + r + 1));
    engineRates.push(...rates);
    return rates;
  };
  let before = burst();
  const simpyRates = [];
  const ratios = [];
  let error = null;
  for (let r = 0; r < SIMPY_REPEATS; r++) {
    const peer = simpyRun(r + 1);
    if (peer.error) {
      error = peer.error;
      log(`${name} simpy: skipped (${peer.error})`);
      break;
    }
    simpyRates.push(peer.rate);
    const after = burst();
    ratios.push(median([...before, ...after]) / peer.rate);
    log(`${name}: SimPy run ${r + 1} against the ${2 * BURST} engine runs around it: ${ratios.at(-1).toFixed(1)}x`);
    before = after;
  }
  return {
    engineRate: median(engineRates),
    engineBest: Math.max(...engineRates),
    engineRuns: engineRates.length,
    simpyRate: simpyRates.length ? median(simpyRates) : null,
    simpyBest: simpyRates.length ? Math.max(...simpyRates) : null,
    simpyRuns: simpyRates.length,
    ratio: error === null && ratios.length ? median(ratios) : null,
    ratiosAll: ratios
  };
}

function benchGossip() {
  for (let w = 0; w < WARMUPS; w++) gossipSimulation(97 + w, false).run({ untilMs: GOSSIP.untilMs, eventsMax: 1e9 });
  let events = 0;
  let queueEvents = 0;
  let simpyEvents = null;
  const result = interleaved(
    'gossip',
    (run) => {
      const sim = gossipSimulation(1, false);
      const start = process.hrtime.bigint();
      sim.run({ untilMs: GOSSIP.untilMs, eventsMax: 1e9 });
      const wallS = seconds(start);
      events = sim.stats.timers + sim.stats.delivered;
      queueEvents = sim.stats.events;
      log(`gossip distlab run ${run}: ${events} events in ${wallS.toFixed(3)} s = ${(events / wallS / 1e6).toFixed(2)} M events/s`);
      return events / wallS;
    },
    (run) => {
      const peer = runSimpy('simpy_gossip.py', [GOSSIP.nodes, GOSSIP.periodMs, GOSSIP.untilMs, 1]);
      if (peer.error) return peer;
      simpyEvents = peer.events;
      log(`gossip simpy run ${run}: ${peer.events} events in ${peer.wallS.toFixed(3)} s = ${(peer.events / peer.wallS / 1e6).toFixed(3)} M events/s`);
      return { rate: peer.events / peer.wallS };
    }
  );
  const parts = engineAgainstHandWritten(quick ? 3 : 7);
  log(`gossip: distlab ${(result.engineRate / 1e6).toFixed(2)} M events/s (median of ${result.engineRuns}; events = timer fires + deliveries, ${queueEvents} queue events), SimPy ${result.simpyRate === null ? '-' : (result.simpyRate / 1e6).toFixed(3)} M events/s; ratio ${result.ratio === null ? '-' : result.ratio.toFixed(1)}x`);
  return {
    workload: `${GOSSIP.nodes} nodes ping a random peer every ${GOSSIP.periodMs} ms, acked; lognormal(median ${GOSSIP.medianMs} ms, sigma ${GOSSIP.sigma}); loss ${GOSSIP.dropProbability}; ${GOSSIP.untilMs} ms simulated; tracing off`,
    events,
    runs: result.engineRuns,
    warmups: WARMUPS,
    wallS: round(events / result.engineRate),
    eventsPerSec: Math.round(result.engineRate),
    eventsPerSecBest: Math.round(result.engineBest),
    simpyRuns: result.simpyRuns,
    simpyEvents,
    simpyEventsPerSec: result.simpyRate === null ? null : Math.round(result.simpyRate),
    simpyEventsPerSecBest: result.simpyBest === null ? null : Math.round(result.simpyBest),
    ratioVsSimpy: result.ratio === null ? null : round(result.ratio, 1),
    ratiosVsSimpyEachRun: result.ratiosAll.map((r) => round(r, 1)),
    handWrittenEventsPerSec: Math.round(parts.handWritten),
    engineOverHandWritten: round(parts.engine / parts.handWritten, 2)
  };
}

// ---- 2. M/M/1 queue ----
const MM1 = { customers: Math.round(1_000_000 * scale), arrivalsPerMs: 0.9, servicesPerMs: 1.0 };

function mm1Simulation(seed, customers) {
  const sim = simulation({ seed, trace: false });
  sim.node('server', {
    state: () => ({ waiting: [], arrived: 0, served: 0, totalMs: 0 }),
    start(ctx) {
      ctx.setTimer('arrival', -Math.log(1 - ctx.random()) / MM1.arrivalsPerMs);
    },
    onTimer(ctx, name) {
      const s = ctx.state;
      if (name === 'arrival') {
        s.waiting.push(ctx.timeMs);
        if (s.waiting.length - s.served === 1) ctx.setTimer('departure', -Math.log(1 - ctx.random()) / MM1.servicesPerMs);
        if (++s.arrived < customers) ctx.setTimer('arrival', -Math.log(1 - ctx.random()) / MM1.arrivalsPerMs);
      } else {
        s.totalMs += ctx.timeMs - s.waiting[s.served++];
        if (s.waiting.length > s.served) ctx.setTimer('departure', -Math.log(1 - ctx.random()) / MM1.servicesPerMs);
      }
    }
  });
  return sim;
}

function benchMm1() {
  for (let w = 0; w < WARMUPS; w++) mm1Simulation(97 + w, MM1.customers).run({ eventsMax: 1e9 });
  let sim;
  let simpyMeanMs = null;
  // Same customers on both sides: rates are customers per second, so a ratio is SimPy's time over distlab's.
  const result = interleaved(
    'mm1',
    (run) => {
      sim = mm1Simulation(1, MM1.customers);
      const start = process.hrtime.bigint();
      sim.run({ eventsMax: 1e9 });
      const wallS = seconds(start);
      log(`mm1 distlab run ${run}: ${sim.stats.events} events in ${wallS.toFixed(3)} s`);
      return MM1.customers / wallS;
    },
    (run) => {
      const peer = runSimpy('simpy_mm1.py', [MM1.customers, MM1.arrivalsPerMs, MM1.servicesPerMs, 1]);
      if (peer.error) return peer;
      simpyMeanMs = peer.meanTimeInSystemMs;
      log(`mm1 simpy run ${run}: ${peer.served} customers in ${peer.wallS.toFixed(3)} s; mean time in system ${peer.meanTimeInSystemMs.toFixed(2)} ms`);
      return { rate: peer.served / peer.wallS };
    }
  );
  const state = sim.stateOf('server');
  const events = sim.stats.events;
  const wallS = MM1.customers / result.engineRate;
  const meanMs = state.totalMs / state.served;
  log(`mm1: distlab ${state.served} customers, ${events} events in ${wallS.toFixed(3)} s (median) = ${(events / wallS / 1e6).toFixed(2)} M events/s; mean time in system ${meanMs.toFixed(2)} ms (theory ${(1 / (MM1.servicesPerMs - MM1.arrivalsPerMs)).toFixed(2)}); ratio ${result.ratio === null ? '-' : result.ratio.toFixed(1)}x`);
  return {
    workload: `M/M/1, lambda ${MM1.arrivalsPerMs}/ms, mu ${MM1.servicesPerMs}/ms, ${MM1.customers} customers; SimPy peer: Resource + process per customer`,
    events,
    runs: result.engineRuns,
    warmups: WARMUPS,
    wallS: round(wallS),
    eventsPerSec: Math.round(events / wallS),
    eventsPerSecBest: Math.round((events * result.engineBest) / MM1.customers),
    meanTimeInSystemMs: round(meanMs, 3),
    theoryMeanTimeInSystemMs: round(1 / (MM1.servicesPerMs - MM1.arrivalsPerMs), 3),
    simpyRuns: result.simpyRuns,
    simpyWallS: result.simpyRate === null ? null : round(MM1.customers / result.simpyRate),
    simpyMeanTimeInSystemMs: simpyMeanMs === null ? null : round(simpyMeanMs, 3),
    simpyEventsPerSec: result.simpyRate === null ? null : Math.round((events * result.simpyRate) / MM1.customers),
    ratioVsSimpy: result.ratio === null ? null : round(result.ratio, 1),
    ratiosVsSimpyEachRun: result.ratiosAll.map((r) => round(r, 1))
  };
}

// ---- 3. trace memory ----
function benchTraceMemory() {
  const untilMs = Math.round(20_000 * scale);
  gc();
  const before = process.memoryUsage();
  const sim = gossipSimulation(2, true, untilMs);
  const start = process.hrtime.bigint();
  sim.run({ untilMs, eventsMax: 1e9 });
  const wallS = seconds(start);
  gc();
  const after = process.memoryUsage();
  const events = sim.trace.length;
  const bytes = after.heapUsed - before.heapUsed + (after.arrayBuffers - before.arrayBuffers);
  const perEvent = bytes / events;
  log(`trace: ${events} events recorded in ${wallS.toFixed(3)} s (${(events / wallS / 1e6).toFixed(2)} M events/s with tracing on), ${perEvent.toFixed(1)} bytes/event on the heap (columns ${(sim.trace.storageBytes / events).toFixed(1)})`);
  // Reading events back builds objects (with vector stamps): measured on a 100k-event slice.
  const slice = gossipSimulation(3, true, Math.max(200, Math.round(untilMs / 20)));
  slice.run({ untilMs: Math.max(200, Math.round(untilMs / 20)), eventsMax: 1e9 });
  gc();
  const m0 = process.memoryUsage().heapUsed;
  const objects = slice.trace.events();
  gc();
  const m1 = process.memoryUsage().heapUsed;
  const objectBytes = (m1 - m0) / objects.length;
  log(`trace: materialised events (${GOSSIP.nodes}-entry vectors) ${objectBytes.toFixed(0)} bytes/event`);
  return {
    events,
    bytesPerEvent: round(perEvent, 1),
    columnBytesPerEvent: round(sim.trace.storageBytes / events, 1),
    materialisedBytesPerEvent: Math.round(objectBytes),
    tracedEventsPerSec: Math.round(events / wallS)
  };
}

// ---- 4. Monte Carlo: 5-node majority-quorum write under random partitions ----
const QUORUM = { nodes: ['n1', 'n2', 'n3', 'n4', 'n5'], timeoutMs: 50, partitionProbability: 0.5 };

function quorumWrite(trial) {
  const sim = simulation({ seed: trial.seed, trace: trial.trace, network: { latency: 'same-datacenter', dropProbability: 0.01 } });
  const majority = Math.floor(QUORUM.nodes.length / 2) + 1;
  sim.nodesOf(QUORUM.nodes, {
    state: () => ({ acks: 0, request: null, value: null }),
    onMessage(ctx, msg) {
      if (msg.requestId !== undefined) {
        ctx.state.request = msg;
        ctx.state.value = msg.body;
        ctx.state.acks = 1;
        ctx.broadcast('write', msg.body);
        ctx.setTimer('timeout', QUORUM.timeoutMs);
      } else if (msg.type === 'write') {
        ctx.state.value = msg.body;
        ctx.send(msg.from, 'ack');
      } else if (msg.type === 'ack' && ++ctx.state.acks === majority) {
        ctx.respond(ctx.state.request, 'ok');
      }
    },
    onTimer(ctx) {
      if (ctx.state.acks < majority) ctx.respond(ctx.state.request, 'timeout');
    }
  });
  if (sim.random.chance(QUORUM.partitionProbability)) {
    const minority = sim.random.shuffle(QUORUM.nodes.slice()).slice(0, 1 + sim.random.int(2));
    sim.partition(minority);
  }
  const request = sim.request(sim.random.pick(QUORUM.nodes), 'write', trial.seed, { atMs: 1 });
  sim.run({ untilMs: 200, eventsMax: 10_000 });
  return { available: request.response === 'ok', latencyMs: request.response === 'ok' ? request.latencyMs : QUORUM.timeoutMs };
}

function benchMonteCarlo() {
  const seeds = Math.round(10_000 * scale);
  const start = process.hrtime.bigint();
  const result = monteCarlo({ seeds, run: quorumWrite });
  const wallS = seconds(start);
  const available = result.row({}, 'available');
  // P(coordinator on the majority side) = 1 - p * E[minority size]/5 = 1 - 0.5 * 1.5 / 5 = 0.85, less rare losses.
  log(`monte carlo: ${seeds} seeds in ${wallS.toFixed(3)} s; availability ${available.mean.toFixed(4)} [${available.ciLow.toFixed(4)}, ${available.ciHigh.toFixed(4)}] (no-loss theory 0.85)`);
  return {
    workload: `5-node majority-quorum write, random partition (p ${QUORUM.partitionProbability}, minority 1-2 nodes), same-datacenter latency, loss 0.01, timeout ${QUORUM.timeoutMs} ms, tracing off`,
    seeds,
    wallS: round(wallS),
    availability: round(available.mean, 4),
    availabilityCi95: [round(available.ciLow, 4), round(available.ciHigh, 4)]
  };
}

function round(x, digits = 3) {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

const gossip = benchGossip();
const mm1 = benchMm1();
const traceMemory = benchTraceMemory();
const montecarloResult = benchMonteCarlo();
// Optional: the engine against its build at a commit (off unless asked: it compiles that commit).
let vsBeforeLayout;
const WORKLOAD_NAMES = ['gossip', 'mm1', 'traced', 'faults', 'monteCarlo'];
if (against !== undefined) {
  const { compare } = await import('./against.mjs');
  try {
    // Fewer pairs than against.mjs's own default, in as many processes: a process's ratio ranges
    // from about 0.85 to 1.15 with V8's inlining, so a few processes alone can tip the median.
    vsBeforeLayout = await compare({ commit: against, quick, log, processes: quick ? 4 : 12, pairs: quick ? 5 : 9 });
  } catch (error) {
    vsBeforeLayout = { against, error: String(error.message ?? error) };
    log(`against ${against}: ${vsBeforeLayout.error}`);
  }
}
const AGAINST_RATIO_MIN = 0.97;
const againstRatios = vsBeforeLayout === undefined || vsBeforeLayout.error ? [] : WORKLOAD_NAMES.map((name) => vsBeforeLayout[name]?.ratio ?? 0);
const targets = {
  eventsPerSecMin: 2_000_000,
  ratioVsSimpyMin: 20,
  // The engine within 3% of its build before the layout change, every workload (median ratio).
  ...(vsBeforeLayout === undefined ? {} : { vsBeforeLayoutRatioMin: AGAINST_RATIO_MIN, vsBeforeLayoutMet: againstRatios.length > 0 && againstRatios.every((r) => r >= AGAINST_RATIO_MIN) }),
  met:
    gossip.eventsPerSec >= 2_000_000 &&
    mm1.eventsPerSec >= 2_000_000 &&
    (gossip.ratioVsSimpy ?? 0) >= 20 &&
    (mm1.ratioVsSimpy ?? 0) >= 20
};
console.log(
  JSON.stringify({
    bench: 'distlab-engine',
    quick,
    node: process.version,
    python: python(),
    messagePassing: gossip,
    mm1,
    traceMemory,
    monteCarlo: montecarloResult,
    ...(vsBeforeLayout === undefined ? {} : { vsBeforeLayout }),
    targets
  })
);
