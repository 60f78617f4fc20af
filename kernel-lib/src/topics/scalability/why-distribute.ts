// Why distribute: replicas for availability, regions for latency, services for deploys.
import { simulation } from '../../simulation/simulation';
import { monteCarlo } from '../../experiments/montecarlo';
import { lognormalLatency } from '../../world/net/latency';
import { checkInteger, checkNumber, checkProbability, checkSeed, invalid, rejectUnknownKeys } from '../../core/options';
import type { AvailabilityPoint } from '../quorum/quorum-availability';

export interface ReplicaAvailabilityOptions {
  /** Numbers of interchangeable servers. Default [1, 2, 3]. */
  serverCounts?: readonly number[];
  /** Probability that one server is up at a given moment, each. Default [0.9, 0.99]. */
  serverUpProbabilities?: readonly number[];
  /** Runs per point. Default 2000. */
  seeds?: number;
}

/**
 * A client asks every server; the system is available if any one answers. Servers are down
 * independently (crashed before the request). Simulated points for `availabilityChart` with
 * `quorum: 'one'`.
 */
export function replicaAvailabilityExperiment(options: ReplicaAvailabilityOptions = {}): AvailabilityPoint[] {
  rejectUnknownKeys('replicaAvailabilityExperiment', options, ['serverCounts', 'serverUpProbabilities', 'seeds']);
  const counts = options.serverCounts ?? [1, 2, 3];
  const ps = options.serverUpProbabilities ?? [0.9, 0.99];
  if (!Array.isArray(counts) || counts.length === 0) invalid('serverCounts', counts, 'a non-empty array of integers 1..20');
  if (!Array.isArray(ps) || ps.length === 0) invalid('serverUpProbabilities', ps, 'a non-empty array of probabilities');
  counts.forEach((n, i) => checkInteger(`serverCounts[${i}]`, n, 1, 20));
  ps.forEach((p, i) => checkProbability(`serverUpProbabilities[${i}]`, p));
  const seeds = checkInteger('seeds', options.seeds ?? 2000, 10, 100_000);
  const result = monteCarlo({
    seeds,
    grid: { n: [...counts], p: [...ps] },
    run: ({ seed, params }) => {
      const sim = simulation({ seed, trace: false });
      const servers = Array.from({ length: params.n }, (_, i) => `server${i + 1}`);
      sim.node('client', {
        state: () => ({ answered: false }),
        start(ctx) {
          for (const s of servers) ctx.send(s, 'get');
        },
        onMessage(ctx) {
          ctx.state.answered = true;
        }
      });
      sim.nodesOf(servers, { onMessage(ctx, msg) { ctx.send(msg.from, 'ok'); } });
      for (const s of servers) if (!sim.random.chance(params.p)) sim.crash(s);
      sim.run({ untilMs: 100 });
      return sim.stateOf('client').answered as boolean;
    }
  });
  return result.rows.map((r) => ({ nodeCount: r.params.n, nodeAvailability: r.params.p, availability: r.mean, low: r.ciLow, high: r.ciHigh }));
}

export interface UserLatencyOptions {
  /** Round trip from the user to each server location, in ms. Default { 'US server': 20, 'Europe server': 100, 'Asia server': 200 } (the course's numbers, for a US user). */
  regionRttMs?: Record<string, number>;
  /** Requests per region. Default 500. */
  requests?: number;
  /** Seed. Default 1. */
  seed?: number;
}

/** A user in the US sends requests to servers in several regions; returns the simulated round trips per region. */
export function userLatencyExperiment(options: UserLatencyOptions = {}): { seed: number; samplesMs: Record<string, number[]> } {
  rejectUnknownKeys('userLatencyExperiment', options, ['regionRttMs', 'requests', 'seed']);
  const regions = options.regionRttMs ?? { 'US server': 20, 'Europe server': 100, 'Asia server': 200 };
  if (regions === null || typeof regions !== 'object' || Object.keys(regions).length === 0) invalid('regionRttMs', regions, 'an object of region name to round trip in ms');
  for (const [name, rtt] of Object.entries(regions)) checkNumber(`regionRttMs.${name}`, rtt, 0.001, 10_000, 'ms');
  const requests = checkInteger('requests', options.requests ?? 500, 1, 100_000);
  const seed = checkSeed(options.seed);
  const names = Object.keys(regions);
  const sim = simulation({ seed, trace: false });
  sim.node('user', {
    state: () => ({ rtts: {} as Record<string, number[]> }),
    start(ctx) {
      for (const r of names) ctx.state.rtts[r] = [];
      for (let i = 0; i < requests; i++) ctx.setTimer('ask', i * 10);
    },
    onTimer(ctx) {
      for (const r of names) ctx.send(r, 'get', ctx.timeMs);
    },
    onMessage(ctx, msg) {
      ctx.state.rtts[msg.from].push(ctx.timeMs - msg.body);
    }
  });
  sim.nodesOf(names, { onMessage(ctx, msg) { ctx.send(msg.from, 'ok', msg.body); } });
  // Each direction is half the round trip, with a lognormal tail (p99 = 1.5 × median).
  for (const r of names) sim.link('user', r, { latency: lognormalLatency({ medianMs: regions[r] / 2, p99Ms: (regions[r] / 2) * 1.5 }) });
  sim.run({ eventsMax: 10_000_000 });
  return { seed, samplesMs: sim.stateOf('user').rtts };
}

export interface DeployWaitOptions {
  /** Teams working on the product. Default 8. */
  teams?: number;
  /** Changes each team finishes per week. Default 3. */
  changesPerTeamPerWeek?: number;
  /** Monolith: a release train leaves every this many hours. Default 168 h (weekly). */
  trainIntervalHours?: number;
  /** Monolith: chance that one change breaks the train, so everything waits for the next one. Default 0.02. */
  breakProbability?: number;
  /** Microservices: time for a team's own pipeline to deploy a change, in hours. Default 1 h. */
  pipelineHours?: number;
  /** Simulated weeks. Default 12. */
  weeks?: number;
  /** Seed. Default 1. */
  seed?: number;
}

/**
 * The organisational reason, as a queue: teams finish changes at random times. In a monolith
 * every change waits for the shared release train, and one broken change holds back all of
 * them; with independent services each team ships through its own pipeline.
 */
export function deployWaitExperiment(options: DeployWaitOptions = {}): { seed: number; monolithMeanWaitHours: number; microservicesMeanWaitHours: number; changes: number } {
  rejectUnknownKeys('deployWaitExperiment', options, ['teams', 'changesPerTeamPerWeek', 'trainIntervalHours', 'breakProbability', 'pipelineHours', 'weeks', 'seed']);
  const teams = checkInteger('teams', options.teams ?? 8, 1, 200);
  const rate = checkNumber('changesPerTeamPerWeek', options.changesPerTeamPerWeek ?? 3, 0.01, 1000, '/week');
  const trainH = checkNumber('trainIntervalHours', options.trainIntervalHours ?? 168, 0.1, 10_000, 'h');
  const breakP = checkProbability('breakProbability', options.breakProbability ?? 0.02);
  const pipelineH = checkNumber('pipelineHours', options.pipelineHours ?? 1, 0, 10_000, 'h');
  const weeks = checkInteger('weeks', options.weeks ?? 12, 1, 520);
  const seed = checkSeed(options.seed);
  const H = 3_600_000;
  const endMs = weeks * 168 * H;
  const sim = simulation({ seed, trace: false });
  const teamNames = Array.from({ length: teams }, (_, i) => `team${i + 1}`);
  sim.node('release', {
    state: () => ({ waiting: [] as number[], broken: false, monolithWaitsMs: [] as number[] }),
    start(ctx) { ctx.setTimer('train', trainH * H); },
    onMessage(ctx, msg) {
      ctx.state.waiting.push(ctx.timeMs);
      if (ctx.random() < breakP) ctx.state.broken = true;
    },
    onTimer(ctx) {
      // A broken change is reverted during this train; everyone waits for the next one.
      if (ctx.state.broken) ctx.state.broken = false;
      else {
        for (const t of ctx.state.waiting) ctx.state.monolithWaitsMs.push(ctx.timeMs - t);
        ctx.state.waiting = [];
      }
      if (ctx.timeMs + trainH * H <= endMs + trainH * H * 4) ctx.setTimer('train', trainH * H);
    }
  });
  sim.nodesOf(teamNames, {
    state: () => ({ ownWaitsMs: [] as number[] }),
    start(ctx) { ctx.setTimer('change', -Math.log(1 - ctx.random()) * (168 * H) / rate); },
    onTimer(ctx) {
      if (ctx.timeMs > endMs) return;
      ctx.send('release', 'change');
      ctx.state.ownWaitsMs.push(pipelineH * H);
      ctx.setTimer('change', -Math.log(1 - ctx.random()) * (168 * H) / rate);
    }
  });
  for (const t of teamNames) sim.link(t, 'release', { latency: 0 });
  sim.run({ untilMs: endMs + trainH * H * 4, eventsMax: 5_000_000 });
  const mono: number[] = sim.stateOf('release').monolithWaitsMs;
  const micro = teamNames.flatMap((t) => sim.stateOf(t).ownWaitsMs as number[]);
  const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
  return { seed, monolithMeanWaitHours: mean(mono) / H, microservicesMeanWaitHours: mean(micro) / H, changes: micro.length };
}
