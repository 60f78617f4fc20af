import { describe, expect, it } from 'vitest';
import * as vegaLite from 'vega-lite';
import { compileVegaLite, renderVegaLiteSvg, VegaLiteSpec } from '../src/figures/vega-svg';
import { barChart, xyChart, spaceTimeDiagram, failureModeExperiment } from '../src';

// The kernel caches Vega-Lite compiles by the spec's shape (its inline data cut out) and SVGs by
// the whole spec. A cached compile filled with new data must be exactly what Vega-Lite compiles.

const direct = (spec: VegaLiteSpec) => vegaLite.compile(spec as unknown as vegaLite.TopLevelSpec).spec;

describe('vega compile and SVG caches in the kernel', () => {
  it('a re-run with new data gets the compile Vega-Lite gives for that data (the shape was cached on the first run)', () => {
    const runs = [1, 2, 3].map((seed) => spaceTimeDiagram(failureModeExperiment({ seed, mode: 'omission', timeoutMs: 10, faultAtMs: 70 }).trace, { title: 'same shape', stamps: 'none' }).spec);
    expect(JSON.stringify(runs[0])).not.toBe(JSON.stringify(runs[1]));
    for (const spec of runs) expect(compileVegaLite(spec)).toEqual(direct(spec));
    const points = (k: number) => [1, 2, 3, 4].map((x) => ({ series: 'a', x, y: k * x }));
    for (const k of [1, 2, 5]) {
      const spec = xyChart(points(k), { title: 'xy' }).spec;
      expect(compileVegaLite(spec)).toEqual(direct(spec));
    }
  });

  it('titles that name the parameters ("seed 7") and subtitles are filled back into the cached compile', () => {
    const points = [1, 2, 3].map((x) => ({ series: 'a', x, y: x * x }));
    for (const seed of [7, 8]) {
      for (const spec of [xyChart(points, { title: `Squares (seed ${seed})` }).spec, xyChart(points, { title: `Squares (seed ${seed})`, subtitle: `${seed} runs` }).spec]) {
        const compiled = compileVegaLite(spec);
        expect(compiled).toEqual(direct(spec));
        expect(JSON.stringify(compiled)).not.toContain('__distlab');
      }
    }
    const svg = renderVegaLiteSvg(xyChart(points, { title: 'Squares (seed 9)' }).spec);
    expect(svg).toContain('Squares (seed 9)');
  });

  it('layers with equal data, then the same layers with different data, compile as Vega-Lite compiles them', () => {
    const layered = (a: number[], b: number[]): VegaLiteSpec => ({
      layer: [
        { data: { values: a.map((v, i) => ({ i, v })) }, mark: 'line', encoding: { x: { field: 'i', type: 'quantitative' }, y: { field: 'v', type: 'quantitative' } } },
        { data: { values: b.map((v, i) => ({ i, v })) }, mark: 'point', encoding: { x: { field: 'i', type: 'quantitative' }, y: { field: 'v', type: 'quantitative' } } }
      ]
    });
    for (const spec of [layered([1, 2, 3], [1, 2, 3]), layered([1, 2, 3], [3, 2, 1]), layered([4, 5, 6], [4, 5, 6])]) expect(compileVegaLite(spec)).toEqual(direct(spec));
  });

  it('a compiled spec handed out is a copy: changing it does not change the next compile', () => {
    const spec = barChart([{ category: 'a', value: 1 }, { category: 'b', value: 2 }]).spec;
    const first = compileVegaLite(spec) as { data: unknown[]; marks?: unknown[] };
    first.data.length = 0;
    first.marks = [];
    expect(compileVegaLite(spec)).toEqual(direct(spec));
  });

  it('the same spec gives the same SVG, and new data a new SVG equal to a fresh render of it', () => {
    const spec = (k: number) => barChart([{ category: 'a', value: k }, { category: 'b', value: 2 * k }], { title: 'bars' }).spec;
    const one = renderVegaLiteSvg(spec(1));
    expect(renderVegaLiteSvg(spec(1))).toBe(one);
    const two = renderVegaLiteSvg(spec(2));
    expect(two).not.toBe(one);
    expect(two).toMatch(/^<svg/);
    // A spec equal in content but built anew (not the same object) hits the same entry.
    expect(renderVegaLiteSvg(JSON.parse(JSON.stringify(spec(2))))).toBe(two);
  });
});
