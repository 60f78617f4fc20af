import { describe, expect, it } from 'vitest';
import { distributionComparisonChart } from '../src/figures/distribution-comparison';

type Layer = { data: { values: Record<string, unknown>[] } };

describe('distributionComparisonChart', () => {
  const a = [30, 10, 20, 20, 40];
  const b = [100, 300, 200];
  const fig = distributionComparisonChart([{ name: 'simulated', samplesMs: a }, { name: 'real', samplesMs: b }], { what: 'failover time' });
  const layers = (fig.spec as { layer: Layer[] }).layer;

  it('draws each series as its ECDF: one step per distinct value, at the fraction at or below it', () => {
    const steps = layers[0].data.values;
    // Independent oracle: count the samples <= x.
    for (const [name, samples] of [['simulated', a], ['real', b]] as const) {
      const all = steps.filter((s) => s.series === name);
      // The curve starts from 0 at the smallest sample.
      expect([all[0].ms, all[0].fraction]).toEqual([Math.min(...samples), 0]);
      const mine = all.slice(1);
      expect(mine.map((s) => s.ms)).toEqual([...new Set(samples)].sort((x, y) => x - y));
      for (const s of mine) expect(s.fraction).toBeCloseTo(samples.filter((v) => v <= (s.ms as number)).length / samples.length, 6);
    }
  });

  it('marks each median and states the ratio of the two in the summary', () => {
    expect(layers[1].data.values.map((m) => [m.series, m.ms])).toEqual([['simulated', 20], ['real', 200]]);
    expect(fig.summary).toContain('real / simulated median: 10.00');
    expect(fig.svg()).toContain('median 200 ms');
    // The picture states both medians and the ratio too (the lab shows the picture, not the text).
    expect(fig.svg()).toContain('real / simulated = 10.00');
  });

  it('rejects bad input naming the parameter', () => {
    expect(() => distributionComparisonChart([])).toThrow('invalid series: [] (expected an array of 1..8 { name, samplesMs })');
    expect(() => distributionComparisonChart([{ name: 'x', samplesMs: [1, -2] }])).toThrow('invalid series[0].samplesMs[1]: -2');
    expect(() => distributionComparisonChart([{ name: 'x', samplesMs: [1] }, { name: 'x', samplesMs: [2] }])).toThrow(/distinct names/);
    expect(() => distributionComparisonChart([{ name: 'x', samplesMs: [1] }], { scale: 'cubic' as never })).toThrow(/invalid scale: "cubic"/);
  });
});
