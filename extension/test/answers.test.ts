import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { describe, expect, it } from 'vitest';
import { AnswerKey, buildQuestion, referenceResponse, wrongResponse } from '../src/answers/authoring';
import { acceptedBuckets, checkResponse, normaliseText, openReveal, parseNumber, parseQuantity } from '../src/answers/matching';
import type { Question } from '../src/answers/question-types';
import { sha256Hex } from '../src/answers/sha256';
import { validateQuestionMetadata } from '../src/answers/validate-metadata';
import { createHash } from 'node:crypto';

const ROOT = new URL('../../', import.meta.url).pathname;
const SALT = '00112233445566778899aabbccddeeff';

const notebooks = readdirSync(join(ROOT, 'notebooks')).filter((f) => f.endsWith('.ipynb'));
const answerKeys = readdirSync(join(ROOT, 'quiz')).filter((f) => f.endsWith('.answers.json'));
type Cell = { cell_type: string; source: string | string[]; metadata?: Record<string, any> };
const cellsOf = (file: string): Cell[] => JSON.parse(readFileSync(join(ROOT, 'notebooks', file), 'utf8')).cells;
const text = (cell: Cell) => (Array.isArray(cell.source) ? cell.source.join('') : cell.source);

describe('SHA-256', () => {
  it('matches Node crypto, including multi-block and non-ASCII input', () => {
    for (const input of ['', 'abc', 'µs → 0.1 s', 'x'.repeat(55), 'y'.repeat(56), 'z'.repeat(1000)]) {
      expect(sha256Hex(input)).toBe(createHash('sha256').update(input, 'utf8').digest('hex'));
    }
  });
});

describe('numbers and units', () => {
  it('reads numbers the way people type them', () => {
    expect(parseNumber('5000')).toBe(5000);
    expect(parseNumber('5,000')).toBe(5000);
    expect(parseNumber('5 000')).toBe(5000);
    expect(parseNumber('5e3')).toBe(5000);
    expect(parseNumber('0,5')).toBe(0.5);
    expect(parseNumber('−2')).toBe(-2);
    expect(parseNumber('five')).toBeNull();
  });

  it('converts units within a dimension and refuses another dimension', () => {
    expect(parseQuantity('100 ms', 'ms')).toEqual({ base: 0.1, dimension: 'time' });
    expect(parseQuantity('0.1 s', 'ms')).toEqual({ base: 0.1, dimension: 'time' });
    expect(parseQuantity('100', 'ms')).toEqual({ base: 0.1, dimension: 'time' });
    expect((parseQuantity('100000 µs', 'ms') as { base: number }).base).toBeCloseTo(0.1, 12);
    expect(parseQuantity('5000x', '')).toEqual({ base: 5000, dimension: 'ratio' });
    expect(parseQuantity('1 KB', 'B')).toEqual({ base: 1000, dimension: 'size' });
    expect(parseQuantity('3 MB', 'ms')).toMatch(/unit of size/);
    expect(parseQuantity('3 parsecs', 'ms')).toMatch(/unknown unit/);
  });
});

function question(id: string, entry: AnswerKey['questions'][string]): Question {
  return buildQuestion(id, entry, SALT);
}

describe('numeric tolerance with hashed buckets', () => {
  const q = question('latency', { kind: 'numeric', title: 't', answer: '100 ms', unit: 'ms', tolerance: '5 ms', wrong: [{ answer: '10 ms', feedback: 'ten times too small' }] });

  it('accepts every value within ±tolerance, in any unit of time', () => {
    for (const answer of ['100 ms', '0.1 s', '100', '95 ms', '105 ms', '0.095 s', '104999 µs']) expect(checkResponse(q, answer).correct, answer).toBe(true);
  });

  it('rejects values beyond tolerance + quantum (5.5 ms here)', () => {
    for (const answer of ['94 ms', '106 ms', '0.2 s', '100 s', '10']) expect(checkResponse(q, answer).correct, answer).toBe(false);
  });

  it('holds the guarantee over a sweep', () => {
    const quantum = 0.0005;
    for (let x = 0.09; x <= 0.11; x += 0.0001) {
      const correct = checkResponse(q, `${x} s`).correct;
      if (Math.abs(x - 0.1) <= 0.005 - 1e-12) expect(correct, `${x}`).toBe(true);
      if (Math.abs(x - 0.1) > 0.005 + quantum + 1e-12) expect(correct, `${x}`).toBe(false);
    }
    expect(acceptedBuckets(0.1, 0.005, quantum)).toHaveLength(21);
  });

  it('gives the feedback of a recognised wrong value, and says when it cannot read the input', () => {
    expect(checkResponse(q, '10 ms').feedback).toEqual(['ten times too small']);
    expect(checkResponse(q, '11 ms').feedback).toEqual([]);
    expect(checkResponse(q, 'soon').unreadable).toMatch(/not a number/);
    expect(checkResponse(q, '2 GB').unreadable).toMatch(/unit of size/);
  });
});

describe('text normalisation and synonyms', () => {
  const q = question('partition', { kind: 'text', title: 't', answer: 'network partition', synonyms: ['split brain', 'partition'], wrong: [{ answer: 'crash', feedback: 'a crash stops a node; here both sides keep running' }] });
  it('ignores case, spacing, punctuation, accents and a leading article', () => {
    for (const answer of ['Network Partition', '  network   partition. ', 'the network partition', 'Split-brain', 'PARTITION', 'nétwork partition']) {
      expect(checkResponse(q, answer).correct, answer).toBe(true);
    }
    expect(normaliseText('  The  Split-Brain! ')).toBe('split brain');
  });
  it('rejects other answers, with feedback where the author wrote some', () => {
    expect(checkResponse(q, 'partitions of the network').correct).toBe(false);
    expect(checkResponse(q, 'Crash').feedback).toEqual(['a crash stops a node; here both sides keep running']);
  });
});

describe('choices and classification', () => {
  it('single and multiple choice, with per-distractor feedback', () => {
    const single = question('s', { kind: 'single', title: 't', options: { a: 'A', b: 'B', c: 'C' }, answer: 'b', wrong: [{ answer: 'a', feedback: 'not A' }] });
    expect(checkResponse(single, 'b').correct).toBe(true);
    expect(checkResponse(single, 'a')).toEqual({ correct: false, feedback: ['not A'] });
    const multiple = question('m', { kind: 'multiple', title: 't', options: { a: 'A', b: 'B', c: 'C' }, answer: ['c', 'a'], wrong: [{ answer: 'b', feedback: 'B is a distractor' }] });
    expect(checkResponse(multiple, ['a', 'c']).correct).toBe(true);
    expect(checkResponse(multiple, ['a']).correct).toBe(false);
    expect(checkResponse(multiple, ['a', 'b', 'c'])).toEqual({ correct: false, feedback: ['B is a distractor'] });
  });

  it('classification (CP/AP) names how many items are misplaced', () => {
    const q = question('cap', {
      kind: 'classification', title: 't',
      items: { bank: 'Bank balance', likes: 'Like counter', dns: 'DNS' }, categories: { cp: 'CP', ap: 'AP' },
      answer: { bank: 'cp', likes: 'ap', dns: 'ap' }, wrong: [{ answer: { bank: 'ap' }, feedback: 'an overdraft is worse than a refusal' }]
    });
    expect(checkResponse(q, { bank: 'cp', likes: 'ap', dns: 'ap' }).correct).toBe(true);
    const wrong = checkResponse(q, { bank: 'ap', likes: 'ap', dns: 'cp' });
    expect(wrong.correct).toBe(false);
    expect(wrong.misplaced).toEqual(['bank', 'dns']);
    expect(wrong.feedback).toEqual(['an overdraft is worse than a refusal']);
  });

  it('reveals the answer and explanation only through the sealed blob', () => {
    const q = question('r', { kind: 'single', title: 't', options: { a: 'Alpha', b: 'Beta' }, answer: 'b', explanation: 'Because beta.' });
    expect(JSON.stringify(q)).not.toContain('"answer":"b"');
    expect(JSON.stringify(q)).not.toContain('Because beta');
    expect(openReveal(q)).toEqual({ answer: 'Beta', explanation: 'Because beta.' });
  });
});

describe('every notebook and answer key', () => {
  const schema = JSON.parse(readFileSync(join(ROOT, 'extension', 'schema', 'question-metadata.v1.json'), 'utf8'));
  const validate = new Ajv({ allErrors: true, strict: true }).compile(schema);
  const questionCells = notebooks.flatMap((file) => cellsOf(file).filter((c) => c.metadata?.distlab !== undefined).map((cell) => ({ file, cell })));

  it('the start notebook has questions', () => {
    expect(questionCells.filter((q) => q.file === '00-start-here.ipynb').length).toBeGreaterThanOrEqual(2);
  });

  it('question metadata is valid against the JSON Schema and the lab validator, only in markdown cells', () => {
    for (const { file, cell } of questionCells) {
      const ok = validate(cell.metadata!.distlab);
      expect(ok, `${file}: ${JSON.stringify(validate.errors)}`).toBe(true);
      expect(validateQuestionMetadata(cell.metadata!.distlab), file).toEqual([]);
      expect(cell.cell_type, file).toBe('markdown');
    }
  });

  it('the schema and the lab validator both reject malformed metadata', () => {
    const good = questionCells[0].cell.metadata!.distlab;
    const bad = [
      { ...good, extra: 1 },
      { ...good, version: 2 },
      { ...good, question: { ...good.question, answer: 'c', kind: 'single', options: [{ id: 'a', label: 'A' }, { id: 'c', label: 'C' }] } },
      { ...good, question: { ...good.question, surprise: true } },
      { ...good, question: { ...good.question, kind: 'essay' } }
    ];
    for (const meta of bad) {
      expect(validate(meta), JSON.stringify(meta).slice(0, 80)).toBe(false);
      expect(validateQuestionMetadata(meta).length, JSON.stringify(meta).slice(0, 80)).toBeGreaterThan(0);
    }
  });

  it('question ids are unique across all notebooks', () => {
    const ids = questionCells.map(({ cell }) => cell.metadata!.distlab.question.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('each reference answer checks correct and each listed wrong answer checks wrong, against the committed notebook metadata', () => {
    expect(answerKeys.length).toBeGreaterThan(0);
    for (const keyFile of answerKeys) {
      const key = JSON.parse(readFileSync(join(ROOT, 'quiz', keyFile), 'utf8')) as AnswerKey;
      const cells = cellsOf(key.notebook.replace(/^notebooks\//, ''));
      for (const [id, entry] of Object.entries(key.questions)) {
        const cell = cells.find((c) => c.metadata?.distlab?.question?.id === id);
        expect(cell, `${keyFile}: ${id} has no hashed cell (run npm run quiz)`).toBeDefined();
        const q = cell!.metadata!.distlab.question as Question;
        // Code exercises are checked in the kernel; responses and checklists are not graded.
        if (entry.kind === 'code' || entry.kind === 'response' || entry.kind === 'checklist') continue;
        expect(checkResponse(q, referenceResponse(entry)).correct, `${id} reference`).toBe(true);
        for (const wrong of entry.wrong ?? []) {
          const outcome = checkResponse(q, wrongResponse(entry, wrong));
          expect(outcome.correct, `${id} wrong answer ${JSON.stringify(wrong.answer)}`).toBe(false);
          if (wrong.feedback) expect(outcome.feedback, `${id} feedback`).toContain(wrong.feedback);
        }
      }
    }
  });

  it('no notebook holds an answer key in plain text', () => {
    expect(readdirSync(join(ROOT, 'notebooks')).filter((f) => /answers/.test(f))).toEqual([]);
    for (const keyFile of answerKeys) {
      const key = JSON.parse(readFileSync(join(ROOT, 'quiz', keyFile), 'utf8')) as AnswerKey;
      const raw = readFileSync(join(ROOT, key.notebook), 'utf8');
      for (const [id, entry] of Object.entries(key.questions)) {
        // Explanations, feedback and the answer in words are sealed: none appears in clear.
        for (const secret of [entry.explanation, ...(entry.wrong ?? []).map((w) => w.feedback)]) {
          if (secret) expect(raw.includes(secret), `${id}: plain text "${secret.slice(0, 40)}"`).toBe(false);
        }
        // A numeric or text answer in clear, other than as part of a longer number.
        // Meaningful only for answers that do not occur in ordinary prose (not "2", not "yes").
        const answer = String(entry.answer);
        if ((entry.kind === 'numeric' || entry.kind === 'text') && answer.replace(/[^0-9a-z]/gi, '').length >= 3) {
          const pattern = new RegExp(`(^|[^0-9.,])${answer.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^0-9.,])`, 'i');
          // In the question's own cell (prose elsewhere may quote the same number for another reason).
          const own = (JSON.parse(raw).cells as Cell[]).filter((c) => c.metadata?.distlab?.question?.id === id);
          for (const cell of own) expect(pattern.test(text(cell)), `${id}: "${answer}" in its cell`).toBe(false);
        }
      }
      // The metadata never carries an answer field that is not a hash.
      for (const match of raw.matchAll(/"answer": "([^"]*)"/g)) expect(match[1]).toMatch(/^[0-9a-f]{64}$/);
    }
  });
});
