// Light in fibre: the floor under every long-distance round trip.
import { simulation } from '../../simulation/simulation';
import { declareOptions, numberOption, type OptionsOf } from '../../core/options';

/** Speed of light in vacuum, km/s. */
export const SPEED_OF_LIGHT_KM_PER_S = 299_792.458;

export const FIBRE_LATENCY_OPTIONS = declareOptions('fibreLatency', {
  distanceKm: numberOption({ doc: 'Length of the fibre (New York–London great circle: about 5,570 km)', min: 0, max: 40_075, unit: 'km', default: 5570 }),
  fibreSpeedFraction: numberOption({ doc: 'Speed of light in the glass as a fraction of c', min: 0.1, max: 1, default: 2 / 3, defaultText: '2/3 (refractive index ≈ 1.5)' })
});
export type FibreLatencyOptions = OptionsOf<typeof FIBRE_LATENCY_OPTIONS>;

/**
 * One-way latency through fibre over `distanceKm`: light in glass travels at about 2/3 c
 * (refractive index ≈ 1.5). New York–London is about 5,570 km great circle: ≈ 28 ms.
 * Measured by sending one message over a simulated link with exactly that delay.
 */
export function fibreLatency(options: FibreLatencyOptions = {}): { distanceKm: number; oneWayMs: number; roundTripMs: number; measuredOneWayMs: number } {
  const { distanceKm, fibreSpeedFraction: f } = FIBRE_LATENCY_OPTIONS.parse(options);
  const oneWayMs = (distanceKm / (SPEED_OF_LIGHT_KM_PER_S * f)) * 1000;
  const sim = simulation({ seed: 1, network: { latency: oneWayMs } });
  let measured = NaN;
  sim.node('New York', { start(ctx) { ctx.send('London', 'hello'); } });
  sim.node('London', { onMessage(ctx, m) { measured = ctx.timeMs - m.sentAtMs; } });
  sim.run();
  return { distanceKm, oneWayMs, roundTripMs: 2 * oneWayMs, measuredOneWayMs: measured };
}
