/** The running tslab kernel's display writer (internal to display/: not re-exported). */

export type WriteDisplayData = (content: { data: Record<string, unknown>; metadata: Record<string, unknown>; transient: Record<string, unknown> }, update: boolean) => void;

/**
 * tslab keeps the current cell's display writer in its module `tslab/dist/jupyter`.
 * `tslab.display` sends one MIME type per output; this writer takes a whole bundle.
 * The kernel may have loaded tslab from a path other than ours, so find that module in the
 * module cache (once: the module stays, its writer changes with every cell).
 */
type TslabJupyterModule = { lastWriteDisplayData?: WriteDisplayData | null };
let tslabJupyter: TslabJupyterModule | null = null;

export function findDisplayWriter(): WriteDisplayData | null {
  if (tslabJupyter === null) {
    for (const [file, mod] of Object.entries(require.cache)) {
      if (mod && /[\\/]tslab[\\/]dist[\\/]jupyter\.js$/.test(file)) tslabJupyter = mod.exports as TslabJupyterModule;
    }
  }
  return tslabJupyter?.lastWriteDisplayData ?? null;
}
