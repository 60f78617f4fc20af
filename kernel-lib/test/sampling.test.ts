import { describe, expect, it } from 'vitest';
import { exp } from '../src/core/exp';
import { rng } from 'distlab';
import { normalQuantile } from '../src/experiments/stats';

// Distance in units in the last place between two doubles of the same sign.
const bits = new Float64Array(1);
const ints = new BigInt64Array(bits.buffer);
function ulps(a: number, b: number): number {
  if (a === b) return 0;
  bits[0] = a;
  const x = ints[0];
  bits[0] = b;
  return Math.abs(Number(x - ints[0]));
}

describe('exp (the engine own e^x)', () => {
  it('is within two units in the last place of Math.exp over the whole finite range', () => {
    const r = rng(11);
    let worst = 0;
    let total = 0;
    let count = 0;
    const ranges: Array<[number, number]> = [[-20, 20], [-745.13, 709.78], [-1e-9, 1e-9], [700, 709.78], [-745.13, -700]];
    for (const [lo, hi] of ranges) {
      for (let i = 0; i < 100_000; i++) {
        const x = r.uniform(lo, hi);
        const d = ulps(exp(x), Math.exp(x));
        worst = Math.max(worst, d);
        total += d;
        count++;
      }
    }
    expect(worst).toBeLessThanOrEqual(2);
    expect(total / count).toBeLessThan(0.5); // mostly the same bits
  });

  it('handles the edges like Math.exp', () => {
    // ±700: where the hot path hands over to the ends' own function.
    for (const x of [0, -0, 1, -1, Math.LN2, 700, -700, 700.0000000000001, -700.0000000000001, 709.782712893384, 709.7827128933841, 710, -745.1332191019411, -745.1332191019412, -746, Infinity, -Infinity]) {
      expect(ulps(exp(x), Math.exp(x)), `exp(${x})`).toBeLessThanOrEqual(2);
    }
    expect(exp(NaN)).toBeNaN();
    expect(exp(0)).toBe(1);
    expect(exp(1e6)).toBe(Infinity);
    expect(exp(-1e6)).toBe(0);
  });
});

describe('normal draws (ziggurat)', () => {
  const N = 1_000_000;
  const r = rng(2024);
  const draws = new Float64Array(N);
  for (let i = 0; i < N; i++) draws[i] = r.normal();
  const sorted = draws.slice().sort();
  const cdf = (x: number) => {
    let lo = 0;
    let hi = N;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid] <= x) lo = mid + 1;
      else hi = mid;
    }
    return lo / N;
  };

  it('has mean 0, variance 1, no skew and kurtosis 3', () => {
    let m1 = 0;
    let m2 = 0;
    let m3 = 0;
    let m4 = 0;
    for (const z of draws) {
      m1 += z;
      m2 += z * z;
      m3 += z * z * z;
      m4 += z * z * z * z;
    }
    // Standard errors at N = 10^6: mean 0.001, variance 0.0014, skew 0.0024, kurtosis 0.0049.
    expect(Math.abs(m1 / N)).toBeLessThan(0.004);
    expect(Math.abs(m2 / N - 1)).toBeLessThan(0.006);
    expect(Math.abs(m3 / N)).toBeLessThan(0.01);
    expect(Math.abs(m4 / N - 3)).toBeLessThan(0.02);
  });

  it('matches the normal CDF from the far tails to the centre, on both sides', () => {
    // Includes the tail beyond the base layer's edge (3.44) and every layer's wedge region.
    for (const p of [1e-4, 5e-4, 0.001, 0.01, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 0.999, 0.9995, 0.9999]) {
      const x = normalQuantile(p);
      const se = Math.sqrt((p * (1 - p)) / N);
      expect(Math.abs(cdf(x) - p), `P(Z <= ${x.toFixed(3)}) should be ${p}`).toBeLessThan(5 * se);
    }
  });

  it('is uncorrelated draw to draw and reaches beyond 4.5 sigma', () => {
    let lag = 0;
    for (let i = 1; i < N; i++) lag += draws[i] * draws[i - 1];
    expect(Math.abs(lag / N)).toBeLessThan(0.005);
    expect(sorted[0]).toBeLessThan(-4.5);
    expect(sorted[N - 1]).toBeGreaterThan(4.5);
  });

  it('replays exactly from a seed', () => {
    const a = rng(99);
    const b = rng(99);
    for (let i = 0; i < 1000; i++) expect(a.normal()).toBe(b.normal());
  });
});
