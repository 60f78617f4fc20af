// PACELC: synchronous and asynchronous replication, latency against staleness.
import { simulation } from '../../simulation/simulation';
import { lognormalLatency } from '../../world/net/latency';
import { checkInteger, checkNumber, checkOneOf, checkSeed, invalid, rejectUnknownKeys, checkArray } from '../../core/options';
import { round, maxOf } from '../../core/numbers';

export interface ReplicationRunOptions {
  /** 'sync': a write returns after the replica acknowledged it; 'async': right after the local apply. Default 'sync'. */
  mode?: 'sync' | 'async';
  /** Round trip between primary and replica, in ms. Default 30 ms. */
  replicaRttMs?: number;
  /** Time to apply a write locally, in ms. Default 1 ms. */
  localWriteMs?: number;
  /** Async: the primary ships writes in batches every this many ms. Default 5 ms. */
  shipEveryMs?: number;
  /** Writes in the run. Default 50. */
  writes?: number;
  /** Seed. Default 1. */
  seed?: number;
}

/**
 * A primary and one replica. Measures the write latency a client sees and how long the
 * replica lags behind the primary (what a read there can miss), per write.
 */
export function replicationRun(options: ReplicationRunOptions = {}): { seed: number; meanWriteLatencyMs: number; meanStalenessMs: number; maxStalenessMs: number } {
  rejectUnknownKeys('replicationRun', options, ['mode', 'replicaRttMs', 'localWriteMs', 'shipEveryMs', 'writes', 'seed']);
  const mode = checkOneOf('mode', options.mode ?? 'sync', ['sync', 'async'] as const);
  const rttMs = checkNumber('replicaRttMs', options.replicaRttMs ?? 30, 0.01, 1e5, 'ms');
  const localMs = checkNumber('localWriteMs', options.localWriteMs ?? 1, 0, 1e5, 'ms');
  const shipEveryMs = checkNumber('shipEveryMs', options.shipEveryMs ?? 5, 0.01, 1e5, 'ms');
  const writes = checkInteger('writes', options.writes ?? 50, 1, 100_000);
  const seed = checkSeed(options.seed);
  const sim = simulation({ seed, network: { latency: lognormalLatency({ medianMs: rttMs / 2, sigma: 0.1 }) } });
  const appliedAt = new Map<number, number>();
  const replicaAt = new Map<number, number>();
  const latencies: number[] = [];
  const gapMs = rttMs * 2 + localMs + shipEveryMs;
  sim.node('primary', {
    state: () => ({ unshipped: [] as number[], waiting: new Map<number, number>() }),
    start(ctx) {
      for (let i = 0; i < writes; i++) ctx.setTimer('write', i * gapMs, i);
      if (mode === 'async') ctx.setTimer('ship', shipEveryMs);
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
        if (appliedAt.size < writes || ctx.state.unshipped.length) ctx.setTimer('ship', shipEveryMs);
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

/** Both modes over several replica distances: rows for `pacelcChart`, simulated. */
export function replicationSweep(options: { replicaRttMsList?: readonly number[]; localWriteMs?: number; shipEveryMs?: number; seed?: number } = {}): ReplicationPoint[] {
  rejectUnknownKeys('replicationSweep', options, ['replicaRttMsList', 'localWriteMs', 'shipEveryMs', 'seed']);
  const list = options.replicaRttMsList ?? [0.5, 10, 30, 70, 100];
  if (!Array.isArray(list) || list.length === 0) invalid('replicaRttMsList', list, 'a non-empty array of ms');
  return list.flatMap((rtt) => {
    const common = { replicaRttMs: rtt, localWriteMs: options.localWriteMs, shipEveryMs: options.shipEveryMs, seed: options.seed };
    const clean = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
    const s = replicationRun({ mode: 'sync', ...clean(common) });
    const a = replicationRun({ mode: 'async', ...clean(common) });
    return [
      { mode: 'synchronous (PC/EC)', replicaRttMs: rtt, writeLatencyMs: Number(s.meanWriteLatencyMs.toFixed(3)), stalenessMs: 0 },
      { mode: 'asynchronous (PA/EL)', replicaRttMs: rtt, writeLatencyMs: Number(a.meanWriteLatencyMs.toFixed(3)), stalenessMs: Number(a.meanStalenessMs.toFixed(3)) }
    ];
  });
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

export interface ReplicationTradeoffOptions {
  /** Replica round-trip times to evaluate, in ms. Default: [0.5, 10, 30, 70, 100] (same data centre to US↔EU). */
  replicaRttMsList?: readonly number[];
  /** Time to apply a write locally, in ms. Default: 1 ms. */
  localWriteMs?: number;
  /** Extra delay before an async replica applies a shipped write (batching), in ms. Default: 5 ms. */
  asyncShipDelayMs?: number;
}

/**
 * PACELC's "else" branch as numbers. Synchronous: a write waits for the replica's ack
 * (latency = local + RTT) and reads are never stale. Asynchronous: a write returns after the
 * local apply, and a replica lags by ship delay + half an RTT.
 */
export function replicationTradeoff(options: ReplicationTradeoffOptions = {}): ReplicationPoint[] {
  rejectUnknownKeys('replicationTradeoff', options, ['replicaRttMsList', 'localWriteMs', 'asyncShipDelayMs']);
  const rtts = checkArray<number>('replicaRttMsList', options.replicaRttMsList ?? [0.5, 10, 30, 70, 100], 'a non-empty array of round-trip times in ms');
  rtts.forEach((r, i) => checkNumber(`replicaRttMsList[${i}]`, r, 0, 1e6, 'ms'));
  const localMs = checkNumber('localWriteMs', options.localWriteMs ?? 1, 0, 1e6, 'ms');
  const shipMs = checkNumber('asyncShipDelayMs', options.asyncShipDelayMs ?? 5, 0, 1e6, 'ms');
  return rtts.flatMap((rtt) => [
    { mode: 'synchronous (PC/EC)', replicaRttMs: rtt, writeLatencyMs: round(localMs + rtt), stalenessMs: 0 },
    { mode: 'asynchronous (PA/EL)', replicaRttMs: rtt, writeLatencyMs: round(localMs), stalenessMs: round(shipMs + rtt / 2) }
  ]);
}
