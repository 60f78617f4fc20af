import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { answerToStore, itemsOfPlaceholderTable, optionTextsOfList, MAX_ANSWER_CHARS, MAX_ANSWER_PARTS, storedAnswer } from '../src/answers/answer-store';
import { buildQuestion } from '../src/answers/authoring';
import type { Question } from '../src/answers/question-types';

const ROOT = new URL('../../', import.meta.url).pathname;
const SALT = '00112233445566778899aabbccddeeff';
const single = buildQuestion('pick', { kind: 'single', title: 'Pick', options: { a: 'One', b: 'Two' }, answer: 'b' }, SALT) as Question;
const multiple = buildQuestion('picks', { kind: 'multiple', title: 'Picks', options: { a: 'One', b: 'Two', c: 'Three' }, answer: ['a', 'c'] }, SALT) as Question;
const classify = buildQuestion('sort', { kind: 'classification', title: 'Sort', categories: { cp: 'CP', ap: 'AP' }, items: { zk: 'ZooKeeper', cass: 'Cassandra' }, answer: { zk: 'cp', cass: 'ap' } }, SALT) as Question;
const numeric = buildQuestion('num', { kind: 'numeric', title: 'Num', answer: '5000', unit: '', tolerance: '2%' }, SALT) as Question;

describe('the answer an attempt keeps', () => {
  it('keeps what the learner gave, within the limits the server enforces', () => {
    expect(answerToStore('5e3')).toBe('5e3');
    expect(answerToStore(['a', 'c'])).toEqual(['a', 'c']);
    expect(answerToStore({ zk: 'cp', cass: '' })).toEqual({ zk: 'cp', cass: '' });
    expect(answerToStore('x'.repeat(MAX_ANSWER_CHARS))).toBeDefined();
    expect(answerToStore('x'.repeat(MAX_ANSWER_CHARS + 1))).toBeUndefined();
    expect(answerToStore(Array.from({ length: MAX_ANSWER_PARTS + 1 }, (_, i) => `o${i}`))).toBeUndefined();
    expect(answerToStore(['<img src=x>'])).toBeUndefined();
    const server = readFileSync(join(ROOT, 'extension', 'distlab_jupyterlab', 'progress.py'), 'utf8');
    expect(Number(/^MAX_ANSWER_CHARS = (\d+)$/m.exec(server)?.[1])).toBe(MAX_ANSWER_CHARS);
    expect(Number(/^MAX_ANSWER_PARTS = (\d+)$/m.exec(server)?.[1])).toBe(MAX_ANSWER_PARTS);
  });

  it('reads back only an answer in the question\'s own shape and ids (a progress file may be someone else\'s)', () => {
    expect(storedAnswer(single, 'b')).toBe('b');
    expect(storedAnswer(single, 'z')).toBeNull();
    expect(storedAnswer(single, ['b'])).toBeNull();
    expect(storedAnswer(multiple, ['a', 'c'])).toEqual(['a', 'c']);
    expect(storedAnswer(multiple, ['a', 'x'])).toBeNull();
    expect(storedAnswer(multiple, 'a')).toBeNull();
    expect(storedAnswer(classify, { zk: 'cp', cass: 'ap', extra: 'cp' })).toEqual({ zk: 'cp', cass: 'ap' });
    expect(storedAnswer(classify, { zk: 'xx' })).toBeNull();
    expect(storedAnswer(classify, ['cp'])).toBeNull();
    expect(storedAnswer(numeric, '<b>5000</b>')).toBe('<b>5000</b>');
    expect(storedAnswer(numeric, 5000)).toBeNull();
    expect(storedAnswer(numeric, 'x'.repeat(MAX_ANSWER_CHARS + 1))).toBeNull();
  });
});

/** The items of each markdown list in a cell's source, as text ("- **a.** One" → "**a.** One"). */
/** Every question cell of the notebooks: the question, its cell's markdown, and where it is. */
function notebookQuestions(): Array<{ q: Question; source: string; where: string }> {
  const dir = join(ROOT, 'notebooks');
  const found: Array<{ q: Question; source: string; where: string }> = [];
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.ipynb'))) {
    const nb = JSON.parse(readFileSync(join(dir, name), 'utf8')) as { cells: { source: string | string[]; metadata?: { distlab?: { question?: Question } } }[] };
    for (const cell of nb.cells) {
      const q = cell.metadata?.distlab?.question;
      if (q) found.push({ q, source: Array.isArray(cell.source) ? cell.source.join('') : cell.source, where: `${name} ${q.id}` });
    }
  }
  return found;
}

/** The body rows (cells of each) of the markdown pipe tables in a cell's source. */
function markdownTableBodies(source: string): string[][][] {
  const tables: string[][][] = [];
  const lines = source.split('\n');
  for (let i = 0; i + 1 < lines.length; i++) {
    if (!/^\s*\|.*\|\s*$/.test(lines[i]) || !/^\s*\|[\s:|-]+\|\s*$/.test(lines[i + 1])) continue;
    const rows: string[][] = [];
    let j = i + 2;
    for (; j < lines.length && /^\s*\|.*\|\s*$/.test(lines[j]); j++) rows.push(lines[j].trim().slice(1, -1).split('|').map((c) => c.trim()));
    tables.push(rows);
    i = j;
  }
  return tables;
}

function markdownLists(source: string): string[][] {
  const lists: string[][] = [];
  let current: string[] | null = null;
  for (const line of source.split('\n')) {
    const item = /^\s*(?:[-*+]|\d+[.)])\s+(.*)$/.exec(line);
    if (item) (current ??= []).push(item[1]);
    else if (current && line.trim() !== '' && /^\s{2,}/.test(line)) current[current.length - 1] += ` ${line.trim()}`;
    else if (current) {
      lists.push(current);
      current = null;
    }
  }
  if (current) lists.push(current);
  return lists;
}

describe('the markdown list of a question\'s options (hidden in the lab, where the widget lists them)', () => {
  it('is recognised in the ways notebooks write it, and not otherwise', () => {
    const options = [{ id: 'a', label: 'The payment was **not** made.' }, { id: 'b', label: 'It was made.' }];
    const texts = ['The payment was not made.', 'It was made.'];
    expect(optionTextsOfList(['a) The payment was not made.', 'b) It was made.'], options)).toEqual(texts);
    // An item that names its option by id is that option, in the notebook's words.
    expect(optionTextsOfList(['a) No payment.', 'b) A payment.'], options)).toEqual(['No payment.', 'A payment.']);
    expect(optionTextsOfList(['a. The payment was not made.', 'b. It was made.'], options)).toEqual(texts);
    expect(optionTextsOfList(['(a) The payment was not made.', 'It was made.'], options)).toEqual(texts);
    // A list that says more than the labels: the widget shows the longer text.
    expect(optionTextsOfList(['a) The payment was not made.', 'b) It was made. By the server, later'], options)).toEqual([texts[0], 'It was made. By the server, later']);
    expect(optionTextsOfList(['b) It was made.', 'a) The payment was not made.'], options)).toBeNull();
    expect(optionTextsOfList(['a) The payment was not made.'], options)).toBeNull();
    expect(optionTextsOfList(['The payment was not made.', 'It was madeover.'], options)).toBeNull();
    expect(optionTextsOfList(['a)', 'b) It was made.'], options)).toBeNull();
    expect(optionTextsOfList(['a) The payment was not made.', 'c) It was made.'], options)).toBeNull();
    expect(optionTextsOfList([], [])).toBeNull();
  });

  it('a table of the items with "?" to fill in is what a classification widget shows; a table that says more is not', () => {
    const rows = [['**SET x = 5**', '?'], ['INCREMENT x', ' ? ']];
    expect(itemsOfPlaceholderTable(rows)).toEqual(['**SET x = 5**', 'INCREMENT x']);
    expect(optionTextsOfList(itemsOfPlaceholderTable(rows)!, [{ id: 'set', label: 'SET x = 5' }, { id: 'inc', label: 'INCREMENT x' }])).toEqual(['SET x = 5', 'INCREMENT x']);
    expect(itemsOfPlaceholderTable([['SET x = 5', '']])).toEqual(['SET x = 5']);
    expect(itemsOfPlaceholderTable([['SET x = 5', 'idempotent']])).toBeNull();
    expect(itemsOfPlaceholderTable([['SET x = 5', '?', 'sets a value']])).toBeNull();
    expect(itemsOfPlaceholderTable([['SET x = 5']])).toBeNull();
    expect(itemsOfPlaceholderTable([])).toBeNull();
  });

  it('every classification question of every notebook shows its items in one table or list the lab recognises', () => {
    const classifications = notebookQuestions().filter(({ q }) => q.kind === 'classification');
    expect(classifications.length).toBeGreaterThan(2);
    const unmatched = classifications.filter(({ q, source }) => {
      if (q.kind !== 'classification') return true;
      const tables = markdownTableBodies(source).map(itemsOfPlaceholderTable).filter((items): items is string[] => items !== null);
      return [...tables, ...markdownLists(source)].filter((items) => optionTextsOfList(items, q.items) !== null).length !== 1;
    });
    expect(unmatched.map(({ where }) => where)).toEqual([]);
  });

  it('every choice question of every notebook lists its options in a list the lab recognises', () => {
    const choices = notebookQuestions().filter(({ q }) => q.kind === 'single' || q.kind === 'multiple');
    expect(choices.length).toBeGreaterThan(3);
    const unmatched = choices.filter(({ q, source }) => (q.kind !== 'single' && q.kind !== 'multiple') || markdownLists(source).filter((items) => optionTextsOfList(items, q.options) !== null).length !== 1);
    expect(unmatched.map(({ where }) => where)).toEqual([]);
  });
});
