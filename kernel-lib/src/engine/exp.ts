/**
 * e^x in plain double arithmetic, for the simulator's hot path (every lognormal delay).
 * Math.exp calls out of JavaScript into the engine's C library, about 10 ns a call, and its
 * last bit may differ between engine versions; this one is inlined by the JIT and gives the
 * same bits everywhere, so a seed replays the same run on any Node version. Accurate to about
 * one unit in the last place (tested against Math.exp).
 *
 * Method: x = k·ln2 + r with |r| <= ln2/2, e^r from a rational approximation in r² (the
 * classic Remez coefficients of fdlibm's exp), then scaled by 2^k from a table.
 */
export function exp(x: number): number {
  if (!(x <= EXP_OVERFLOW)) return x === x ? Infinity : x; // too large, or NaN
  if (x < EXP_UNDERFLOW) return 0;
  const k = Math.round(x * INV_LN2);
  const hi = x - k * LN2_HI; // exact: LN2_HI has its low bits zero
  const lo = k * LN2_LO;
  const r = hi - lo;
  const t = r * r;
  const c = r - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  const y = 1 - (lo - (r * c) / (2 - c) - hi);
  // y is in [0.7, 1.42]: scale in two steps at the ends of the range so no factor overflows.
  if (k > 1023) return y * 2 * POW2[k - 1 + POW2_BIAS];
  if (k < -1022) return y * POW2[k + 64 + POW2_BIAS] * POW2[-64 + POW2_BIAS];
  return y * POW2[k + POW2_BIAS];
}

const EXP_OVERFLOW = 709.782712893384; // ln(largest double)
const EXP_UNDERFLOW = -745.1332191019412; // ln(smallest subnormal / 2)
const INV_LN2 = 1.4426950408889634;
const LN2_HI = 6.93147180369123816490e-1;
const LN2_LO = 1.90821492927058770002e-10;
const P1 = 1.66666666666666019037e-1;
const P2 = -2.77777777770155933842e-3;
const P3 = 6.61375632143793436117e-5;
const P4 = -1.65339022054652515390e-6;
const P5 = 4.13813679705723846039e-8;

/** POW2[k + POW2_BIAS] = 2^k for k in -1074..1023, built by exact doubling and halving. */
const POW2_BIAS = 1074;
const POW2 = new Float64Array(POW2_BIAS + 1024);
{
  let p = 1;
  for (let k = 0; k <= 1023; k++, p *= 2) POW2[k + POW2_BIAS] = p;
  p = 1;
  for (let k = 0; k >= -1074; k--, p /= 2) POW2[k + POW2_BIAS] = p;
}
