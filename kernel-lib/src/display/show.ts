// show() and displayBundle(): one output bundle to the running tslab cell.
import { findDisplayWriter } from './kernel';
import { Displayable, MimeBundle, MIME_TEXT, isDisplayable } from '../core/mime';

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
