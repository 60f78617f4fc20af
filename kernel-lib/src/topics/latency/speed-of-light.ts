// Light in fibre: the floor under every long-distance round trip.
import { simulation } from '../../simulation/simulation';
import { checkNumber, rejectUnknownKeys } from '../../core/options';

/** Speed of light in vacuum, km/s. */
export const SPEED_OF_LIGHT_KM_PER_S = 299_792.458;

/**
 * One-way latency through fibre over `distanceKm`: light in glass travels at about 2/3 c
 * (refractive index ≈ 1.5). New York–London is about 5,570 km great circle: ≈ 28 ms.
 * Measured by sending one message over a simulated link with exactly that delay.
 */
export function fibreLatency(options: { distanceKm?: number; fibreSpeedFraction?: number } = {}): { distanceKm: number; oneWayMs: number; roundTripMs: number; measuredOneWayMs: number } {
  rejectUnknownKeys('fibreLatency', options, ['distanceKm', 'fibreSpeedFraction']);
  const distanceKm = checkNumber('distanceKm', options.distanceKm ?? 5570, 0, 40_075, 'km');
  const f = checkNumber('fibreSpeedFraction', options.fibreSpeedFraction ?? 2 / 3, 0.1, 1);
  const oneWayMs = (distanceKm / (SPEED_OF_LIGHT_KM_PER_S * f)) * 1000;
  const sim = simulation({ seed: 1, network: { latency: oneWayMs } });
  let measured = NaN;
  sim.node('New York', { start(ctx) { ctx.send('London', 'hello'); } });
  sim.node('London', { onMessage(ctx, m) { measured = ctx.timeMs - m.sentAtMs; } });
  sim.run();
  return { distanceKm, oneWayMs, roundTripMs: 2 * oneWayMs, measuredOneWayMs: measured };
}
