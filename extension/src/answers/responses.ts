/**
 * Free responses and checklists: what is stored, how big it may be, when a checklist item
 * ticks. Pure, shared by the lab, the authoring tool and the unit tests. The server
 * (distlab_jupyterlab/progress.py) enforces the same limits.
 */
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
