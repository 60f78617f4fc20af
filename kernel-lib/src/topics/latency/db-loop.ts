// Latency: a loop of database calls, sequential, batched or parallel.
import { simulation } from '../../simulation/simulation';
import { choiceOption, declareOptions, integerOption, numberOption, seedOption, type OptionsOf } from '../../core/options';
import type { Trace } from '../../trace/recorder';

export type CallStrategy = 'sequential' | 'batched' | 'parallel';
export const CALL_STRATEGIES: readonly CallStrategy[] = ['sequential', 'batched', 'parallel'];

export const DB_LOOP_OPTIONS = declareOptions('dbLoopExperiment', {
  calls: integerOption({ doc: 'Database calls one user request needs', min: 1, max: 10_000, default: 100, defaultText: "100 (the course's loop)" }),
  callRttMs: numberOption({ doc: 'Round trip of one call to the database', min: 0.000001, max: 1e6, unit: 'ms', default: 1 }),
  strategy: choiceOption(CALL_STRATEGIES, { doc: 'How the calls are made', default: 'sequential', defaultText: "'sequential' (a loop that awaits each call)" }),
  batchSize: integerOption({ doc: 'Calls per round trip when batching', min: 1, max: 10_000, default: 10 }),
  seed: seedOption({ doc: 'Seed (the network here is constant-latency, so it only names the run)' })
});
export type DbLoopOptions = OptionsOf<typeof DB_LOOP_OPTIONS>;

/**
 * An app server answers one user request by querying a database `calls` times over the
 * network: one call after another, in batches, or all at once. Returns the request's
 * latency measured in the simulation and its trace.
 */
export function dbLoopExperiment(options: DbLoopOptions = {}): { seed: number; strategy: CallStrategy; calls: number; roundTrips: number; latencyMs: number; trace: Trace } {
  const { calls, callRttMs: rttMs, strategy, batchSize, seed } = DB_LOOP_OPTIONS.parse(options);
  const sim = simulation({ seed, network: { latency: rttMs / 2 } });
  const perMessage = strategy === 'sequential' ? 1 : strategy === 'batched' ? batchSize : calls;
  sim.node('app', {
    state: () => ({ answered: 0, inFlight: 0, roundTrips: 0, doneMs: NaN }),
    start(ctx) {
      if (strategy === 'parallel') {
        for (let i = 0; i < calls; i++) ctx.send('db', 'query', 1);
        ctx.state.inFlight = calls;
        ctx.state.roundTrips = 1;
      } else {
        const n = Math.min(perMessage, calls);
        ctx.send('db', n === 1 ? 'query' : `query ×${n}`, n);
        ctx.state.inFlight = 1;
        ctx.state.roundTrips = 1;
      }
    },
    onMessage(ctx, msg) {
      ctx.state.answered += msg.body;
      ctx.state.inFlight--;
      if (ctx.state.answered >= calls) {
        ctx.state.doneMs = ctx.timeMs;
        ctx.log('reply to user');
      } else if (strategy !== 'parallel') {
        const n = Math.min(perMessage, calls - ctx.state.answered);
        ctx.send('db', n === 1 ? 'query' : `query ×${n}`, n);
        ctx.state.roundTrips++;
      }
    }
  });
  sim.node('db', { onMessage(ctx, msg) { ctx.send(msg.from, 'rows', msg.body); } });
  sim.run({ eventsMax: 1_000_000 });
  const app = sim.stateOf('app');
  return { seed, strategy, calls, roundTrips: app.roundTrips, latencyMs: Number(app.doneMs.toFixed(9)), trace: sim.trace };
}
