/**
 * Validation of question metadata in the browser, mirroring
 * extension/schema/question-metadata.v1.json (the unit tests check both agree). Hand-written
 * so the lab needs no schema compiler; returns author-facing messages, empty when valid.
 */
import type { Question } from './question-types';

const HASH = /^[0-9a-f]{64}$/;
const HEX = /^(?:[0-9a-f]{2})*$/;
const ID = /^[a-z0-9][a-z0-9-]*$/;
const COMMON = ['id', 'kind', 'title', 'salt', 'hints', 'reveal', 'feedback'];
const BY_KIND: Record<string, { required: string[]; optional?: string[] }> = {
  single: { required: ['options', 'answer'] },
  multiple: { required: ['options', 'answer'] },
  numeric: { required: ['unit', 'quantum', 'accept'] },
  text: { required: ['accept'] },
  classification: { required: ['items', 'categories', 'itemAnswers'] },
  code: { required: ['exercise'] },
  response: { required: [], optional: ['columns', 'rows', 'placeholder', 'fromRun', 'example'] },
  checklist: { required: ['items'] }
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function choices(name: string, value: unknown, errors: string[]): void {
  if (!Array.isArray(value) || value.length < 2) {
    errors.push(`${name} must be a list of at least two {id, label}`);
    return;
  }
  value.forEach((c, i) => {
    if (!isObject(c) || typeof c.id !== 'string' || !ID.test(c.id) || typeof c.label !== 'string' || c.label === '' || Object.keys(c).some((k) => k !== 'id' && k !== 'label')) {
      errors.push(`${name}[${i}] must be {id, label} with a lowercase id`);
    }
  });
}

/** Messages for an author; [] when `meta` (the value of metadata.distlab) is a valid v1 question. */
export function validateQuestionMetadata(meta: unknown): string[] {
  const errors: string[] = [];
  if (!isObject(meta)) return ['metadata.distlab must be an object {version, question}'];
  for (const key of Object.keys(meta)) if (key !== 'version' && key !== 'question') errors.push(`unknown key metadata.distlab.${key}`);
  if (meta.version !== 1) errors.push(`unsupported version: ${JSON.stringify(meta.version)} (expected 1)`);
  const q = meta.question;
  if (!isObject(q)) return [...errors, 'metadata.distlab.question must be an object'];
  const kind = q.kind;
  if (typeof kind !== 'string' || !(kind in BY_KIND)) return [...errors, `invalid kind: ${JSON.stringify(kind)} (expected one of ${Object.keys(BY_KIND).join(', ')})`];
  const allowed = [...COMMON, ...BY_KIND[kind].required, ...(BY_KIND[kind].optional ?? [])];
  for (const key of Object.keys(q)) if (!allowed.includes(key)) errors.push(`unknown key question.${key} for kind ${kind}`);
  for (const key of ['id', 'title', 'salt', ...BY_KIND[kind].required]) if (!(key in q)) errors.push(`missing question.${key}`);
  if ('id' in q && (typeof q.id !== 'string' || !ID.test(q.id))) errors.push(`invalid id: ${JSON.stringify(q.id)} (expected lowercase letters, digits and dashes)`);
  if ('title' in q && (typeof q.title !== 'string' || q.title === '' || q.title.length > 120)) errors.push('title must be a string of 1..120 characters');
  if ('salt' in q && (typeof q.salt !== 'string' || !/^[0-9a-f]{16,64}$/.test(q.salt))) errors.push('salt must be 16..64 hex digits (run npm run quiz)');
  if ('hints' in q && (!Array.isArray(q.hints) || q.hints.some((h) => typeof h !== 'string' || h === ''))) errors.push('hints must be a list of strings');
  if ('reveal' in q && (typeof q.reveal !== 'string' || !HEX.test(q.reveal))) errors.push('reveal must be hex (written by npm run quiz)');
  if ('feedback' in q && (!isObject(q.feedback) || Object.entries(q.feedback).some(([k, v]) => !HASH.test(k) || typeof v !== 'string' || !HEX.test(v)))) errors.push('feedback must map answer hashes to hex');
  const hashList = (name: string, min: number, max = Infinity) => {
    const v = q[name];
    if (name in q && (!Array.isArray(v) || v.length < min || v.length > max || v.some((h) => typeof h !== 'string' || !HASH.test(h)))) errors.push(`${name} must be a list of ${min}..${max} answer hashes`);
  };
  switch (kind) {
    case 'single':
    case 'multiple':
      choices('options', q.options, errors);
      if ('answer' in q && (typeof q.answer !== 'string' || !HASH.test(q.answer))) errors.push('answer must be a hash (plain answers are not allowed: run npm run quiz)');
      break;
    case 'numeric':
      if ('unit' in q && (typeof q.unit !== 'string' || q.unit.length > 16)) errors.push('unit must be a short string');
      if ('quantum' in q && !(typeof q.quantum === 'number' && q.quantum > 0)) errors.push('quantum must be a positive number');
      hashList('accept', 1, 64);
      break;
    case 'text':
      hashList('accept', 1);
      break;
    case 'classification':
      choices('items', q.items, errors);
      choices('categories', q.categories, errors);
      if ('itemAnswers' in q && (!isObject(q.itemAnswers) || Object.values(q.itemAnswers).some((h) => typeof h !== 'string' || !HASH.test(h)))) errors.push('itemAnswers must map item ids to hashes');
      break;
    case 'code':
      if ('exercise' in q && (typeof q.exercise !== 'string' || !ID.test(q.exercise))) errors.push('exercise must be an exercise id');
      break;
    case 'response':
      if ('columns' in q) {
        const cols = q.columns;
        if (!Array.isArray(cols) || cols.length < 1 || cols.length > 12) errors.push('columns must be a list of 1..12 {id, label, placeholder?}');
        else cols.forEach((c, i) => {
          if (!isObject(c) || typeof c.id !== 'string' || !ID.test(c.id) || typeof c.label !== 'string' || c.label === '' ||
            ('placeholder' in c && typeof c.placeholder !== 'string') || Object.keys(c).some((k) => !['id', 'label', 'placeholder'].includes(k))) {
            errors.push(`columns[${i}] must be {id, label, placeholder?} with a lowercase id`);
          }
        });
      }
      if ('rows' in q && !(Number.isInteger(q.rows) && (q.rows as number) >= 1 && (q.rows as number) <= 50)) errors.push('rows must be an integer 1..50');
      if ('placeholder' in q && (typeof q.placeholder !== 'string' || q.placeholder.length > 500)) errors.push('placeholder must be a string of at most 500 characters');
      if ('fromRun' in q && (q.fromRun !== true || !('columns' in q))) errors.push('fromRun must be true, on a table response (with columns)');
      if ('example' in q && (typeof q.example !== 'string' || !HASH.test(q.example) || !('fromRun' in q))) errors.push('example must be a hash, on a fromRun response (written by npm run quiz)');
      break;
    case 'checklist': {
      const items = q.items;
      if (!Array.isArray(items) || items.length < 1) {
        errors.push('items must be a list of at least one {id, label, questions}');
        break;
      }
      items.forEach((item, i) => {
        if (!isObject(item) || typeof item.id !== 'string' || !ID.test(item.id) || typeof item.label !== 'string' || item.label === '' ||
          !Array.isArray(item.questions) || item.questions.some((id) => typeof id !== 'string' || !ID.test(id)) ||
          Object.keys(item).some((k) => !['id', 'label', 'questions'].includes(k))) {
          errors.push(`items[${i}] must be {id, label, questions: [question ids]}`);
        }
      });
      const ids = items.map((item) => (isObject(item) ? item.id : undefined));
      if (new Set(ids).size !== ids.length) errors.push('item ids must be unique');
      break;
    }
  }
  return errors;
}

export function asQuestion(meta: unknown): Question | null {
  return validateQuestionMetadata(meta).length === 0 ? ((meta as { question: Question }).question) : null;
}
