/** MIME types distlab puts in an output bundle. The extension reads the distlab ones. */
export const MIME_VEGALITE = 'application/vnd.vegalite.v5+json';
export const MIME_SVG = 'image/svg+xml';
export const MIME_HTML = 'text/html';
export const MIME_TEXT = 'text/plain';
/**
 * The class at the root of every HTML output distlab writes: MathJax (the lab's, mathjax_ignore;
 * MathJax 2's in reports, tex2jax_ignore) leaves it alone, so text with two `$` ("Two $100
 * withdrawals … $100") is not typeset as math.
 */
export const HTML_NO_MATH_CLASS = 'mathjax_ignore tex2jax_ignore';

/** A Jupyter display bundle: several representations of one output. */
export interface MimeBundle {
  data: Record<string, unknown>;
  metadata?: Record<string, unknown>;
}

/** Anything that can show itself in a notebook output. */
export interface Displayable {
  toMimeBundle(): MimeBundle;
}

export function isDisplayable(value: unknown): value is Displayable {
  return typeof value === 'object' && value !== null && typeof (value as Displayable).toMimeBundle === 'function';
}

/**
 * How a displayable that is a cell's last expression shows itself. tslab prints that value
 * with console.log, and the only hook is `util.inspect.custom`, which figures, tables and check
 * results implement by calling `inspectDisplayable`. The display layer installs the sink that
 * sends the bundle to the kernel (display/inline.ts); without one, the value prints its summary.
 */
export type InlineDisplaySink = (value: Displayable, summary: string, depth: number, options: { depth?: number | null }) => string;

let inlineSink: InlineDisplaySink | null = null;

export function setInlineDisplaySink(sink: InlineDisplaySink): void {
  inlineSink = sink;
}

export function inspectDisplayable(value: Displayable, summary: string, depth: number, options: { depth?: number | null }): string {
  return inlineSink === null ? summary : inlineSink(value, summary, depth, options);
}
