import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { describe, expect, it } from 'vitest';
import { AnswerKey, answerKeyProblems, buildQuestion } from '../src/answers/authoring';
import type { ChecklistQuestion, Question, ResponseQuestion } from '../src/answers/question-types';
import { checklistProblems, checklistTicks, cleanResponse, isEmptyResponse, MAX_RESPONSE_BYTES, responseBytes, responseProblem, storedResponse } from '../src/answers/responses';
import { validateQuestionMetadata } from '../src/answers/validate-metadata';

const ROOT = new URL('../../', import.meta.url).pathname;
const SALT = '00112233445566778899aabbccddeeff';
const schema = JSON.parse(readFileSync(join(ROOT, 'extension', 'schema', 'question-metadata.v1.json'), 'utf8'));
const validate = new Ajv({ allErrors: true, strict: true }).compile(schema);
const meta = (question: unknown) => ({ version: 1, question });

const table = buildQuestion('own-system', {
  kind: 'response', title: 'Your own system',
  columns: { component: { label: 'Component', placeholder: 'e.g. web app' }, where: 'Runs where' }, rows: 2
}, SALT) as ResponseQuestion;
const text = buildQuestion('own-words', { kind: 'response', title: 'In your own words', placeholder: 'A sentence or two' }, SALT) as ResponseQuestion;
const checklist = buildQuestion('takeaways', {
  kind: 'checklist', title: 'Key takeaways',
  items: { cap: { label: '**CAP** — choose', questions: ['q-a', 'q-b'] }, spectrum: { label: 'Spectrum', questions: ['own-system'] }, pacelc: { label: 'PACELC', questions: [] } }
}, SALT) as ChecklistQuestion;

describe('response and checklist metadata (schema v1 and the lab validator agree)', () => {
  it('accepts a table response, a text response and a checklist as built by npm run quiz', () => {
    for (const q of [table, text, checklist]) {
      expect(validate(meta(q)), JSON.stringify(validate.errors)).toBe(true);
      expect(validateQuestionMetadata(meta(q))).toEqual([]);
    }
    expect(table.columns).toEqual([{ id: 'component', label: 'Component', placeholder: 'e.g. web app' }, { id: 'where', label: 'Runs where' }]);
    // Nothing to reveal: a response has no answer.
    expect(text.reveal).toBeUndefined();
  });

  it('rejects malformed ones in both', () => {
    const bad: unknown[] = [
      { ...table, answer: 'a'.repeat(64) },
      { ...table, columns: [{ id: 'component', label: 'Component', width: 3 }] },
      { ...table, columns: [] },
      { ...table, rows: 0 },
      { ...text, placeholder: 7 },
      { ...checklist, items: [] },
      { ...checklist, items: [{ id: 'cap', label: 'CAP' }] },
      { ...checklist, items: [{ id: 'cap', label: 'CAP', questions: ['Not An Id'] }] },
      { ...checklist, columns: [{ id: 'x', label: 'X' }] },
      { ...text, kind: 'essay' }
    ];
    for (const q of bad) {
      expect(validate(meta(q)), JSON.stringify(q).slice(0, 120)).toBe(false);
      expect(validateQuestionMetadata(meta(q)).length, JSON.stringify(q).slice(0, 120)).toBeGreaterThan(0);
    }
    // Unique item ids: beyond draft-07, so the lab validator says it.
    expect(validateQuestionMetadata(meta({ ...checklist, items: [checklist.items[0], checklist.items[0]] }))).toContain('item ids must be unique');
  });

  it('the authoring tool refuses an answer on a response, and checklist items naming unknown questions', () => {
    expect(() => buildQuestion('r', { kind: 'response', title: 't', answer: 'x' }, SALT)).toThrow(/not graded/);
    const key: AnswerKey = { notebook: 'x.ipynb', questions: { takeaways: { kind: 'checklist', title: 't', items: { a: { label: 'A', questions: ['q-missing', 'takeaways'] } } } } };
    const built = { takeaways: buildQuestion('takeaways', key.questions.takeaways, SALT) };
    expect(answerKeyProblems(key, built)).toEqual([
      'answer key, question takeaways: item a: unknown question q-missing',
      'answer key, question takeaways: item a: takeaways is a checklist, not a question'
    ]);
  });
});

describe('checklist ticks', () => {
  const states: Record<string, string> = {};
  const stateOf = (id: string) => states[id] ?? 'unanswered';

  it('an item ticks itself when all its questions are correct (a response: answered), not before', () => {
    states['q-a'] = 'correct';
    states['q-b'] = 'incorrect';
    expect(checklistTicks(checklist.items, [], stateOf).map((t) => t.ticked)).toEqual([false, false, false]);
    states['q-b'] = 'correct';
    states['own-system'] = 'answered';
    expect(checklistTicks(checklist.items, [], stateOf)).toEqual([
      { id: 'cap', auto: true, manual: false, ticked: true },
      { id: 'spectrum', auto: true, manual: false, ticked: true },
      { id: 'pacelc', auto: false, manual: false, ticked: false }
    ]);
    for (const state of ['hinted', 'revealed', 'incorrect']) {
      states['q-b'] = state;
      expect(checklistTicks(checklist.items, [], stateOf)[0].ticked, state).toBe(false);
    }
  });

  it('an item with no questions ticks only by hand; a hand tick stays when questions are unanswered', () => {
    const ticks = checklistTicks(checklist.items, ['pacelc', 'cap'], () => 'unanswered');
    expect(ticks.map((t) => [t.id, t.ticked, t.auto])).toEqual([['cap', true, false], ['spectrum', false, false], ['pacelc', true, false]]);
  });

  it('checklistProblems names unknown questions', () => {
    expect(checklistProblems(checklist, { 'q-a': 'single', 'q-b': 'code', 'own-system': 'response' })).toEqual([]);
    expect(checklistProblems(checklist, { 'q-a': 'single' })).toEqual(['item cap: unknown question q-b', 'item spectrum: unknown question own-system']);
  });
});

describe('response values and the size limit', () => {
  it('counts UTF-8 bytes of every cell, and refuses more than 20,000', () => {
    expect(responseBytes('µs')).toBe(3);
    expect(responseBytes([{ component: 'web', where: 'é' }, { component: 'db', where: '' }])).toBe(3 + 2 + 2);
    expect(responseProblem('x'.repeat(MAX_RESPONSE_BYTES))).toBeNull();
    expect(responseProblem('x'.repeat(MAX_RESPONSE_BYTES + 1))).toMatch(/20,001 bytes; the limit is 20,000/);
    expect(responseProblem('é'.repeat(10_001))).toMatch(/20,002 bytes/);
  });

  it('keeps only the question columns and drops trailing blank rows', () => {
    expect(cleanResponse(table, [{ component: 'web', where: 'vm', extra: 'x' }, { component: ' ', where: '' }, { component: '', where: '' }])).toEqual([{ component: 'web', where: 'vm' }]);
    expect(cleanResponse(table, [{ component: '', where: '' }, { component: 'db' }])).toEqual([{ component: '', where: '' }, { component: 'db', where: '' }]);
    expect(cleanResponse(text, 'hello')).toBe('hello');
    expect(isEmptyResponse('  \n')).toBe(true);
    expect(isEmptyResponse([{ component: ' ' }])).toBe(true);
    expect(isEmptyResponse([{ component: 'x' }])).toBe(false);
  });

  it('reads back only a stored value of the right shape', () => {
    expect(storedResponse(text, 'hi')).toBe('hi');
    expect(storedResponse(text, [{ a: 'b' }])).toBeNull();
    expect(storedResponse(table, 'hi')).toBeNull();
    expect(storedResponse(table, [{ component: 'web' }, 'junk'])).toEqual([{ component: 'web', where: '' }]);
  });
});

describe('module 5.1: your own system and the key takeaways', () => {
  const nb = JSON.parse(readFileSync(join(ROOT, 'notebooks', '5.1-what-makes-systems-distributed.ipynb'), 'utf8'));
  const questions: Question[] = nb.cells.map((c: any) => c.metadata?.distlab?.question).filter(Boolean);
  const byId = Object.fromEntries(questions.map((q) => [q.id, q]));

  it('the 1.3 cell is a table response filled by a run, and the takeaways a checklist whose items name questions of this notebook', () => {
    expect(byId['q-own-system']).toMatchObject({ kind: 'response', fromRun: true, columns: [{ id: 'component' }, { id: 'runs-where' }, { id: 'communicates-via' }] });
    const takeaways = byId['q-takeaways'] as ChecklistQuestion;
    expect(takeaways.kind).toBe('checklist');
    expect(takeaways.items).toHaveLength(8);
    expect(checklistProblems(takeaways, Object.fromEntries(questions.map((q) => [q.id, q.kind])))).toEqual([]);
    expect(takeaways.items.find((i) => i.id === 'spectrum')?.questions).toEqual(['q-own-system']);
  });

  it('both still read as text without the extension', () => {
    const source = (id: string) => {
      const cell = nb.cells.find((c: any) => c.metadata?.distlab?.question?.id === id);
      return Array.isArray(cell.source) ? cell.source.join('') : cell.source;
    };
    // The rows are typed once, in the code cell below the question, which shows them as its response.
    expect(source('q-own-system')).toMatch(/Type the rows in the\s+cell below/);
    const at = nb.cells.findIndex((c: any) => c.metadata?.distlab?.question?.id === 'q-own-system');
    const below = nb.cells.slice(at + 1).find((c: any) => c.cell_type === 'code');
    expect(below.source.join('')).toMatch(/const mySystem = \[\n {2}\{ component: '[^']+', runsWhere: /);
    expect(below.source.join('')).toContain("dl.table(mySystem, { title: 'My system', response: 'q-own-system' })");
    expect(source('q-takeaways')).toMatch(/^## Key takeaways$/m);
    expect(source('q-takeaways').match(/^- \[ \] /gm)).toHaveLength(8);
  });
});
