/** MIME types distlab puts in an output bundle. The extension reads the distlab ones. */
export const MIME_VEGALITE = 'application/vnd.vegalite.v5+json';
export const MIME_SVG = 'image/svg+xml';
export const MIME_HTML = 'text/html';
export const MIME_TEXT = 'text/plain';

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
