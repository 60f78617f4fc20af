/**
 * The answer a checked question keeps in progress (so a reload shows it), and the markdown
 * option list the lab hides when the widget shows the same options. Pure, unit-tested. The
 * server (distlab_jupyterlab/progress.py) enforces the same limits.
 */
import type { Choice, Question, Response } from './question-types';

/** Longest typed answer kept, in characters; longer ones are checked but not kept. */
export const MAX_ANSWER_CHARS = 500;
/** Most option ids (multiple) or items (classification) an answer keeps. */
export const MAX_ANSWER_PARTS = 100;
const PART = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$/;

/** The answer to send with an attempt, or undefined when it is too large to keep. */
export function answerToStore(response: Response): Response | undefined {
  if (typeof response === 'string') return response.length <= MAX_ANSWER_CHARS ? response : undefined;
  if (Array.isArray(response)) return response.length <= MAX_ANSWER_PARTS && response.every((id) => PART.test(id)) ? response : undefined;
  const entries = Object.entries(response);
  return entries.length <= MAX_ANSWER_PARTS && entries.every(([k, v]) => PART.test(k) && (v === '' || PART.test(v))) ? response : undefined;
}

/**
 * A stored answer read back (a progress file may come from someone else), in the shape of this
 * question, or null: option and category ids must be the question's own. It is shown as input
 * values only.
 */
export function storedAnswer(question: Question, stored: unknown): Response | null {
  switch (question.kind) {
    case 'single':
      return typeof stored === 'string' && question.options.some((o) => o.id === stored) ? stored : null;
    case 'multiple': {
      if (!Array.isArray(stored)) return null;
      const ids = new Set(question.options.map((o) => o.id));
      return stored.every((id) => typeof id === 'string' && ids.has(id)) ? (stored as string[]) : null;
    }
    case 'numeric':
    case 'text':
      return typeof stored === 'string' && stored.length <= MAX_ANSWER_CHARS ? stored : null;
    case 'classification': {
      if (typeof stored !== 'object' || stored === null || Array.isArray(stored)) return null;
      const categories = new Set(['', ...question.categories.map((c) => c.id)]);
      const placed: Record<string, string> = {};
      for (const item of question.items) {
        const value = (stored as Record<string, unknown>)[item.id];
        if (value === undefined) continue;
        if (typeof value !== 'string' || !categories.has(value)) return null;
        placed[item.id] = value;
      }
      return placed;
    }
    default:
      return null;
  }
}

/** Plain words: markdown marks gone, spaces collapsed. */
function plain(text: string): string {
  return text.replace(/[*_`]+/g, '').replace(/\s+/g, ' ').trim();
}

/**
 * The items a markdown table lists for a classification question to fill in, or null: each body
 * row names an item in its first cell and leaves every other cell to the learner ("?" or empty).
 * Such a table says nothing the widget does not, so the lab hides it; a table with more in it stays.
 */
export function itemsOfPlaceholderTable(rows: string[][]): string[] | null {
  if (rows.length === 0) return null;
  for (const row of rows) if (row.length < 2 || row.slice(1).some((cell) => !/^\??$/.test(plain(cell)))) return null;
  return rows.map((row) => row[0]);
}

/**
 * The option texts a markdown list shows, when the list is the question's options in order, else
 * null. An item names its option by id ("**a.** text", "a) text", "(a) text"), or without an id is
 * the option's label, which may go on ("Latency: the network is slower…"). The widget then shows
 * the list's own words, so hiding the list loses nothing and the screen says what the notebook says.
 */
export function optionTextsOfList(itemTexts: string[], options: Choice[]): string[] | null {
  if (options.length === 0 || itemTexts.length !== options.length) return null;
  const texts: string[] = [];
  for (const [i, option] of options.entries()) {
    let text = plain(itemTexts[i]);
    const marker = /^\(?([A-Za-z0-9]+)[.)]\s*/.exec(text);
    if (marker && marker[1].toLowerCase() === option.id.toLowerCase()) {
      text = text.slice(marker[0].length);
      if (text === '') return null;
      texts.push(text);
      continue;
    }
    const label = plain(option.label);
    if (label === '' || !(text === label || (text.startsWith(label) && /^[\s:;,.\u2013\u2014-]/.test(text.slice(label.length))))) return null;
    texts.push(text);
  }
  return texts;
}
