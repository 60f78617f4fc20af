// Link latency distributions (constant, uniform, lognormal, named profiles) drawn from the seeded RNG.
import { exp } from '../../core/exp';
import type { Rng } from '../../core/rng';
import { parseNumber, parseOneOf, declareOptions, invalid, numberOption, required, type OptionsOf } from '../../core/options';

/** A one-way network delay distribution. Create one with a factory such as `lognormalLatency`. */
export interface LatencyDistribution {
  /** Which family: constant, uniform, normal, lognormal, exponential, empirical. */
  readonly kind: string;
  /** Median one-way delay in ms (used by presets and summaries). */
  readonly medianMs: number;
  /** A short description such as `lognormal(median 15 ms, sigma 0.15)`. */
  readonly description: string;
  /** One draw, in ms, never negative. */
  sampleMs(random: Rng): number;
}

class ConstantLatency implements LatencyDistribution {
  readonly kind = 'constant';
  readonly medianMs: number;
  readonly description: string;
  constructor(readonly latencyMs: number) {
    this.medianMs = latencyMs;
    this.description = `constant(${latencyMs} ms)`;
  }
  sampleMs(): number {
    return this.latencyMs;
  }
}

class UniformLatency implements LatencyDistribution {
  readonly kind = 'uniform';
  readonly medianMs: number;
  readonly description: string;
  constructor(readonly minMs: number, readonly maxMs: number) {
    this.medianMs = (minMs + maxMs) / 2;
    this.description = `uniform(${minMs}..${maxMs} ms)`;
  }
  sampleMs(random: Rng): number {
    return this.minMs + (this.maxMs - this.minMs) * random.next();
  }
}

class NormalLatency implements LatencyDistribution {
  readonly kind = 'normal';
  readonly medianMs: number;
  readonly description: string;
  constructor(readonly meanMs: number, readonly stdMs: number) {
    this.medianMs = meanMs;
    this.description = `normal(mean ${meanMs} ms, std ${stdMs} ms, cut at 0)`;
  }
  sampleMs(random: Rng): number {
    const x = this.meanMs + this.stdMs * random.normal();
    return x > 0 ? x : 0;
  }
}

class LognormalLatency implements LatencyDistribution {
  readonly kind = 'lognormal';
  readonly description: string;
  private readonly mu: number;
  constructor(readonly medianMs: number, readonly sigma: number) {
    this.mu = Math.log(medianMs);
    this.description = `lognormal(median ${medianMs} ms, sigma ${sigma})`;
  }
  sampleMs(random: Rng): number {
    return exp(this.mu + this.sigma * random.normal());
  }
}

class ExponentialLatency implements LatencyDistribution {
  readonly kind = 'exponential';
  readonly medianMs: number;
  readonly description: string;
  constructor(readonly meanMs: number, readonly minMs: number) {
    this.medianMs = minMs + (meanMs - minMs) * Math.LN2;
    this.description = `exponential(mean ${meanMs} ms, min ${minMs} ms)`;
  }
  sampleMs(random: Rng): number {
    return this.minMs - (this.meanMs - this.minMs) * Math.log(1 - random.next());
  }
}

class EmpiricalLatency implements LatencyDistribution {
  readonly kind = 'empirical';
  readonly medianMs: number;
  readonly description: string;
  constructor(private readonly percentiles: number[], private readonly valuesMs: number[]) {
    this.medianMs = this.atPercentile(50);
    this.description = `empirical(${percentiles.map((p, i) => `p${p}=${valuesMs[i]} ms`).join(', ')})`;
  }
  /** Inverse CDF: linear between the given percentiles. */
  atPercentile(p: number): number {
    const ps = this.percentiles;
    const vs = this.valuesMs;
    let i = 1;
    while (i < ps.length - 1 && ps[i] < p) i++;
    const span = ps[i] - ps[i - 1];
    const f = span === 0 ? 0 : (p - ps[i - 1]) / span;
    return vs[i - 1] + f * (vs[i] - vs[i - 1]);
  }
  sampleMs(random: Rng): number {
    return this.atPercentile(random.next() * 100);
  }
}

/** Always the same one-way delay. */
export function constantLatency(latencyMs: number): LatencyDistribution {
  return new ConstantLatency(parseNumber('latencyMs', latencyMs, 0, Infinity, 'ms'));
}

export const UNIFORM_LATENCY_OPTIONS = declareOptions('uniformLatency', {
  minMs: required(numberOption({ doc: 'Smallest delay', min: 0, max: Infinity, unit: 'ms' })),
  maxMs: required(numberOption({ doc: 'Largest delay (at least minMs)', min: 0, max: Infinity, unit: 'ms' }))
});
export type UniformLatencyOptions = OptionsOf<typeof UNIFORM_LATENCY_OPTIONS>;
/** Delay uniform between `minMs` and `maxMs`. */
export function uniformLatency(options: UniformLatencyOptions): LatencyDistribution {
  const { minMs, maxMs } = UNIFORM_LATENCY_OPTIONS.parse(options);
  parseNumber('maxMs', maxMs, minMs, Infinity, 'ms');
  return new UniformLatency(minMs, maxMs);
}

export const NORMAL_LATENCY_OPTIONS = declareOptions('normalLatency', {
  meanMs: required(numberOption({ doc: 'Mean delay', min: 0, max: Infinity, unit: 'ms' })),
  stdMs: numberOption({ doc: 'Standard deviation; draws below 0 are cut to 0', min: 0, max: Infinity, unit: 'ms', defaultText: 'meanMs / 10' })
});
export type NormalLatencyOptions = OptionsOf<typeof NORMAL_LATENCY_OPTIONS>;
/** Normal (Gaussian) delay, cut at 0. */
export function normalLatency(options: NormalLatencyOptions): LatencyDistribution {
  const parsed = NORMAL_LATENCY_OPTIONS.parse(options);
  const meanMs = parsed.meanMs;
  const stdMs = parsed.stdMs ?? meanMs / 10;
  return new NormalLatency(meanMs, stdMs);
}

export const LOGNORMAL_LATENCY_OPTIONS = declareOptions('lognormalLatency', {
  medianMs: required(numberOption({ doc: 'Median delay (above 0)', min: Number.MIN_VALUE, max: Infinity, unit: 'ms' })),
  sigma: numberOption({ doc: 'Spread: standard deviation of ln(delay). Give this or p99Ms, not both', min: 0, max: 10, defaultText: '0.5' }),
  p99Ms: numberOption({ doc: '99th-percentile delay (at least medianMs); sets sigma = ln(p99Ms / medianMs) / 2.326', min: Number.MIN_VALUE, max: Infinity, unit: 'ms' })
});
export type LognormalLatencyOptions = OptionsOf<typeof LOGNORMAL_LATENCY_OPTIONS>;
/** Lognormal delay: a long right tail, the usual shape of real network latency. */
export function lognormalLatency(options: LognormalLatencyOptions): LatencyDistribution {
  const o = LOGNORMAL_LATENCY_OPTIONS.parse(options);
  const medianMs = o.medianMs;
  if (o.sigma !== undefined && o.p99Ms !== undefined) invalid('p99Ms', o.p99Ms, 'either sigma or p99Ms, not both');
  let sigma: number;
  if (o.p99Ms !== undefined) {
    const p99Ms = parseNumber('p99Ms', o.p99Ms, medianMs, Infinity, 'ms');
    sigma = Math.log(p99Ms / medianMs) / 2.3263478740408408;
  } else {
    sigma = o.sigma ?? 0.5;
  }
  return new LognormalLatency(medianMs, sigma);
}

export const EXPONENTIAL_LATENCY_OPTIONS = declareOptions('exponentialLatency', {
  meanMs: required(numberOption({ doc: 'Mean delay (at least minMs)', min: 0, max: Infinity, unit: 'ms' })),
  minMs: numberOption({ doc: 'Fixed floor added to every draw (propagation delay)', min: 0, max: Infinity, unit: 'ms', default: 0 })
});
export type ExponentialLatencyOptions = OptionsOf<typeof EXPONENTIAL_LATENCY_OPTIONS>;
/** Exponential delay above a floor `minMs`: memoryless queueing. */
export function exponentialLatency(options: ExponentialLatencyOptions): LatencyDistribution {
  const { meanMs, minMs } = EXPONENTIAL_LATENCY_OPTIONS.parse(options);
  parseNumber('meanMs', meanMs, minMs, Infinity, 'ms');
  return new ExponentialLatency(meanMs, minMs);
}

/**
 * Delay drawn from measured percentiles, e.g. `[[50, 0.5], [99, 3], [100, 12]]`
 * (percentile, ms), linear in between. A missing 0th percentile is taken as the lowest value
 * given, a missing 100th as the highest.
 */
export function empiricalLatency(percentilesMs: Array<[number, number]>): LatencyDistribution {
  if (!Array.isArray(percentilesMs) || percentilesMs.length === 0) {
    invalid('percentilesMs', percentilesMs, 'a non-empty array of [percentile, ms] pairs');
  }
  const ps: number[] = [];
  const vs: number[] = [];
  for (const pair of percentilesMs) {
    if (!Array.isArray(pair) || pair.length !== 2) invalid('percentilesMs', pair, 'a [percentile, ms] pair');
    const p = parseNumber('percentile', pair[0], 0, 100);
    const v = parseNumber(`p${p}`, pair[1], 0, Infinity, 'ms');
    if (ps.length > 0 && p <= ps[ps.length - 1]) invalid('percentile', p, `increasing percentiles, after ${ps[ps.length - 1]}`);
    if (vs.length > 0 && v < vs[vs.length - 1]) invalid(`p${p}`, v, `>= p${ps[ps.length - 1]} = ${vs[vs.length - 1]} ms`);
    ps.push(p);
    vs.push(v);
  }
  if (ps[0] !== 0) {
    ps.unshift(0);
    vs.unshift(vs[0]);
  }
  if (ps[ps.length - 1] !== 100) {
    ps.push(100);
    vs.push(vs[vs.length - 1]);
  }
  return new EmpiricalLatency(ps, vs);
}

/** Names of the latency presets (course module 5.1). */
export type LatencyPresetName = 'same-datacenter' | 'cross-country' | 'cross-ocean';

/**
 * The course's round-trip numbers. A link's delay is one way, so each preset is a lognormal
 * whose median is half the round trip: a ping-pong takes about `rttMs`.
 */
export const LATENCY_PRESETS: Record<LatencyPresetName, { rttMs: number; sigma: number }> = {
  'same-datacenter': { rttMs: 0.5, sigma: 0.4 },
  'cross-country': { rttMs: 30, sigma: 0.1 },
  'cross-ocean': { rttMs: 100, sigma: 0.1 }
};
const PRESET_NAMES = Object.keys(LATENCY_PRESETS) as LatencyPresetName[];

/** A named preset: `'same-datacenter'` (≈0.5 ms round trip), `'cross-country'` (≈30 ms), `'cross-ocean'` (≈100 ms). */
export function latencyPreset(name: LatencyPresetName): LatencyDistribution {
  const preset = LATENCY_PRESETS[parseOneOf('latency preset', name, PRESET_NAMES)];
  return new LognormalLatency(preset.rttMs / 2, preset.sigma);
}

/** What a `latency` option accepts: a number of ms (constant), a preset name, or a distribution. */
export type LatencySpec = number | LatencyPresetName | LatencyDistribution;

/** Turn a `latency` option into a distribution, checking it. */
export function toLatency(spec: LatencySpec, name = 'latency'): LatencyDistribution {
  if (typeof spec === 'number') return new ConstantLatency(parseNumber(name, spec, 0, Infinity, 'ms'));
  if (typeof spec === 'string') {
    return latencyPreset(parseOneOf(name, spec, PRESET_NAMES));
  }
  if (spec !== null && typeof spec === 'object' && typeof (spec as LatencyDistribution).sampleMs === 'function') return spec;
  return invalid(name, spec, `a number of ms, one of ${PRESET_NAMES.join(', ')}, or a latency distribution`);
}
