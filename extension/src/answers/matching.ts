/**
 * Answer matching: parse numbers with units, normalise text, hash canonical answers and
 * compare with the salted hashes in a question's metadata. Pure: the lab, the authoring
 * tool (scripts/quiz.mjs) and the unit tests run this same code.
 */
import { fromHex, sha256Bytes, sha256Hex, toHex, utf8Bytes, utf8Text } from './sha256';
import type { CheckOutcome, ClassificationQuestion, ChoiceQuestion, NumericQuestion, Question, Response, Reveal, TextQuestion } from './question-types';

export type Dimension = 'time' | 'size' | 'ratio';

interface UnitDef {
  dimension: Dimension;
  /** Factor to the dimension's base unit (s, B, 1). */
  factor: number;
}

const UNITS: Record<string, UnitDef> = {};
function defineUnits(dimension: Dimension, factor: number, names: string[]): void {
  for (const name of names) UNITS[name] = { dimension, factor };
}
defineUnits('time', 1e-9, ['ns', 'nanosecond', 'nanoseconds', 'nsec']);
defineUnits('time', 1e-6, ['us', 'µs', 'μs', 'microsecond', 'microseconds', 'usec']);
defineUnits('time', 1e-3, ['ms', 'millisecond', 'milliseconds', 'msec']);
defineUnits('time', 1, ['s', 'sec', 'secs', 'second', 'seconds']);
defineUnits('time', 60, ['min', 'mins', 'minute', 'minutes']);
defineUnits('time', 3600, ['h', 'hr', 'hrs', 'hour', 'hours']);
defineUnits('time', 86400, ['d', 'day', 'days']);
defineUnits('size', 1, ['b', 'byte', 'bytes']);
defineUnits('size', 1e3, ['kb', 'kilobyte', 'kilobytes']);
defineUnits('size', 1e6, ['mb', 'megabyte', 'megabytes']);
defineUnits('size', 1e9, ['gb', 'gigabyte', 'gigabytes']);
defineUnits('size', 1e12, ['tb', 'terabyte', 'terabytes']);
defineUnits('size', 1024, ['kib']);
defineUnits('size', 1024 ** 2, ['mib']);
defineUnits('size', 1024 ** 3, ['gib']);
defineUnits('ratio', 1, ['', 'x', '×', 'times', 'fold']);
defineUnits('ratio', 0.01, ['%', 'percent']);

export function unitOf(name: string): UnitDef | undefined {
  return UNITS[name.trim().toLowerCase()];
}

export interface ParsedQuantity {
  /** Value in the dimension's base unit. */
  base: number;
  dimension: Dimension;
}

const NUMBER = /^([+-]?(?:\d[\d,_'\u00a0\u202f ]*\d|\d)?(?:\.\d+)?(?:e[+-]?\d+)?)\s*(.*)$/i;

/** Read a number the way people type it: "5000", "5,000", "5 000", "5e3", "0,5", "−2". */
export function parseNumber(text: string): number | null {
  let t = text.trim().replace(/\u2212/g, '-');
  if (/^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$/.test(t)) t = t.replace(/,/g, '');
  else if (/^[+-]?\d+,\d+$/.test(t)) t = t.replace(',', '.');
  t = t.replace(/[_'\u00a0\u202f ]/g, '');
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(t)) return null;
  const value = Number(t);
  return Number.isFinite(value) ? value : null;
}

/**
 * Read "100 ms", "0.1 s", "5000x", "5,000", "50 %" as a quantity in a base unit. A bare
 * number is read in `defaultUnit`. Returns a message instead when it cannot be read.
 */
export function parseQuantity(text: string, defaultUnit: string): ParsedQuantity | string {
  const cleaned = text.trim().replace(/\u2212/g, '-');
  const match = NUMBER.exec(cleaned);
  if (!match || match[1] === '' || /^[+-]$/.test(match[1])) return `"${text.trim()}" is not a number`;
  const value = parseNumber(match[1]);
  if (value === null) return `"${match[1]}" is not a number`;
  const unitText = match[2].trim();
  const expected = unitOf(defaultUnit);
  if (expected === undefined) throw new Error(`unknown unit in question metadata: ${defaultUnit}`);
  const unit = unitText === '' ? expected : unitOf(unitText);
  if (unit === undefined) return `unknown unit "${unitText}"`;
  if (unit.dimension !== expected.dimension) {
    return `"${unitText}" is a unit of ${unit.dimension}, but this answer is a ${expected.dimension === 'ratio' ? 'plain number' : expected.dimension}`;
  }
  return { base: value * unit.factor, dimension: unit.dimension };
}

/** Bucket index of a value: buckets are `quantum` wide, centred on multiples of it. */
export function bucketOf(base: number, quantum: number): number {
  return Math.round(base / quantum);
}

/**
 * Buckets whose span [k·q − q/2, k·q + q/2] meets [answer − tolerance, answer + tolerance].
 * Guarantee: every value within ±tolerance is accepted; nothing farther than
 * tolerance + quantum from the answer is.
 */
export function acceptedBuckets(answerBase: number, toleranceBase: number, quantum: number): number[] {
  const low = Math.round((answerBase - toleranceBase) / quantum);
  const high = Math.round((answerBase + toleranceBase) / quantum);
  const buckets: number[] = [];
  for (let k = low; k <= high; k++) buckets.push(k);
  return buckets;
}

/** Case, accents, punctuation, spacing and a leading article do not matter. */
export function normaliseText(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
    .replace(/^(the|a|an) /, '');
}

export function answerHash(salt: string, domain: string, canonical: string): string {
  return sha256Hex(`${salt}|${domain}|${canonical}`);
}

/** Canonical strings: what gets hashed for each kind. */
export const canonical = {
  choice: (ids: string | string[]): string => (Array.isArray(ids) ? [...ids].sort().join(',') : ids),
  numeric: (bucket: number): string => String(bucket),
  text: (text: string): string => normaliseText(text),
  placement: (itemId: string, categoryId: string): string => `${itemId}=${categoryId}`
};

function keystream(key: string, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let block = 0; block * 32 < length; block++) {
    const bytes = sha256Bytes(utf8Bytes(`${key}#${block}`));
    out.set(bytes.subarray(0, Math.min(32, length - block * 32)), block * 32);
  }
  return out;
}

/** XOR with a SHA-256 keystream: keeps text out of plain sight; not meant to resist a determined reader. */
export function seal(key: string, text: string): string {
  const bytes = utf8Bytes(text);
  const stream = keystream(key, bytes.length);
  return toHex(bytes.map((b, i) => b ^ stream[i]));
}

export function unseal(key: string, hex: string): string {
  const bytes = fromHex(hex);
  const stream = keystream(key, bytes.length);
  return utf8Text(bytes.map((b, i) => b ^ stream[i]));
}

export const revealKey = (salt: string): string => `${salt}|reveal`;
export const feedbackKey = (salt: string, canonicalAnswer: string): string => `${salt}|feedback|${canonicalAnswer}`;

export function openReveal(question: Question): Reveal | null {
  if (question.reveal === undefined) return null;
  return JSON.parse(unseal(revealKey(question.salt), question.reveal)) as Reveal;
}

function feedbackFor(question: Question, domain: string, canonicalAnswer: string): string[] {
  const sealed = question.feedback?.[answerHash(question.salt, `feedback:${domain}`, canonicalAnswer)];
  return sealed === undefined ? [] : [unseal(feedbackKey(question.salt, canonicalAnswer), sealed)];
}

function checkChoice(q: ChoiceQuestion, response: Response): CheckOutcome {
  const ids = q.kind === 'single' ? (typeof response === 'string' ? response : '') : Array.isArray(response) ? response : [];
  const key = canonical.choice(ids);
  const correct = answerHash(q.salt, 'answer', key) === q.answer;
  if (correct) return { correct, feedback: [] };
  // Feedback for the whole selection first, then for each chosen option on its own.
  const feedback = feedbackFor(q, 'choice', key);
  if (Array.isArray(ids)) for (const id of ids) feedback.push(...feedbackFor(q, 'choice', id));
  return { correct, feedback: [...new Set(feedback)] };
}

function checkNumeric(q: NumericQuestion, response: Response): CheckOutcome {
  const parsed = parseQuantity(typeof response === 'string' ? response : '', q.unit);
  if (typeof parsed === 'string') return { correct: false, feedback: [], unreadable: parsed };
  const bucket = bucketOf(parsed.base, q.quantum);
  const correct = q.accept.includes(answerHash(q.salt, 'answer', canonical.numeric(bucket)));
  return { correct, feedback: correct ? [] : feedbackFor(q, 'numeric', canonical.numeric(bucket)) };
}

function checkText(q: TextQuestion, response: Response): CheckOutcome {
  const key = canonical.text(typeof response === 'string' ? response : '');
  const correct = q.accept.includes(answerHash(q.salt, 'answer', key));
  return { correct, feedback: correct ? [] : feedbackFor(q, 'text', key) };
}

function checkClassification(q: ClassificationQuestion, response: Response): CheckOutcome {
  const placed = typeof response === 'object' && !Array.isArray(response) ? response : {};
  const misplaced: string[] = [];
  const feedback: string[] = [];
  for (const item of q.items) {
    const key = canonical.placement(item.id, placed[item.id] ?? '');
    if (answerHash(q.salt, 'answer', key) !== q.itemAnswers[item.id]) {
      misplaced.push(item.id);
      feedback.push(...feedbackFor(q, 'placement', key));
    }
  }
  return { correct: misplaced.length === 0, feedback, misplaced };
}

/** Check a learner's response against the hashed metadata. */
export function checkResponse(question: Question, response: Response): CheckOutcome {
  switch (question.kind) {
    case 'single':
    case 'multiple':
      return checkChoice(question, response);
    case 'numeric':
      return checkNumeric(question, response);
    case 'text':
      return checkText(question, response);
    case 'classification':
      return checkClassification(question, response);
    case 'code':
      return { correct: false, feedback: [], unreadable: 'a code exercise is checked by running its cell' };
    case 'response':
    case 'checklist':
      return { correct: false, feedback: [], unreadable: `a ${question.kind} is not graded` };
  }
}
