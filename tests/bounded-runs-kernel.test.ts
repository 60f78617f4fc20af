import { beforeAll, describe, expect, it } from 'vitest';
import { kernelSession, streamText, type StepResult } from './helpers/kernel-session';

const QUORUM = `
function quorum({ seed, params }: dl.Trial) {
  const sim = dl.simulation({ seed, trace: false });
  const replicas = ['r1', 'r2', 'r3', 'r4', 'r5'];
  sim.node('client', { state: () => ({ acks: 0 }), start(ctx) { for (const r of replicas) ctx.send(r, 'write'); }, onMessage(ctx) { ctx.state.acks++; } });
  sim.nodesOf(replicas, { onMessage(ctx, msg) { ctx.send(msg.from, 'ack'); } });
  for (const r of replicas) if (!sim.random.chance(params.p ?? 0.9)) sim.crash(r);
  sim.run({ untilMs: 100 });
  return { available: sim.stateOf('client').acks >= 3, acks: sim.stateOf('client').acks };
}
function storm(inFlightMax?: number) {
  const sim = dl.simulation({ seed: 42, trace: false });
  sim.nodesOf(['a', 'b'], {
    start(ctx) { if (ctx.node === 'a') ctx.send('b', 'x'); },
    onMessage(ctx, msg) { for (let i = 0; i < 1000; i++) ctx.send(msg.from, 'x'); }
  });
  return sim.run({ inFlightMax });
}
'ready'`;

const INTERRUPTED = [
  { kind: 'endless loop', code: 'while (true) {}' },
  { kind: 'fan-out storm with the bound raised', code: 'storm(1e9)' },
  { kind: 'monteCarlo of 10,000,000 runs', code: 'dl.monteCarlo({ seeds: 10_000_000, run: quorum })' },
  { kind: 'monteCarloAsync of 10,000,000 runs', code: 'await dl.monteCarloAsync({ seeds: 10_000_000, run: quorum })', waitFor: 'runs/s' },
  { kind: 'monteCarloAsync whose run never returns', code: 'await dl.monteCarloAsync({ seeds: 10, run: () => { for (;;) {} } })', waitFor: 'distlab-progress' }
];

describe('runs that stay bounded, through the real tslab kernel', () => {
  let steps: StepResult[];
  beforeAll(() => {
    steps = kernelSession([
      { code: `import * as dl from 'distlab';\n${QUORUM}\nconst rssBeforeMb = process.memoryUsage().rss / 1e6;` },
      { code: 'storm()' },
      { code: 'JSON.stringify({ rssGrowthMb: Math.round(process.memoryUsage().rss / 1e6 - rssBeforeMb) })' },
      { code: 'dl.monteCarlo({ seeds: 100_000_000, run: quorum })' },
      { code: 'const mc = await dl.monteCarloAsync({ seeds: 60_000, grid: { p: [0.9] }, run: quorum });\nmc.rows.length' },
      // 10 interrupts: each kind twice, each followed by a cell that must answer.
      ...[...INTERRUPTED, ...INTERRUPTED].flatMap(({ code, waitFor }) => [
        { code, interruptOnText: waitFor, interruptAfterS: waitFor ? 0.5 : 1, timeoutS: 60 },
        { code: '41 + 1', timeoutS: 30 }
      ])
    ]);
  }, 600_000);

  it('the fan-out storm stops with inFlightMax, the time and the seed, fast and small', () => {
    const [, stormStep, memory] = steps;
    const error = streamText(stormStep, 'stderr');
    expect(error).toMatch(/DistlabLimitError: inFlightMax exceeded: 100000 events pending at t=0\.\d+ ms/);
    expect(error).toContain('raise run({ inFlightMax }) above 100000 (seed=42)');
    expect(stormStep.idleAtS).toBeLessThan(2);
    const { rssGrowthMb } = JSON.parse(streamText(memory, 'stdout').trim().replace(/^'|'$/g, ''));
    expect(rssGrowthMb).toBeLessThan(150);
    console.log(`storm: stopped after ${stormStep.idleAtS?.toFixed(2)} s, kernel RSS +${rssGrowthMb} MB`);
  });

  it('a Monte Carlo of 100,000,000 seeds is refused before it starts', () => {
    const step = steps[3];
    expect(streamText(step, 'stderr')).toContain('DistlabInputError: invalid seeds: 100000000 (expected an integer 1..10000000)');
    expect(step.idleAtS).toBeLessThan(2);
  });

  it('monteCarloAsync draws a progress bar that updates in place while it runs, then ends as the result', () => {
    const step = steps[4];
    const displays = step.messages.filter((m) => m.type === 'display_data' || m.type === 'update_display_data');
    expect(displays[0].type).toBe('display_data');
    const id = displays[0].content.transient?.display_id;
    expect(id).toMatch(/^distlab-progress-/);
    expect(displays.every((m) => m.content.transient?.display_id === id)).toBe(true);
    const bars = displays.filter((m) => /runs\/s .* left$/.test(String(m.content.data?.['text/plain'])));
    // Redrawn several times, spread over the run, each a different state.
    expect(bars.length).toBeGreaterThanOrEqual(4);
    expect(bars[bars.length - 1].t - bars[0].t).toBeGreaterThan(1);
    expect(new Set(bars.map((m) => m.content.data?.['text/plain'])).size).toBe(bars.length);
    expect(String(bars[1].content.data?.['text/html'])).toContain('<progress value="');
    const last = displays[displays.length - 1];
    expect(last.type).toBe('update_display_data');
    expect(String(last.content.data?.['text/html'])).toContain('<table');
    expect(String(last.content.data?.['text/plain'])).toMatch(/60,000 runs in \d+ s \([\d,]+ runs\/s\)/);
    expect(streamText(step, 'stdout').trim()).toBe('2');
    expect(streamText(step, 'stderr')).toBe('');
    const rate = String(last.content.data?.['text/plain']).match(/\(([\d,]+) runs\/s\)/)![1];
    console.log(`monteCarloAsync in the kernel: ${rate} runs/s, ${bars.length} bar updates`);
  });

  it('10 of 10 interrupts (endless loop, storm, monteCarlo, monteCarloAsync, a run that never returns) return within 0.3 s and the kernel answers after each', () => {
    const interrupted = steps.slice(5);
    const latencies: string[] = [];
    expect(interrupted).toHaveLength(2 * 2 * INTERRUPTED.length);
    for (let i = 0; i < 2 * INTERRUPTED.length; i++) {
      const run = interrupted[2 * i];
      const next = interrupted[2 * i + 1];
      const kind = INTERRUPTED[i % INTERRUPTED.length].kind;
      expect(run.interruptAtS, kind).not.toBeNull();
      expect(run.idleAtS, kind).not.toBeNull();
      const latencyS = (run.idleAtS as number) - (run.interruptAtS as number);
      latencies.push(`${kind}: ${latencyS.toFixed(3)} s`);
      expect(latencyS, kind).toBeLessThan(0.3);
      expect(streamText(run, 'stderr'), kind).toMatch(/interrupted/i);
      expect(streamText(next, 'stdout').trim(), kind).toBe('42');
      if (kind.startsWith('monteCarloAsync')) {
        // The bar ends saying where the run stopped (its update may come after the cell's idle).
        const bars = [...run.messages, ...next.messages].filter((m) => m.type === 'update_display_data');
        expect(String(bars.at(-1)?.content.data?.['text/plain']), kind).toMatch(/^Monte Carlo interrupted after [\d,]+ of [\d,]+ runs \(seed=\d+\)$/);
      }
    }
    console.log(`interrupt to idle: ${latencies.join('; ')}`);
  });
});
