/**
 * Free responses and checklists: what is stored, how big it may be, when a checklist item
 * ticks. Pure, shared by the lab, the authoring tool and the unit tests. The server
 * (distlab_jupyterlab/progress.py) enforces the same limits.
 */
import { answerHash } from './matching';
import type { ChecklistItem, ChecklistQuestion, ResponseQuestion, ResponseValue } from './question-types';

/** The server refuses a response whose text (every cell, for a table) is longer than this, in UTF-8 bytes. */
export const MAX_RESPONSE_BYTES = 20_000;
export const MAX_RESPONSE_ROWS = 100;
export const DEFAULT_RESPONSE_ROWS = 3;

/** UTF-8 bytes of the text a response holds. */
export function responseBytes(value: ResponseValue): number {
  const texts = typeof value === 'string' ? [value] : value.flatMap((row) => Object.values(row));
  return texts.reduce((sum, text) => sum + new TextEncoder().encode(text).length, 0);
}

export function isEmptyResponse(value: ResponseValue | undefined | null): boolean {
  if (value === undefined || value === null) return true;
  if (typeof value === 'string') return value.trim() === '';
  return value.every((row) => Object.values(row).every((cell) => cell.trim() === ''));
}

/** What gets saved: table rows keep only the question's columns, and trailing blank rows go. */
export function cleanResponse(question: ResponseQuestion, value: ResponseValue): ResponseValue {
  if (typeof value === 'string' || question.columns === undefined) return typeof value === 'string' ? value : '';
  const ids = question.columns.map((c) => c.id);
  const rows = value.map((row) => Object.fromEntries(ids.map((id) => [id, typeof row[id] === 'string' ? row[id] : ''])));
  while (rows.length > 0 && Object.values(rows[rows.length - 1]).every((cell) => cell.trim() === '')) rows.pop();
  return rows;
}

/** A message for the learner when the response cannot be saved, else null. */
export function responseProblem(value: ResponseValue): string | null {
  const bytes = responseBytes(value);
  if (bytes > MAX_RESPONSE_BYTES) {
    return `Your response is ${bytes.toLocaleString('en')} bytes; the limit is ${MAX_RESPONSE_BYTES.toLocaleString('en')} (about 20 kB). Shorten it to save.`;
  }
  if (Array.isArray(value) && value.length > MAX_RESPONSE_ROWS) return `At most ${MAX_RESPONSE_ROWS} rows can be saved.`;
  return null;
}

/** A response record read back from progress, in the shape of this question (ignores anything else). */
export function storedResponse(question: ResponseQuestion, stored: unknown): ResponseValue | null {
  if (question.columns === undefined) return typeof stored === 'string' ? stored : null;
  if (!Array.isArray(stored)) return null;
  return cleanResponse(question, stored.filter((row): row is Record<string, string> => typeof row === 'object' && row !== null && !Array.isArray(row)));
}

/** A row may name at most this many keys; a run's rows come from code and are read as untrusted. */
export const MAX_ROW_KEYS = 50;

/** A column key as code writes it (`runsWhere`) or the answer key does (`runs-where`): compared without case or separators. */
export function columnKey(key: string): string {
  return key.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/**
 * Rows a run of the code cell sent (`dl.table(rows, { response: id })`), as the question's table
 * response: checked as untrusted input (an array of at most MAX_RESPONSE_ROWS plain objects of
 * text), keys matched to the question's columns, cleaned and within the size limit. A message for
 * the learner when they cannot be kept.
 */
export function responseFromRun(question: ResponseQuestion, rows: unknown): { response: Record<string, string>[] } | { problem: string } {
  const columns = question.columns ?? [];
  if (!Array.isArray(rows)) return { problem: 'the cell sent no rows' };
  if (rows.length > MAX_RESPONSE_ROWS) return { problem: `the table has ${rows.length} rows; at most ${MAX_RESPONSE_ROWS} can be kept` };
  const byKey = new Map(columns.map((c) => [columnKey(c.id), c.id]));
  let matched = false;
  const keyed: Record<string, string>[] = [];
  for (const [i, row] of rows.entries()) {
    if (typeof row !== 'object' || row === null || Array.isArray(row)) return { problem: `row ${i + 1} is not an object of column to text` };
    const entries = Object.entries(row as Record<string, unknown>);
    if (entries.length > MAX_ROW_KEYS) return { problem: `row ${i + 1} has ${entries.length} keys; at most ${MAX_ROW_KEYS}` };
    const out: Record<string, string> = {};
    for (const [key, value] of entries) {
      const id = byKey.get(columnKey(key));
      if (id === undefined) continue;
      if (typeof value !== 'string') return { problem: `row ${i + 1}, ${key}: expected text` };
      out[id] = value;
      matched = true;
    }
    keyed.push(out);
  }
  if (rows.length > 0 && !matched) return { problem: `the rows have none of the columns ${columns.map((c) => c.label).join(', ')}` };
  const response = cleanResponse(question, keyed) as Record<string, string>[];
  const problem = responseProblem(response);
  return problem ? { problem } : { response };
}

/** The hash that marks a run of the notebook's own example rows (metadata `example`), so they are not kept as the learner's. */
export function exampleHash(question: ResponseQuestion, rows: Record<string, string>[]): string {
  return answerHash(question.salt, 'example', JSON.stringify(rows));
}

/** States that prove a question for a checklist item: correct, or a response given. */
export function proves(state: string): boolean {
  return state === 'correct' || state === 'answered';
}

export interface ItemTick {
  id: string;
  /** All its questions are proven by progress (never for an item with no questions). */
  auto: boolean;
  /** Ticked by the learner. */
  manual: boolean;
  ticked: boolean;
}

/** Which items are ticked: automatically from the states of their questions, or by hand. */
export function checklistTicks(items: ChecklistItem[], manual: readonly string[], stateOf: (questionId: string) => string): ItemTick[] {
  return items.map((item) => {
    const auto = item.questions.length > 0 && item.questions.every((id) => proves(stateOf(id)));
    const byHand = manual.includes(item.id);
    return { id: item.id, auto, manual: byHand, ticked: auto || byHand };
  });
}

/**
 * Author errors in a checklist: each item's questions must exist (in `known`: id → kind) and
 * be questions a learner answers, not another checklist.
 */
export function checklistProblems(question: ChecklistQuestion, known: Record<string, string>): string[] {
  const problems: string[] = [];
  for (const item of question.items) {
    for (const id of item.questions) {
      if (!(id in known)) problems.push(`item ${item.id}: unknown question ${id}`);
      else if (known[id] === 'checklist') problems.push(`item ${item.id}: ${id} is a checklist, not a question`);
    }
  }
  return problems;
}

export function isGraded(question: { kind: string }): boolean {
  return question.kind !== 'response' && question.kind !== 'checklist';
}
