import { describe, expect, it } from 'vitest';
import { latencyNumbersChart } from 'distlab';
import { MIME_SVG, MIME_TEXT, MIME_VEGALITE } from '../src/core/mime';
import { LATENCY_NUMBERS } from '../src/topics/latency/latency-numbers';

describe('latencyNumbersChart', () => {
  it('draws every course row with its ratio to an L1 reference', () => {
    const figure = latencyNumbersChart();
    const bundle = figure.toMimeBundle();
    expect(Object.keys(bundle.data).sort()).toEqual([MIME_SVG, MIME_TEXT, MIME_VEGALITE].sort());
    const svg = bundle.data[MIME_SVG] as string;
    expect(svg.startsWith('<svg')).toBe(true);
    for (const row of LATENCY_NUMBERS) expect(svg).toContain(row.operation);
    // 100 ms / 0.5 ns = 200,000,000; 2 ms disk seek = 4,000,000 L1 references.
    expect(svg).toContain('×200,000,000');
    expect(svg).toContain('×4,000,000');
    expect(bundle.data[MIME_TEXT]).toContain('16 µs');
  });

  it('labels the log axis in human units', () => {
    const svg = latencyNumbersChart().svg();
    for (const label of ['1 ns', '1 µs', '1 ms', '1 s']) expect(svg).toContain(`>${label}<`);
  });

  it('labels every decade only where each label has room (about 60 px), else every third, so labels never run together', () => {
    const narrow = latencyNumbersChart().svg();
    expect(narrow).not.toContain('>100 ms<');
    expect(narrow).not.toContain('>0.1 ns<');
    const wide = latencyNumbersChart({ widthPx: 1200 }).svg();
    for (const label of ['0.1 ns', '1 ns', '10 ns', '100 ms']) expect(wide).toContain(`>${label}<`);
  });

  it('rejects bad options by name, value and range', () => {
    expect(() => latencyNumbersChart({ widthPx: 5 })).toThrow('invalid widthPx: 5 (expected 100..4000 px)');
    expect(() => latencyNumbersChart({ baseline: 'L3' })).toThrow(/invalid baseline: "L3"/);
    expect(() => latencyNumbersChart({ colour: 'red' } as never)).toThrow(/unknown option in latencyNumbersChart: colour/);
  });
});
