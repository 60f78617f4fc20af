// Tables that display as HTML and text.
import { inspect } from 'util';
import { Displayable, MimeBundle, MIME_HTML, MIME_TEXT, inspectDisplayable } from '../core/mime';
import { checkString, invalid, rejectUnknownKeys } from '../core/options';
import { textTable } from './common';
import { trimNumber } from './units';

/** A table cell: text, a number, a boolean, or empty. */
export type TableCell = string | number | boolean | null | undefined;

export interface TableOptions {
  /** Columns to show, in order. Default: the keys of the first row, in its order. */
  columns?: readonly string[];
  /** Header text per column key. Default: the key itself. */
  headers?: Record<string, string>;
  /** Title shown above the table. Default: none. */
  title?: string;
  /** Small print under the table (source, units). Default: none. */
  caption?: string;
  /** Rows shown at most; the rest are counted in a visible note, never cut silently. Default: 200 rows. */
  rowsMax?: number;
}

const OPTION_KEYS = ['columns', 'headers', 'title', 'caption', 'rowsMax'] as const;

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
  private readonly options: TableOptions;

  constructor(rows: readonly Record<string, TableCell>[], options: TableOptions = {}) {
    rejectUnknownKeys('table', options, OPTION_KEYS);
    if (!Array.isArray(rows)) invalid('rows', rows, 'an array of objects');
    rows.forEach((row, i) => {
      if (typeof row !== 'object' || row === null || Array.isArray(row)) invalid(`rows[${i}]`, row, 'an object of column to value');
    });
    const columns = options.columns ?? (rows.length > 0 ? Object.keys(rows[0]) : []);
    if (!Array.isArray(columns) || columns.length === 0) invalid('columns', columns, 'a non-empty array of column keys');
    columns.forEach((c, i) => checkString(`columns[${i}]`, c));
    if (options.title !== undefined) checkString('title', options.title);
    if (options.caption !== undefined) checkString('caption', options.caption);
    const rowsMax = options.rowsMax ?? 200;
    if (!Number.isInteger(rowsMax) || rowsMax < 1 || rowsMax > 100_000) invalid('rowsMax', rowsMax, 'an integer 1..100000');
    this.columns = columns;
    this.rows = rows;
    this.options = { ...options, rowsMax };
  }

  private header(column: string): string {
    return this.options.headers?.[column] ?? column;
  }

  private hiddenNote(): string | null {
    const hidden = this.rows.length - (this.options.rowsMax as number);
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
    return `<table class="distlab-table">${caption}\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody></table>`;
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

  toMimeBundle(): MimeBundle {
    return { data: { [MIME_HTML]: this.html(), [MIME_TEXT]: this.text() } };
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
