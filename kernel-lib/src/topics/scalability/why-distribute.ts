// Why distribute: replicas for availability, regions for latency, services for deploys.
import { simulation } from '../../simulation/simulation';
import { monteCarlo } from '../../experiments/montecarlo';
import { lognormalLatency } from '../../world/net/latency';
import { parseNumber, customOption, declareOptions, integerOption, invalid, numberListOption, numberOption, probabilityOption, seedOption, type OptionsOf } from '../../core/options';
import type { AvailabilityPoint } from '../quorum/quorum-availability';

export const REPLICA_AVAILABILITY_OPTIONS = declareOptions('replicaAvailabilityExperiment', {
  serverCounts: numberListOption({ doc: 'Numbers of interchangeable servers', min: 1, max: 20, integer: true, lengthMax: 20, default: [1, 2, 3] }),
  serverUpProbabilities: numberListOption({ doc: 'Probability that one server is up at a given moment, each', min: 0, max: 1, lengthMax: 20, default: [0.9, 0.99] }),
  seeds: integerOption({ doc: 'Runs per point', min: 10, max: 100_000, default: 2000 })
});
export type ReplicaAvailabilityOptions = OptionsOf<typeof REPLICA_AVAILABILITY_OPTIONS>;

/**
 * A client asks every server; the system is available if any one answers. Servers are down
 * independently (crashed before the request). Simulated points for `availabilityChart` with
 * `quorum: 'one'`.
 */
export function replicaAvailabilityExperiment(options: ReplicaAvailabilityOptions = {}): AvailabilityPoint[] {
  const { serverCounts: counts, serverUpProbabilities: ps, seeds } = REPLICA_AVAILABILITY_OPTIONS.parse(options);
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

const REGION_RTT_EXPECTED = 'an object of region name to round trip in ms';

export const USER_LATENCY_OPTIONS = declareOptions('userLatencyExperiment', {
  regionRttMs: customOption<Record<string, number>>({
    doc: 'Round trip from the user to each server location, in ms, each 0.001..10000 ms',
    expected: REGION_RTT_EXPECTED,
    default: { 'US server': 20, 'Europe server': 100, 'Asia server': 200 },
    defaultText: "{ 'US server': 20, 'Europe server': 100, 'Asia server': 200 } (the course's numbers, for a US user)",
    parse: (name, value) => {
      if (value === null || typeof value !== 'object' || Array.isArray(value) || Object.keys(value).length === 0) invalid(name, value, REGION_RTT_EXPECTED);
      for (const [region, rtt] of Object.entries(value)) parseNumber(`${name}.${region}`, rtt, 0.001, 10_000, 'ms');
      return value as Record<string, number>;
    }
  }),
  requests: integerOption({ doc: 'Requests per region', min: 1, max: 100_000, default: 500 }),
  seed: seedOption()
});
export type UserLatencyOptions = OptionsOf<typeof USER_LATENCY_OPTIONS>;

/** A user in the US sends requests to servers in several regions; returns the simulated round trips per region. */
export function userLatencyExperiment(options: UserLatencyOptions = {}): { seed: number; samplesMs: Record<string, number[]> } {
  const { regionRttMs: regions, requests, seed } = USER_LATENCY_OPTIONS.parse(options);
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

export const DEPLOY_WAIT_OPTIONS = declareOptions('deployWaitExperiment', {
  teamCount: integerOption({ doc: 'Teams working on the product', min: 1, max: 200, default: 8 }),
  changesPerTeamPerWeek: numberOption({ doc: 'Changes each team finishes per week', min: 0.01, max: 1000, unit: '/week', default: 3 }),
  trainIntervalHours: numberOption({ doc: 'Monolith: a release train leaves every this many hours', min: 0.1, max: 10_000, unit: 'h', default: 168, defaultText: '168 h (weekly)' }),
  breakProbability: probabilityOption({ doc: 'Monolith: chance that one change breaks the train, so everything waits for the next one', default: 0.02 }),
  pipelineHours: numberOption({ doc: "Microservices: time for a team's own pipeline to deploy a change", min: 0, max: 10_000, unit: 'h', default: 1 }),
  weeks: integerOption({ doc: 'Simulated weeks', min: 1, max: 520, default: 12 }),
  seed: seedOption()
});
export type DeployWaitOptions = OptionsOf<typeof DEPLOY_WAIT_OPTIONS>;

/**
 * The organisational reason, as a queue: teams finish changes at random times. In a monolith
 * every change waits for the shared release train, and one broken change holds back all of
 * them; with independent services each team ships through its own pipeline.
 */
export function deployWaitExperiment(options: DeployWaitOptions = {}): { seed: number; monolithMeanWaitHours: number; microservicesMeanWaitHours: number; changes: number } {
  const { teamCount: teams, changesPerTeamPerWeek: rate, trainIntervalHours: trainH, breakProbability: breakP, pipelineHours: pipelineH, weeks, seed } = DEPLOY_WAIT_OPTIONS.parse(options);
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
