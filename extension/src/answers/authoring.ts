/**
 * From an answer-key entry (plain text, kept outside notebooks) to hashed question
 * metadata. Used by scripts/quiz.mjs and by the tests that check every answer key.
 */
import { acceptedBuckets, answerHash, canonical, feedbackKey, normaliseText, parseQuantity, revealKey, seal, unitOf } from './matching';
import type { Choice, Question, QuestionKind, Response, ResponseQuestion } from './question-types';
import { QUESTION_KINDS } from './question-types';
import { checklistProblems, exampleHash, responseFromRun } from './responses';

/** One wrong answer the author anticipates: checks as wrong in the tests, and may carry feedback. */
export interface WrongAnswer {
  answer: string | string[] | Record<string, string>;
  feedback?: string;
}

/** An entry of `quiz/<notebook-stem>.answers.json` → `questions.<id>`. */
export interface AnswerKeyEntry {
  kind: QuestionKind;
  title: string;
  /** single/multiple: option id → label, in display order. */
  options?: Record<string, string>;
  /** classification: item id → label, and category id → label. checklist: item id → {label, questions}. */
  items?: Record<string, string | { label: string; questions?: string[] }>;
  categories?: Record<string, string>;
  /** single: an option id; multiple: option ids; numeric: "5000" or "100 ms"; text: the answer; classification: item → category. */
  answer?: string | string[] | Record<string, string>;
  /** numeric: unit a bare number is read in ("" for a ratio). Default "". */
  unit?: string;
  /** numeric: "1%" (of the answer) or "0.5 ms" (absolute). Default: 1e-9 relative (exact). */
  tolerance?: string;
  /** text: other accepted answers. */
  synonyms?: string[];
  /** code: the distlab exercise id. */
  exercise?: string;
  /** response: a table editor's columns, id → label or {label, placeholder}; without them, a text area. */
  columns?: Record<string, string | { label: string; placeholder?: string }>;
  /** response: rows the table editor starts with. */
  rows?: number;
  /** response: text area placeholder. */
  placeholder?: string;
  /** response (table): the rows come from a run of the code cell below (`dl.table(rows, { response: id })`), not typed here. */
  fromRun?: boolean;
  /** fromRun: the rows that cell starts with. Filled in by npm run quiz from the cell itself, never written in a key. */
  example?: Record<string, string>[];
  wrong?: WrongAnswer[];
  hints?: string[];
  explanation?: string;
  /** The answer in words, shown on give-up. Default: derived from `answer`. */
  answerText?: string;
}

export interface AnswerKey {
  /** Notebook path relative to the project root. */
  notebook: string;
  questions: Record<string, AnswerKeyEntry>;
}

function fail(id: string, message: string): never {
  throw new Error(`answer key, question ${id}: ${message}`);
}

function choices(id: string, field: string, map: Record<string, string> | undefined): Choice[] {
  if (map === undefined || typeof map !== 'object' || Object.keys(map).length < 2) fail(id, `missing ${field} (expected at least two id: label pairs)`);
  return Object.entries(map).map(([choiceId, label]) => ({ id: choiceId, label }));
}

/** Decimal places to print a number without float noise. */
function tidy(value: number): number {
  return Number(value.toPrecision(12));
}

export interface Tolerance {
  base: number;
  quantum: number;
}

/** Tolerance in base units and the bucket width: a tenth of the tolerance (see acceptedBuckets). */
export function numericTolerance(id: string, answerBase: number, unit: string, tolerance: string | undefined): Tolerance {
  let base: number;
  if (tolerance === undefined) base = Math.abs(answerBase) * 1e-9 || 1e-12;
  else if (/%\s*$/.test(tolerance)) {
    const percent = Number(tolerance.replace(/%\s*$/, ''));
    if (!(percent > 0 && percent < 100)) fail(id, `invalid tolerance: ${tolerance} (expected 0..100 %)`);
    base = (Math.abs(answerBase) * percent) / 100;
  } else {
    const parsed = parseQuantity(tolerance, unit);
    if (typeof parsed === 'string' || parsed.base <= 0) fail(id, `invalid tolerance: ${tolerance} (expected a positive quantity like "0.5 ms" or "2%")`);
    base = parsed.base;
  }
  return { base, quantum: tidy(base / 10) };
}

function salted(salt: string, domain: string, key: string): string {
  return answerHash(salt, domain, key);
}

/** Build the hashed question metadata for one entry. `salt` is kept across runs for stable diffs. */
export function buildQuestion(id: string, entry: AnswerKeyEntry, salt: string): Question {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(id)) fail(id, 'invalid id (expected lowercase letters, digits and dashes)');
  if (!QUESTION_KINDS.includes(entry.kind)) fail(id, `invalid kind: ${entry.kind} (expected one of ${QUESTION_KINDS.join(', ')})`);
  if (typeof entry.title !== 'string' || entry.title.trim() === '') fail(id, 'missing title');
  const feedback: Record<string, string> = {};
  const addFeedback = (domain: string, key: string, text: string | undefined) => {
    if (text !== undefined) feedback[salted(salt, `feedback:${domain}`, key)] = seal(feedbackKey(salt, key), text);
  };
  let answerText = entry.answerText;
  const base = { id, title: entry.title, salt, hints: entry.hints ?? [] };
  let question: Question;
  switch (entry.kind) {
    case 'single':
    case 'multiple': {
      const options = choices(id, 'options', entry.options);
      const ids = options.map((o) => o.id);
      const answer = entry.answer;
      const chosen = entry.kind === 'single' ? [answer] : answer;
      if (!Array.isArray(chosen) || chosen.some((c) => typeof c !== 'string' || !ids.includes(c))) {
        fail(id, `invalid answer: ${JSON.stringify(answer)} (expected ${entry.kind === 'single' ? 'one option id' : 'an array of option ids'} of ${ids.join(', ')})`);
      }
      answerText ??= (chosen as string[]).map((c) => options.find((o) => o.id === c)?.label ?? c).join('; ');
      for (const wrong of entry.wrong ?? []) {
        // A single option (in multiple: one distractor) or a whole selection.
        addFeedback('choice', canonical.choice(wrong.answer as string | string[]), wrong.feedback);
      }
      question = { ...base, kind: entry.kind, options, answer: salted(salt, 'answer', canonical.choice(chosen as string[])) };
      if (entry.kind === 'single') question.answer = salted(salt, 'answer', chosen[0] as string);
      break;
    }
    case 'numeric': {
      const unit = entry.unit ?? '';
      if (unitOf(unit) === undefined) fail(id, `unknown unit: ${unit}`);
      const parsed = parseQuantity(String(entry.answer ?? ''), unit);
      if (typeof parsed === 'string') fail(id, `invalid answer: ${parsed}`);
      const tolerance = numericTolerance(id, parsed.base, unit, entry.tolerance);
      const accept = acceptedBuckets(parsed.base, tolerance.base, tolerance.quantum).map((k) => salted(salt, 'answer', canonical.numeric(k)));
      if (accept.length > 64) fail(id, 'tolerance too wide for its quantum');
      for (const wrong of entry.wrong ?? []) {
        const w = parseQuantity(String(wrong.answer), unit);
        if (typeof w === 'string') fail(id, `invalid wrong answer ${JSON.stringify(wrong.answer)}: ${w}`);
        addFeedback('numeric', canonical.numeric(Math.round(w.base / tolerance.quantum)), wrong.feedback);
      }
      answerText ??= `${entry.answer}${unit && !/[a-zµμ%]\s*$/i.test(String(entry.answer)) ? ` ${unit}` : ''}`;
      question = { ...base, kind: 'numeric', unit, quantum: tolerance.quantum, accept };
      break;
    }
    case 'text': {
      if (typeof entry.answer !== 'string' || normaliseText(entry.answer) === '') fail(id, 'missing answer (expected a string)');
      const accepted = [entry.answer, ...(entry.synonyms ?? [])].map(canonical.text);
      for (const wrong of entry.wrong ?? []) addFeedback('text', canonical.text(String(wrong.answer)), wrong.feedback);
      answerText ??= entry.answer;
      question = { ...base, kind: 'text', accept: [...new Set(accepted)].map((a) => salted(salt, 'answer', a)) };
      break;
    }
    case 'classification': {
      const items = choices(id, 'items', entry.items as Record<string, string>);
      const categories = choices(id, 'categories', entry.categories);
      const answer = entry.answer;
      if (typeof answer !== 'object' || answer === null || Array.isArray(answer)) fail(id, 'invalid answer (expected item id → category id)');
      const itemAnswers: Record<string, string> = {};
      for (const item of items) {
        const category = answer[item.id];
        if (!categories.some((c) => c.id === category)) fail(id, `invalid answer for item ${item.id}: ${JSON.stringify(category)} (expected one of ${categories.map((c) => c.id).join(', ')})`);
        itemAnswers[item.id] = salted(salt, 'answer', canonical.placement(item.id, category));
      }
      for (const wrong of entry.wrong ?? []) {
        // Feedback for one misplacement: { "item": "category" } with a single pair.
        const pairs = Object.entries(wrong.answer as Record<string, string>);
        if (pairs.length === 1) addFeedback('placement', canonical.placement(pairs[0][0], pairs[0][1]), wrong.feedback);
      }
      answerText ??= items.map((i) => `${i.label} → ${categories.find((c) => c.id === answer[i.id])?.label}`).join('; ');
      question = { ...base, kind: 'classification', items, categories, itemAnswers };
      break;
    }
    case 'response': {
      const q: ResponseQuestion = { ...base, kind: 'response' };
      if (entry.columns !== undefined) {
        if (typeof entry.columns !== 'object' || Object.keys(entry.columns).length === 0) fail(id, 'columns must map column ids to labels');
        q.columns = Object.entries(entry.columns).map(([colId, spec]) =>
          typeof spec === 'string' ? { id: colId, label: spec } : { id: colId, label: spec.label, ...(spec.placeholder ? { placeholder: spec.placeholder } : {}) });
      }
      if (entry.rows !== undefined) q.rows = entry.rows;
      if (entry.placeholder !== undefined) q.placeholder = entry.placeholder;
      if (entry.fromRun !== undefined) {
        if (entry.fromRun !== true) fail(id, 'fromRun must be true or left out');
        if (q.columns === undefined) fail(id, 'fromRun needs columns (a run records table rows)');
        q.fromRun = true;
      }
      if (entry.example !== undefined) {
        if (q.fromRun !== true) fail(id, 'example is for a fromRun response');
        const example = responseFromRun(q, entry.example);
        if ('problem' in example) fail(id, `the code cell's example rows: ${example.problem}`);
        q.example = exampleHash(q, example.response);
      }
      if (entry.answer !== undefined || entry.wrong !== undefined) fail(id, 'a response has no answer and no wrong answers (it is not graded)');
      // Not graded: no answer to reveal, so no sealed reveal either.
      return q;
    }
    case 'checklist': {
      const items = entry.items;
      if (items === undefined || typeof items !== 'object' || Object.keys(items).length === 0) fail(id, 'missing items (expected item id → {label, questions})');
      const list = Object.entries(items).map(([itemId, spec]) => {
        if (typeof spec !== 'object' || typeof spec.label !== 'string' || spec.label === '') fail(id, `item ${itemId} must be {label, questions}`);
        return { id: itemId, label: spec.label, questions: [...(spec.questions ?? [])] };
      });
      return { ...base, kind: 'checklist', items: list };
    }
    case 'code': {
      if (typeof entry.exercise !== 'string' || entry.exercise === '') fail(id, 'missing exercise (expected a distlab exercise id)');
      answerText ??= '';
      question = { ...base, kind: 'code', exercise: entry.exercise };
      break;
    }
  }
  if (Object.keys(feedback).length > 0) question.feedback = feedback;
  question.reveal = seal(revealKey(salt), JSON.stringify({ answer: answerText ?? '', explanation: entry.explanation ?? '' }));
  return question;
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '0': '\0' };

/** A JavaScript string literal's escapes (\n, \', \u00e9, ...) read as the characters they stand for. */
function unescapeText(text: string): string {
  return text.replace(/\\(u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|.)/g, (_, e: string) =>
    e.length > 1 ? String.fromCodePoint(parseInt(e.replace(/^[ux]\{?|\}$/g, ''), 16)) : (ESCAPES[e] ?? e));
}

/**
 * Rows written in a code cell as a plain literal, `[ { key: 'text', "key": "text" }, ... ]`
 * (comments and trailing commas allowed), read as data: nothing of the notebook is run. Throws
 * on anything else (a variable, a call, a number, a template string).
 */
export function parseRowsLiteral(source: string): Record<string, string>[] {
  const token = /\s+|\/\/[^\n]*|\/\*[\s\S]*?\*\/|'((?:[^'\\\n]|\\.)*)'|"((?:[^"\\\n]|\\.)*)"|([A-Za-z_$][\w$]*)|([[\]{}:,])|(.)/gy;
  const tokens: { kind: 'text' | 'name' | 'punct'; value: string }[] = [];
  for (let m = token.exec(source); m !== null && m[0] !== ''; m = token.exec(source)) {
    if (m[5] !== undefined) throw new Error(`unexpected ${JSON.stringify(m[5])} in the rows literal`);
    const quoted = m[1] ?? m[2];
    if (quoted !== undefined) tokens.push({ kind: 'text', value: unescapeText(quoted) });
    else if (m[3] !== undefined) tokens.push({ kind: 'name', value: m[3] });
    else if (m[4] !== undefined) tokens.push({ kind: 'punct', value: m[4] });
  }
  let at = 0;
  const next = () => tokens[at++] ?? { kind: 'punct', value: 'end' };
  const expect = (value: string) => {
    const t = next();
    if (t.kind !== 'punct' || t.value !== value) throw new Error(`expected ${value} in the rows literal, found ${t.value}`);
  };
  const rows: Record<string, string>[] = [];
  expect('[');
  while (tokens[at]?.value !== ']') {
    expect('{');
    const row: Record<string, string> = {};
    while (tokens[at]?.value !== '}') {
      const key = next();
      if (key.kind === 'punct') throw new Error(`expected a key in the rows literal, found ${key.value}`);
      expect(':');
      const value = next();
      if (value.kind !== 'text') throw new Error(`expected text for ${key.value} in the rows literal, found ${value.value}`);
      row[key.value] = value.value;
      if (tokens[at]?.value === ',') at++;
    }
    expect('}');
    rows.push(row);
    if (tokens[at]?.value === ',') at++;
  }
  expect(']');
  if (at !== tokens.length) throw new Error('text after the rows literal');
  return rows;
}

/** Author errors across a whole answer key: checklist items must name questions of the same key. */
export function answerKeyProblems(key: AnswerKey, built: Record<string, Question>): string[] {
  const known = Object.fromEntries(Object.entries(key.questions).map(([id, entry]) => [id, entry.kind]));
  return Object.values(built).flatMap((q) => (q.kind === 'checklist' ? checklistProblems(q, known).map((p) => `answer key, question ${q.id}: ${p}`) : []));
}

/** The reference response of an entry, in the shape the lab sends to checkResponse. */
export function referenceResponse(entry: AnswerKeyEntry): Response {
  if (entry.kind === 'numeric') return String(entry.answer);
  return entry.answer as Response;
}

/** A listed wrong answer, in the shape the lab sends (classification: the reference with one item moved). */
export function wrongResponse(entry: AnswerKeyEntry, wrong: WrongAnswer): Response {
  if (entry.kind === 'classification') return { ...(entry.answer as Record<string, string>), ...(wrong.answer as Record<string, string>) };
  if (entry.kind === 'multiple' && typeof wrong.answer === 'string') return [wrong.answer];
  return wrong.answer as Response;
}
