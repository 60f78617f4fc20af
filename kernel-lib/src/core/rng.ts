// The seeded random generator (sfc32) behind every random choice, and its draws.
import { parseInteger } from './options';

/**
 * Seeded pseudo-random generator: sfc32 (Chris Doty-Humphrey's Small Fast Counter),
 * seeded through splitmix32. Every random choice in a simulation comes from one of these,
 * so a seed replays a run exactly.
 */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number, stream = 0) {
    let s = (seed ^ Math.imul(stream + 1, 0x9e3779b9)) >>> 0;
    const next = (): number => {
      // splitmix32: spreads nearby seeds (1, 2, 3…) into unrelated states.
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    // Seeds go up to 2^53 − 1: the bits above 32 enter `c` through a bijective mix that keeps 0
    // at 0, so seeds below 2^32 start exactly as they always have. For one stream, `a` alone
    // gives back the low 32 bits (splitmix32 is a bijection), and then `c` the high ones: two
    // seeds never share a state, and sfc32's step is a bijection, so they never share one later.
    const high = Math.floor(seed / 4294967296);
    if (high !== 0) this.c = (this.c ^ mix32(high)) >>> 0;
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  /** A uniform 32-bit unsigned integer: the step's output itself (next() divides it by 2^32 exactly). */
  nextUint32(): number {
    return this.next() * 4294967296;
  }

  /**
   * A uniform number in [0, 1): sfc32's step, divided by 2^32. The step is written here, not
   * called, because every handler that draws inlines it: one level fewer of V8's inlining
   * counts against its budget.
   */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return (t >>> 0) / 4294967296;
  }

  /** A uniform number in [min, max). */
  uniform(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  /** A uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** One element of a non-empty array, uniformly. */
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  /**
   * A standard normal draw: the ziggurat method (Marsaglia & Tsang 2000), exact, with one
   * 32-bit draw and one multiply 98.8% of the time. Bits 0-6 pick the layer, bit 7 the sign
   * and bits 8-31 the position, so no bit serves twice.
   */
  normal(): number {
    for (;;) {
      const u = this.nextUint32();
      const layer = u & 127;
      const j = u >>> 8;
      const x = j * ZIGGURAT_W[layer];
      if (j < ZIGGURAT_K[layer]) return u & 128 ? -x : x;
      const y = layer === 0 ? this.normalTail() : this.normalWedge(layer, x);
      if (y >= 0) return u & 128 ? -y : y;
    }
  }

  /** Beyond the base layer's edge R: Marsaglia's tail method. */
  private normalTail(): number {
    for (;;) {
      const x = -Math.log(1 - this.next()) / ZIGGURAT_R;
      const y = -Math.log(1 - this.next());
      if (2 * y > x * x) return ZIGGURAT_R + x;
    }
  }

  /** In the wedge of `layer` outside its inner rectangle: accept x under the density, else -1 (draw again). */
  private normalWedge(layer: number, x: number): number {
    const f = ZIGGURAT_F[layer] + this.next() * (ZIGGURAT_F[layer - 1] - ZIGGURAT_F[layer]);
    return f < Math.exp(-0.5 * x * x) ? x : -1;
  }

  /** An exponential draw with the given mean. */
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.next());
  }

  /** Shuffle in place (Fisher–Yates) and return the array. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      const tmp = items[i];
      items[i] = items[j];
      items[j] = tmp;
    }
    return items;
  }
}

/** The murmur3 finaliser: a bijection of 32-bit integers with mix32(0) = 0. */
function mix32(x: number): number {
  let z = x >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

// Ziggurat tables for the normal density f(x) = exp(-x²/2): 128 layers of equal area V.
// Layer 0 is the base (a rectangle to R plus the tail); layers 1..127 run from the top
// (narrowest) down to the one whose right edge is R. A position j in [0, 2^24) of layer i
// is x = j * W[i]; j below K[i] lies under the next layer up, inside the curve, and is
// accepted at once; F[i] is f at layer i's right edge.
const ZIGGURAT_R = 3.442619855899;
const ZIGGURAT_V = 9.91256303526217e-3;
const ZIGGURAT_K = new Float64Array(128);
const ZIGGURAT_W = new Float64Array(128);
const ZIGGURAT_F = new Float64Array(128);
{
  const scale = 16777216; // 2^24 positions
  let x = ZIGGURAT_R;
  let xOuter = x;
  const base = ZIGGURAT_V / Math.exp(-0.5 * x * x);
  ZIGGURAT_K[0] = Math.floor((x / base) * scale);
  ZIGGURAT_K[1] = 0;
  ZIGGURAT_W[0] = base / scale;
  ZIGGURAT_W[127] = x / scale;
  ZIGGURAT_F[0] = 1;
  ZIGGURAT_F[127] = Math.exp(-0.5 * x * x);
  for (let i = 126; i >= 1; i--) {
    x = Math.sqrt(-2 * Math.log(ZIGGURAT_V / x + Math.exp(-0.5 * x * x)));
    ZIGGURAT_K[i + 1] = Math.floor((x / xOuter) * scale);
    xOuter = x;
    ZIGGURAT_F[i] = Math.exp(-0.5 * x * x);
    ZIGGURAT_W[i] = x / scale;
  }
}

/**
 * A seeded random generator. `stream` picks an independent sequence for the same seed
 * (the simulator uses one stream for the network, one per node clock, one per node).
 */
export function rng(seed: number, stream = 0): Rng {
  parseInteger('seed', seed, 0, Number.MAX_SAFE_INTEGER);
  parseInteger('stream', stream, 0, 2 ** 31 - 1);
  return new Rng(seed, stream);
}
