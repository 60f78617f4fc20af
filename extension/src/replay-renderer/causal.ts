// Happened-before between the events of a replay, read from the vector stamps the figure carries.

/** What the figure's `layout.meta.distlabReplay.causal` holds: per event, its seq, lane and vector stamp. */
export interface CausalStamps {
  seqs: readonly number[];
  lanes: readonly number[];
  vectors: readonly (readonly number[])[];
}

export interface CausalSets {
  past: Set<number>;
  future: Set<number>;
  concurrent: Set<number>;
}

/**
 * e happened before f when e's vector is componentwise at most f's and differs; equal vectors on
 * one lane (a hand-made trace that did not tick) fall back to program order.
 */
function before(c: CausalStamps, a: number, b: number): boolean {
  const va = c.vectors[a];
  const vb = c.vectors[b];
  let differs = false;
  for (let k = 0; k < va.length; k++) {
    const x = va[k];
    const y = vb[k] ?? 0;
    if (x > y) return false;
    if (x !== y) differs = true;
  }
  for (let k = va.length; k < vb.length; k++) if (vb[k] !== 0) differs = true;
  return differs || (c.lanes[a] === c.lanes[b] && c.seqs[a] < c.seqs[b]);
}

/** The causal past, future and the concurrent rest of the event with this seq (empty sets if unknown). */
export function causalSets(c: CausalStamps, seq: number): CausalSets {
  const sets: CausalSets = { past: new Set(), future: new Set(), concurrent: new Set() };
  const i = c.seqs.indexOf(seq);
  if (i < 0) return sets;
  for (let j = 0; j < c.seqs.length; j++) {
    if (j === i) continue;
    if (before(c, j, i)) sets.past.add(c.seqs[j]);
    else if (before(c, i, j)) sets.future.add(c.seqs[j]);
    else sets.concurrent.add(c.seqs[j]);
  }
  return sets;
}
