import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, ts, typeCheckCell } from './helpers/tslab-typescript';

const dist = join(repoRoot, 'kernel-lib', 'dist');

/** What a learner types in a cell: inference through node state, messages, timers, Monte Carlo. */
const USAGE = `
import {
  simulation, lognormalLatency, empiricalLatency, monteCarlo, checkHappenedBefore, checkOneLeaderPerTerm,
  checkConvergence, vectorClock, lamportClock, hybridClock, physicalClock, Message, TraceEvent, MonteCarloRow
} from 'distlab';

const sim = simulation({ seed: 42, network: { latency: 'cross-country', dropProbability: 0.01 }, clocks: { driftPpmMax: 50 } });
sim.node('a', {
  state: () => ({ count: 0, seen: [] as string[] }),
  start(ctx) { ctx.send('b', 'ping', { n: 1 }); ctx.setTimer('tick', 10); },
  onMessage(ctx, msg: Message) { ctx.state.count++; ctx.state.seen.push(msg.type); },
  onTimer(ctx, name) { ctx.log(name, { at: ctx.clockMs() }); }
});
sim.node('b', { onMessage: (ctx, msg) => ctx.send(msg.from, 'pong', msg.body) });
sim.link('a', 'b', { latency: lognormalLatency({ medianMs: 5, p99Ms: 40 }), fifo: true });
sim.link('b', 'a', { latency: empiricalLatency([[50, 1], [99, 9]]) });
sim.partition(['a'], ['b'], { atMs: 100, untilMs: 200, oneWay: true });
sim.crash('b', { atMs: 300, restartAfterMs: 50, keepDurable: false });
sim.pause('a', { atMs: 400, durationMs: 20 });
sim.byzantine('b', (m) => [m, { ...m, body: 'lie' }]);
const result = sim.run({ untilMs: 1000, eventsMax: 10000 });
const ms: number = result.timeMs;
const events: TraceEvent[] = sim.trace.byNode('a');
const n: number = sim.stateOf('a').count;
const ok: boolean = checkHappenedBefore(sim.trace).ok && checkOneLeaderPerTerm(sim.trace).ok && checkConvergence(sim).ok;
const mc = monteCarlo({ seeds: 10, grid: { loss: [0, 0.1] }, run: ({ seed, params, trace }) => {
  const s = simulation({ seed, trace, network: { dropProbability: params.loss } });
  return { ok: s.run().events >= 0, ms: s.timeMs };
} });
const rows: MonteCarloRow[] = mc.rows;
const v = vectorClock('a'); v.tick(); lamportClock().receive(3);
const h = hybridClock(() => physicalClock({ driftPpm: 10 }).readMs(5)).tick();
console.log(ms, events.length, n, ok, rows.length, v.vector, h.wallMs);
`;

describe('public API under TypeScript 5.0 (tslab)', () => {
  beforeAll(() => {
    // The same build as set-up's: tsc, then the option docs written into the declarations, so
    // the kernel's Shift-Tab keeps them after this test and the documented .d.ts is what compiles.
    execFileSync(process.execPath, [join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(repoRoot, 'kernel-lib', 'tsconfig.json')], { stdio: 'pipe' });
    execFileSync(process.execPath, [join(repoRoot, 'kernel-lib', 'scripts', 'option-docs.cjs')], { stdio: 'pipe' });
  }, 120_000);

  it("the declarations carry each option's doc, range and default, where Shift-Tab reads them", () => {
    const declarations = readFileSync(join(dist, 'simulation', 'node-api.d.ts'), 'utf8');
    expect(declarations).not.toMatch(/export type SimulationOptions = OptionsOf</);
    expect(declarations).toMatch(/\/\*\* Seed of every random choice: the same seed replays the same run, byte for byte\. Allowed: an integer 0\.\.9007199254740991\. Default 1\. \*\/\n\s+seed\?:/);
  });

  it('compiles dist/*.d.ts and a learner-style cell without errors', () => {
    expect(ts.version).toMatch(/^5\.0\./);
    const text = typeCheckCell(USAGE, mkdtempSync(join(tmpdir(), 'distlab-types-')), dist);
    expect(text).toEqual([]);
  });
});
