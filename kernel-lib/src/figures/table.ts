// Tables that display as HTML and text.
import { inspect } from 'util';
import { Displayable, HTML_NO_MATH_CLASS, MimeBundle, MIME_HTML, MIME_TEXT, inspectDisplayable } from '../core/mime';
import { customOption, declareOptions, integerOption, invalid, type OptionsOf, type ParsedOptions } from '../core/options';
import { textListOption, textOption, textTable } from './common';
import type { ResponseMimeType, ResponseRowsV1 } from './response-mime';
import { trimNumber } from './units';

/** Must equal the extension's MIME_RESPONSE; the shared type makes a typo a compile error. */
export const MIME_RESPONSE: ResponseMimeType = 'application/vnd.distlab.response.v1+json';
const QUESTION_ID = /^[a-z0-9][a-z0-9-]{0,79}$/;

/** A table cell: text, a number, a boolean, or empty. */
export type TableCell = string | number | boolean | null | undefined;

export const TABLE_OPTIONS = declareOptions('table', {
  columns: textListOption({ doc: 'Columns to show, in order', defaultText: 'the keys of the first row, in its order', expected: 'a non-empty array of column keys' }),
  headers: customOption<Record<string, string>>({
    doc: 'Header text per column key',
    defaultText: 'the key itself',
    expected: 'an object of column key to header text',
    parse: (name, value) => {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) invalid(name, value, 'an object of column key to header text');
      for (const [key, text] of Object.entries(value)) if (typeof text !== 'string') invalid(`${name}.${key}`, text, 'a string');
      return value as Record<string, string>;
    }
  }),
  title: textOption({ doc: 'Title shown above the table', defaultText: 'none' }),
  caption: textOption({ doc: 'Small print under the table (source, units)', defaultText: 'none' }),
  rowsMax: integerOption({ doc: 'Rows shown at most; the rest are counted in a visible note, never cut silently', min: 1, max: 100_000, default: 200 }),
  response: customOption<string>({
    doc: "Id of a response question of this notebook (e.g. 'q-own-system'): in the lab, the table's rows are kept as your answer to it",
    defaultText: 'none',
    expected: 'a question id: lowercase letters, digits and dashes',
    parse: (name, value) => {
      if (typeof value !== 'string' || !QUESTION_ID.test(value)) invalid(name, value, 'a question id: lowercase letters, digits and dashes');
      return value;
    }
  })
});
export type TableOptions = OptionsOf<typeof TABLE_OPTIONS>;

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function formatCell(value: TableCell): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isInteger(value) ? value.toLocaleString('en-US') : trimNumber(value);
  return String(value);
}

/**
 * Results as a table: `text/html` for the lab and reports, `text/plain` for everything else.
 * Display it with `show(t)` (or as a cell's last expression).
 */
export class Table implements Displayable {
  readonly columns: readonly string[];
  readonly rows: readonly Record<string, TableCell>[];
  private readonly options: ParsedOptions<typeof TABLE_OPTIONS.specs>;

  constructor(rows: readonly Record<string, TableCell>[], options: TableOptions = {}) {
    const parsed = TABLE_OPTIONS.parse(options);
    if (!Array.isArray(rows)) invalid('rows', rows, 'an array of objects');
    rows.forEach((row, i) => {
      if (typeof row !== 'object' || row === null || Array.isArray(row)) invalid(`rows[${i}]`, row, 'an object of column to value');
    });
    const columns = parsed.columns ?? (rows.length > 0 ? Object.keys(rows[0]) : []);
    if (columns.length === 0) invalid('columns', columns, 'a non-empty array of column keys');
    this.columns = columns;
    this.rows = rows;
    this.options = parsed;
  }

  private header(column: string): string {
    return this.options.headers?.[column] ?? column;
  }

  private hiddenNote(): string | null {
    const hidden = this.rows.length - this.options.rowsMax;
    return hidden > 0 ? `… ${hidden.toLocaleString('en-US')} more rows not shown (rowsMax = ${this.options.rowsMax})` : null;
  }

  html(): string {
    const shown = this.rows.slice(0, this.options.rowsMax);
    const numeric = this.columns.map((c) => shown.length > 0 && shown.every((r) => typeof r[c] === 'number' || r[c] == null));
    const align = (c: number) => (numeric[c] ? ' style="text-align:right"' : ' style="text-align:left"');
    const head = this.columns.map((c, i) => `<th${align(i)}>${escapeHtml(this.header(c))}</th>`).join('');
    const body = shown
      .map((row) => `<tr>${this.columns.map((c, i) => `<td${align(i)}>${escapeHtml(formatCell(row[c]))}</td>`).join('')}</tr>`)
      .join('\n');
    const captionParts = [this.options.title, this.options.caption, this.hiddenNote()].filter((x): x is string => !!x);
    const caption = captionParts.length > 0 ? `<caption style="caption-side:top;text-align:left">${captionParts.map(escapeHtml).join('<br>')}</caption>` : '';
    return `<table class="distlab-table ${HTML_NO_MATH_CLASS}">${caption}\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody></table>`;
  }

  text(): string {
    const shown = this.rows.slice(0, this.options.rowsMax);
    const lines = [
      ...(this.options.title ? [this.options.title] : []),
      textTable(this.columns.map((c) => this.header(c)), shown.map((row) => this.columns.map((c) => formatCell(row[c])))),
      ...[this.options.caption, this.hiddenNote()].filter((x): x is string => !!x)
    ];
    return lines.join('\n');
  }

  /** The rows as the response to the question named by the `response` option, every row (not only those shown). */
  responseRows(): ResponseRowsV1 | null {
    const question = this.options.response;
    if (question === undefined) return null;
    return { version: 1, question, rows: this.rows.map((row) => Object.fromEntries(this.columns.map((c) => [c, formatCell(row[c])]))) };
  }

  toMimeBundle(): MimeBundle {
    const response = this.responseRows();
    // The lab and reports show the HTML; the response rows ride along for the extension only.
    return { data: { [MIME_HTML]: this.html(), [MIME_TEXT]: this.text(), ...(response ? { [MIME_RESPONSE]: response } : {}) } };
  }

  [inspect.custom](depth: number, options: { depth?: number | null }): string {
    return inspectDisplayable(this, this.text(), depth, options);
  }

  toString(): string {
    return this.text();
  }
}

/** A table of result rows, e.g. request outcomes per failure mode. */
export function table(rows: readonly Record<string, TableCell>[], options: TableOptions = {}): Table {
  return new Table(rows, options);
}
