/**
 * A table that is also the learner's answer to a response question of the notebook: the kernel
 * sends its rows in the table's bundle, and the JupyterLab extension keeps them as the response.
 * Types only: the extension imports this file with `import type`, so no runtime code crosses
 * from the kernel library into the lab.
 */
export type ResponseMimeType = 'application/vnd.distlab.response.v1+json';

export interface ResponseRowsV1 {
  version: 1;
  /** Id of the response question in the same notebook, e.g. "q-own-system". */
  question: string;
  /** One object per table row: column key → the cell's text, as the table shows it. */
  rows: Record<string, string>[];
}
