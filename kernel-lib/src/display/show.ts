import { Displayable, MimeBundle, MIME_TEXT, isDisplayable } from './mime';

type WriteDisplayData = (content: { data: Record<string, unknown>; metadata: Record<string, unknown>; transient: Record<string, unknown> }, update: boolean) => void;

/**
 * tslab keeps the current cell's display writer in its module `tslab/dist/jupyter`.
 * `tslab.display` sends one MIME type per output; this writer takes a whole bundle.
 * The kernel may have loaded tslab from a path other than ours, so find that module in the
 * module cache (once: the module stays, its writer changes with every cell).
 */
type TslabJupyterModule = { lastWriteDisplayData?: WriteDisplayData | null };
let tslabJupyter: TslabJupyterModule | null = null;

function findDisplayWriter(): WriteDisplayData | null {
  if (tslabJupyter === null) {
    for (const [file, mod] of Object.entries(require.cache)) {
      if (mod && /[\\/]tslab[\\/]dist[\\/]jupyter\.js$/.test(file)) tslabJupyter = mod.exports as TslabJupyterModule;
    }
  }
  return tslabJupyter?.lastWriteDisplayData ?? null;
}

/** True inside a running tslab kernel (a cell is executing). */
export function inKernel(): boolean {
  return findDisplayWriter() !== null;
}

/**
 * Send one output that carries every representation in `bundle`.
 * Outside a kernel (plain Node, tests) it prints the `text/plain` form instead.
 */
export function displayBundle(bundle: MimeBundle): void {
  const writer = findDisplayWriter();
  if (writer === null) {
    const text = bundle.data[MIME_TEXT];
    process.stdout.write(`${typeof text === 'string' ? text : JSON.stringify(text)}\n`);
    return;
  }
  writer({ data: bundle.data, metadata: bundle.metadata ?? {}, transient: {} }, false);
}

/**
 * Display a figure, a table or any value in the current cell's output.
 * Figures and tables send one bundle (interactive form, static SVG, text summary);
 * other values are shown as text.
 */
export function show(value: Displayable | unknown): void {
  if (isDisplayable(value)) {
    displayBundle(value.toMimeBundle());
    return;
  }
  const text = typeof value === 'string' ? value : JSON.stringify(value, null, 2);
  displayBundle({ data: { [MIME_TEXT]: text } });
}
