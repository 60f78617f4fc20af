// PACELC: synchronous and asynchronous replication, latency against staleness.
import { simulation } from '../../simulation/simulation';
import { lognormalLatency } from '../../world/net/latency';
import { parseNumber, invalid, choiceOption, declareOptions, integerOption, numberListOption, numberOption, seedOption, type OptionsOf } from '../../core/options';
import { round, maxOf } from '../../core/numbers';

export const REPLICATION_RUN_OPTIONS = declareOptions('replicationRun', {
  mode: choiceOption(['sync', 'async'] as const, { doc: "'sync': a write returns after the replica acknowledged it; 'async': right after the local apply", default: 'sync' }),
  replicaRttMs: numberOption({ doc: 'Round trip between primary and replica', min: 0.01, max: 1e5, unit: 'ms', default: 30 }),
  localWriteMs: numberOption({ doc: 'Time to apply a write locally', min: 0, max: 1e5, unit: 'ms', default: 1 }),
  shipIntervalMs: numberOption({ doc: 'Async: the primary ships writes in batches every this many ms', min: 0.01, max: 1e5, unit: 'ms', default: 5 }),
  writes: integerOption({ doc: 'Writes in the run', min: 1, max: 100_000, default: 50 }),
  seed: seedOption()
});
export type ReplicationRunOptions = OptionsOf<typeof REPLICATION_RUN_OPTIONS>;

/**
 * A primary and one replica. Measures the write latency a client sees and how long the
 * replica lags behind the primary (what a read there can miss), per write.
 */
export function replicationRun(options: ReplicationRunOptions = {}): { seed: number; meanWriteLatencyMs: number; meanStalenessMs: number; maxStalenessMs: number } {
  const { mode, replicaRttMs: rttMs, localWriteMs: localMs, shipIntervalMs, writes, seed } = REPLICATION_RUN_OPTIONS.parse(options);
  const sim = simulation({ seed, network: { latency: lognormalLatency({ medianMs: rttMs / 2, sigma: 0.1 }) } });
  const appliedAt = new Map<number, number>();
  const replicaAt = new Map<number, number>();
  const latencies: number[] = [];
  const gapMs = rttMs * 2 + localMs + shipIntervalMs;
  sim.node('primary', {
    state: () => ({ unshipped: [] as number[], waiting: new Map<number, number>() }),
    start(ctx) {
      for (let i = 0; i < writes; i++) ctx.setTimer('write', i * gapMs, i);
      if (mode === 'async') ctx.setTimer('ship', shipIntervalMs);
    },
    onTimer(ctx, name, i) {
      if (name === 'write') {
        ctx.setTimer('applied', localMs, { i, startMs: ctx.timeMs });
      } else if (name === 'applied') {
        appliedAt.set(i.i, ctx.timeMs);
        if (mode === 'sync') {
          ctx.state.waiting.set(i.i, i.startMs);
          ctx.send('replica', 'replicate', [i.i]);
        } else {
          ctx.state.unshipped.push(i.i);
          latencies.push(ctx.timeMs - i.startMs);
        }
      } else if (name === 'ship') {
        if (ctx.state.unshipped.length) ctx.send('replica', 'replicate', ctx.state.unshipped);
        ctx.state.unshipped = [];
        if (appliedAt.size < writes || ctx.state.unshipped.length) ctx.setTimer('ship', shipIntervalMs);
      }
    },
    onMessage(ctx, msg) {
      for (const i of msg.body as number[]) {
        latencies.push(ctx.timeMs - (ctx.state.waiting.get(i) as number));
        ctx.state.waiting.delete(i);
      }
    }
  });
  sim.node('replica', {
    onMessage(ctx, msg) {
      for (const i of msg.body as number[]) replicaAt.set(i, ctx.timeMs);
      if (mode === 'sync') ctx.send('primary', 'ack', msg.body);
    }
  });
  sim.run({ eventsMax: 2_000_000 });
  if (replicaAt.size !== writes || latencies.length !== writes) invalid('writes', writes, 'every write replicated within the run (internal)');
  // Staleness of a write: how long the primary had it while the replica did not. In sync mode
  // the client only learns of success after the replica has it, so an acknowledged write is never missing.
  const stale = [...appliedAt].map(([i, t]) => (mode === 'sync' ? 0 : (replicaAt.get(i) as number) - t));
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return { seed, meanWriteLatencyMs: mean(latencies), meanStalenessMs: mean(stale), maxStalenessMs: maxOf(stale) };
}

export const REPLICATION_SWEEP_OPTIONS = declareOptions('replicationSweep', {
  replicaRttMsList: numberListOption({ doc: 'Round trips to the replica to simulate (same data centre to US↔EU)', min: 0.01, max: 1e5, unit: 'ms', lengthMax: 100, default: [0.5, 10, 30, 70, 100] }),
  localWriteMs: REPLICATION_RUN_OPTIONS.specs.localWriteMs,
  shipIntervalMs: REPLICATION_RUN_OPTIONS.specs.shipIntervalMs,
  seed: seedOption()
});
export type ReplicationSweepOptions = OptionsOf<typeof REPLICATION_SWEEP_OPTIONS>;

/** Both modes over several replica distances: rows for `pacelcChart`, simulated. */
export function replicationSweep(options: ReplicationSweepOptions = {}): { seed: number; rows: ReplicationPoint[] } {
  const { replicaRttMsList: list, localWriteMs, shipIntervalMs, seed } = REPLICATION_SWEEP_OPTIONS.parse(options);
  const rows = list.flatMap((rtt) => {
    const common = { replicaRttMs: rtt, localWriteMs, shipIntervalMs, seed };
    const s = replicationRun({ mode: 'sync', ...common });
    const a = replicationRun({ mode: 'async', ...common });
    return [
      { mode: 'synchronous (PC/EC)', replicaRttMs: rtt, writeLatencyMs: Number(s.meanWriteLatencyMs.toFixed(3)), stalenessMs: 0 },
      { mode: 'asynchronous (PA/EL)', replicaRttMs: rtt, writeLatencyMs: Number(a.meanWriteLatencyMs.toFixed(3)), stalenessMs: Number(a.meanStalenessMs.toFixed(3)) }
    ];
  });
  return { seed, rows };
}

/** One replication setting's cost: write latency and how stale a replica read can be. */
export interface ReplicationPoint {
  mode: string;
  /** Round trip to the replicas, in ms (what varies along each line). */
  replicaRttMs: number;
  /** Latency a client sees for a write, in ms. */
  writeLatencyMs: number;
  /** How far behind a replica read can be, in ms (0 = never stale). */
  stalenessMs: number;
}

export const REPLICATION_TRADEOFF_OPTIONS = declareOptions('replicationTradeoff', {
  replicaRttMsList: numberListOption({ doc: 'Replica round-trip times to evaluate (same data centre to US↔EU)', min: 0, max: 1e6, unit: 'ms', lengthMax: 10_000, default: [0.5, 10, 30, 70, 100] }),
  localWriteMs: numberOption({ doc: 'Time to apply a write locally', min: 0, max: 1e6, unit: 'ms', default: 1 }),
  asyncShipDelayMs: numberOption({ doc: 'Extra delay before an async replica applies a shipped write (batching)', min: 0, max: 1e6, unit: 'ms', default: 5 })
});
export type ReplicationTradeoffOptions = OptionsOf<typeof REPLICATION_TRADEOFF_OPTIONS>;

/**
 * PACELC's "else" branch as numbers. Synchronous: a write waits for the replica's ack
 * (latency = local + RTT) and reads are never stale. Asynchronous: a write returns after the
 * local apply, and a replica lags by ship delay + half an RTT.
 */
export function replicationTradeoff(options: ReplicationTradeoffOptions = {}): { rows: ReplicationPoint[] } {
  const { replicaRttMsList: rtts, localWriteMs: localMs, asyncShipDelayMs: shipMs } = REPLICATION_TRADEOFF_OPTIONS.parse(options);
  const rows = rtts.flatMap((rtt) => [
    { mode: 'synchronous (PC/EC)', replicaRttMs: rtt, writeLatencyMs: round(localMs + rtt), stalenessMs: 0 },
    { mode: 'asynchronous (PA/EL)', replicaRttMs: rtt, writeLatencyMs: round(localMs), stalenessMs: round(shipMs + rtt / 2) }
  ]);
  return { rows };
}
