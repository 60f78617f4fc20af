// The order of vector timestamps: how two stamps relate under happened-before.

/** How two vector timestamps relate: `before` means the first happened before the second. */
export type VectorRelation = 'before' | 'after' | 'equal' | 'concurrent';

/**
 * Compare vector timestamps (node name to counter, a missing node counts 0): `before` means a
 * happened before b. The one comparison the logical clocks and the trace's causality share.
 */
export function compareVectors(a: Readonly<Record<string, number>>, b: Readonly<Record<string, number>>): VectorRelation {
  let below = false;
  let above = false;
  for (const key in a) {
    const mine = a[key];
    const theirs = b[key] ?? 0;
    if (mine < theirs) below = true;
    else if (mine > theirs) above = true;
  }
  for (const key in b) if (!(key in a) && b[key] > 0) below = true;
  if (below) return above ? 'concurrent' : 'before';
  return above ? 'after' : 'equal';
}
