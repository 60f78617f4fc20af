import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as dl from 'distlab';

// The audit of module 5.1 against its course, kept as data: every teachable item of the course
// names the notebook cell that covers it and a text that must be in that cell. An item whose cell
// is gone, or whose text was edited away, fails here with its id.

const root = resolve(__dirname, '..', '..');
const audit = JSON.parse(readFileSync(resolve(root, 'course', 'module-5.1.items.json'), 'utf8')) as {
  notebook: string;
  items: { id: string; section: string; kind: string; statement: string; cell: string; marker: string; coverage: string }[];
};
const nb = JSON.parse(readFileSync(resolve(root, audit.notebook), 'utf8')) as { cells: { id: string; cell_type: string; source: string | string[] }[] };
const cells = new Map(nb.cells.map((c) => [c.id, { kind: c.cell_type, source: Array.isArray(c.source) ? c.source.join('') : c.source }]));
/** A cell's text as the learner reads it: a link counts as its text (terms link to the glossary). */
const readable = (source: string) => source.replace(/\[((?:[^[\]]|\[[^\]]*\])*)\]\([^)\s]+\)/g, '$1');
const key = JSON.parse(readFileSync(resolve(root, 'quiz', '5.1-what-makes-systems-distributed.answers.json'), 'utf8')) as {
  questions: Record<string, { kind: string; answer?: unknown; items?: Record<string, { questions: string[] }> }>;
};

const KINDS = ['concept', 'number', 'story', 'quiz', 'hands-on', 'takeaway', 'reading', 'did-you-know', 'mistake', 'contradiction'];
const COVERAGE = ['experiment', 'figure', 'question', 'prose'];
const SECTIONS = ['opening', 'why', '1.1', '1.2', '1.3', '2.1', '2.2', '2.3', 'war story', '3.1', '3.2', '3.3', '4.1', '4.2', '4.3',
  '5.1', '5.2', '5.3', 'did you know', 'common mistakes', 'quiz 1', 'quiz 2', 'quiz 3', 'quiz 4', 'quiz 5', 'quiz 6', 'quiz 7', 'quiz 8',
  'hands-on', 'further reading', 'key takeaways'];

describe('module 5.1 covers every item of its course', () => {
  it('lists the course item by item, each with a known kind, section and coverage', () => {
    expect(audit.items.length).toBeGreaterThanOrEqual(240);
    const ids = audit.items.map((i) => i.id);
    expect(ids.filter((id, k) => ids.indexOf(id) !== k)).toEqual([]);
    const badFields = audit.items.filter((i) => !KINDS.includes(i.kind) || !COVERAGE.includes(i.coverage) || !SECTIONS.includes(i.section)
      || !i.statement.trim() || !i.marker.trim());
    expect(badFields.map((i) => i.id)).toEqual([]);
    for (const section of SECTIONS) expect(audit.items.some((i) => i.section === section), section).toBe(true);
  });

  it('finds each item in its cell: the cell id exists and holds the marker text', () => {
    const missing = audit.items.filter((i) => !cells.has(i.cell)).map((i) => `${i.id}: no cell ${i.cell}`);
    const unmarked = audit.items.filter((i) => cells.has(i.cell) && !readable(cells.get(i.cell)!.source).includes(i.marker))
      .map((i) => `${i.id}: cell ${i.cell} lacks ${JSON.stringify(i.marker)}`);
    expect([...missing, ...unmarked]).toEqual([]);
  });

  it('an experiment or figure is a code cell, a question a question or exercise cell', () => {
    const wrong = audit.items.filter((i) => {
      const cell = cells.get(i.cell)!;
      if (i.coverage === 'experiment' || i.coverage === 'figure') return cell.kind !== 'code';
      if (i.coverage === 'question') return !/<!-- question: [a-z0-9-]+ -->|dl\.gradeExercise\(/.test(cell.source);
      return false;
    });
    expect(wrong.map((i) => `${i.id} (${i.coverage} in ${i.cell})`)).toEqual([]);
  });

  it('every question cell of the notebook is an item of the audit', () => {
    const questionCells = nb.cells.filter((c) => /<!-- question: /.test(Array.isArray(c.source) ? c.source.join('') : c.source)).map((c) => c.id);
    const audited = new Set(audit.items.map((i) => i.cell));
    expect(questionCells.filter((id) => !audited.has(id))).toEqual([]);
  });

  it('explains each place where the course and the notebook differ', () => {
    const contradictions = audit.items.filter((i) => i.kind === 'contradiction').map((i) => i.id);
    expect(contradictions).toEqual(expect.arrayContaining(['p21-contra-crash', 'p53-grace-contra', 'p53-evict-contra', 'q8-contra-sum',
      'p52-watch-contra', 'wrong-half-ms', 'p51-api-three']));
    for (const id of contradictions) expect(audit.items.find((i) => i.id === id)!.coverage).not.toBe('');
  });
});

describe('module 5.1: the new questions are linked and agree with the library', () => {
  const takeaways = key.questions['q-takeaways'].items!;
  it('the takeaways checklist links PACELC, Two Generals, Byzantine agreement and node-failure timing to questions', () => {
    expect(takeaways.pacelc.questions).toEqual(expect.arrayContaining(['q-pacelc-else', 'q-pacelc-classes']));
    expect(takeaways['two-generals'].questions).toEqual(expect.arrayContaining(['q-two-generals', 'q-byzantine-generals']));
    expect(takeaways['kubernetes-cp'].questions).toEqual(expect.arrayContaining(['q-node-failure-timing', 'q-leader-election', 'q-watch-vs-poll']));
  });

  it('each new question sits before the experiment that answers it', () => {
    const order = nb.cells.map((c) => c.id);
    const before: [string, string][] = [['c045-q-else', 'c046'], ['c045-q-classes', 'c046'], ['c048-q', 'c049'], ['c052-q', 'c053'],
      ['c055-q', 'c055-ops'], ['c071-q', 'c072'], ['c075-q', 'c076'], ['c077-q', 'c078']];
    for (const [question, experiment] of before) expect(order.indexOf(question), question).toBeLessThan(order.indexOf(experiment));
    for (const [question] of before) expect(order.indexOf(question), question).toBeGreaterThanOrEqual(0);
  });

  it('the node-failure answer is the library\'s timeline, the Byzantine answer its 3f + 1', () => {
    const t = dl.kubeNodeFailureTimes('v1.32');
    expect(key.questions['q-node-failure-timing'].answer).toBe(`${t.evictionS - t.lastHeartbeatS} s`);
    expect(key.questions['q-byzantine-generals'].answer).toBe(String(dl.generalsNeeded(2)));
    // the prose's 40 s and 50 s are the library's two grace periods
    const prose = cells.get('c077')!.source;
    for (const v of ['v1.31', 'v1.32'] as const) expect(prose).toContain(`${dl.kubeNodeFailureTimes(v).gracePeriodS} s`);
  });
});
