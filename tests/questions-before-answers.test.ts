import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cellSource, executeCells, executeNotebook, type Notebook, type NotebookCell } from './helpers/notebook';
import { NOTEBOOKS, ROOT } from './helpers/paths';

// A question comes before the experiment that answers it, so the run confirms the learner's
// answer instead of giving it away. Each notebook runs through the real tslab kernel; for every
// question, what the learner has seen must not hold its reference answer (from
// quiz/*.answers.json). What the learner has seen is the question's section above it,
// and the section before when no code ran above the question in its own (a section of questions)
// and the question reads something "above":
//  - the outputs of its code cells, and of the changes the prose there asks for
//    ("set `baseline` to `'Main memory reference'`"), run as the learner would run them;
//  - for a classification, its prose naming an item together with its category.
// Numeric answers are looked for as numbers in the outputs (with their unit, within the
// question's tolerance). A unitless answer below 10 is not looked for: small counts are in every
// table. Choice questions ask to interpret, not to read off a value, so their option labels are
// not looked for.

interface Key { notebook: string; questions: Record<string, Record<string, unknown>> }
const keys: Key[] = readdirSync(join(ROOT, 'quiz')).filter((n) => n.endsWith('.answers.json'))
  .map((n) => JSON.parse(readFileSync(join(ROOT, 'quiz', n), 'utf8')) as Key);

const QUESTION = /<!--\s*question:\s*([a-z0-9-]+)\s*-->/;
const questionId = (cell: NotebookCell): string | undefined =>
  cell.cell_type === 'markdown' ? (QUESTION.exec(cellSource(cell))?.[1] ?? ((cell.metadata?.distlab as { question?: { id?: string } } | undefined)?.question?.id)) : undefined;

const UNIT_S: Record<string, number> = { ns: 1e-9, 'µs': 1e-6, us: 1e-6, ms: 1e-3, s: 1, min: 60, h: 3600 };

/** The reference answer in seconds (a time) or as a plain number, and the tolerance around it. */
function numericAnswer(q: Record<string, unknown>): { value: number; time: boolean; tolerance: number } {
  const parse = (text: string, fallbackUnit: string) => {
    const m = /^\s*(-?[\d.,e]+)\s*(\S*)\s*$/.exec(text);
    if (!m) throw new Error(`cannot read answer ${text}`);
    const unit = m[2] || fallbackUnit;
    return { n: Number(m[1].replace(/,/g, '')), unit };
  };
  const a = parse(String(q.answer), String(q.unit ?? ''));
  const time = a.unit in UNIT_S;
  const value = time ? a.n * UNIT_S[a.unit] : a.n;
  const tol = typeof q.tolerance === 'string' ? q.tolerance : '';
  const tolerance = tol.endsWith('%') ? (Math.abs(value) * Number(tol.slice(0, -1))) / 100
    : tol ? (() => { const t = parse(tol, String(q.unit ?? '')); return t.unit in UNIT_S ? t.n * UNIT_S[t.unit] : t.n; })() : 1e-9 * Math.abs(value);
  return { value, time, tolerance };
}

/** Everything a cell's outputs say in text: streams and the text/plain form of every display. */
function outputText(cell: NotebookCell): string {
  return (cell.outputs ?? []).map((o) => {
    const text = o.output_type === 'stream' ? o.text : o.data?.['text/plain'];
    return Array.isArray(text) ? text.join('') : typeof text === 'string' ? text : '';
  }).join('\n');
}

/** Where in `text` a numeric answer is printed, if it is. */
export function printsNumber(text: string, answer: { value: number; time: boolean; tolerance: number }): string | undefined {
  const near = (x: number) => Math.abs(x - answer.value) <= answer.tolerance;
  if (answer.time) {
    for (const m of text.matchAll(/(?<![\w.])(\d[\d,]*(?:\.\d+)?)\s?(ns|µs|us|ms|min|s|h)(?![\wµ])/g)) {
      if (near(Number(m[1].replace(/,/g, '')) * UNIT_S[m[2]])) return m[0];
    }
    return undefined;
  }
  if (Number.isInteger(answer.value) && Math.abs(answer.value) < 10) return undefined;
  for (const m of text.matchAll(/(?<![\w.,])(\d[\d,]*(?:\.\d+)?)(?![\d,]*\d)/g)) if (near(Number(m[1].replace(/,/g, '')))) return m[0];
  return undefined;
}

const GENERIC = new Set(['state', 'count', 'with', 'from', 'that', 'this', 'each']);
/** A sentence of prose that names a classification item together with a category. */
export function namesPlacement(markdown: string, q: Record<string, unknown>): string | undefined {
  const items = Object.values(q.items as Record<string, string>);
  const categories = Object.keys(q.categories as Record<string, string>).map((c) => c.toUpperCase());
  const prose = markdown.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '').replace(/<!--[\s\S]*?-->/g, '');
  for (const sentence of prose.split(/(?<=[.!?;])\s+|\n\n/)) {
    const category = categories.find((c) => new RegExp(`\\b${c}\\b`).test(sentence));
    if (!category) continue;
    for (const label of items) {
      const words = label.split(/[^\p{L}]+/u).filter((w) => (w.length >= 4 || /^[A-Z]{2,}$/.test(w)) && !GENERIC.has(w.toLowerCase()));
      const word = words.find((w) => new RegExp(`\\b${w}`, /^[A-Z]{2,}$/.test(w) ? '' : 'i').test(sentence));
      if (word) return `"${sentence.trim()}" names ${label} (${word}) with ${category}`;
    }
  }
  return undefined;
}

/** Changes the prose asks for: set/drag/switch `name` to `value`. */
export function askedChanges(markdown: string): { name: string; value: string }[] {
  return [...markdown.matchAll(/\b(?:set|drag|switch|change|try)\s+`(\w+)`\s+(?:down\s+|up\s+|back\s+)?to\s+(`[^`]+`|-?\d[\d.]*)/gi)]
    .map((m) => ({ name: m[1], value: m[2].replace(/^`|`$/g, '') }));
}

const declares = (source: string, name: string) => new RegExp(`^const ${name}(?::[^=\\n]+)? = [^;\\n]+;`, 'm');

/** The cell the change applies to: the nearest code cell declaring the const, above first. */
function changedCell(cells: NotebookCell[], at: number, change: { name: string; value: string }): string | undefined {
  const order = [...cells.keys()].filter((i) => i < at).reverse().concat([...cells.keys()].filter((i) => i > at));
  for (const i of order) {
    const c = cells[i];
    if (c.cell_type === 'code' && declares(cellSource(c), change.name).test(cellSource(c))) {
      return cellSource(c).replace(declares(cellSource(c), change.name), (line) => line.replace(/ = [^;]+;/, ` = ${change.value};`));
    }
  }
  return undefined;
}

export interface Finding { question: string; problem: string }

/**
 * Questions answered before they are asked, in an executed notebook. `runChanged` runs the
 * cells the prose asks to change (the learner's re-runs) and returns their output text.
 */
export function answeredBefore(nb: Notebook, key: Key, runChanged: (sources: string[]) => string[]): Finding[] {
  const findings: Finding[] = [];
  const heading = (c: NotebookCell) => c.cell_type === 'markdown' && /^\s*#/.test(cellSource(c));
  const sectionStart = (at: number) => { let i = at; while (i > 0 && !heading(nb.cells[i])) i--; return i; };
  nb.cells.forEach((cell, at) => {
    const id = questionId(cell);
    const q = id === undefined ? undefined : key.questions[id];
    if (id === undefined || q === undefined) return;
    // What the learner has seen: the question's section above it; when no code ran in that part
    // of the section (a section of questions) and the question reads something "above", the
    // section before it too, whose experiment it asks about.
    let from = sectionStart(at);
    const readsAbove = /\babove\b/i.test(cellSource(cell));
    if (readsAbove && !nb.cells.slice(from, at).some((c) => c.cell_type === 'code') && from > 0) from = sectionStart(from - 1);
    const between = nb.cells.slice(from, at);
    if (q.kind === 'classification') {
      for (const c of between.filter((x) => x.cell_type === 'markdown')) {
        const said = namesPlacement(cellSource(c), q);
        if (said) findings.push({ question: id, problem: `prose above it gives a placement: ${said}` });
      }
      return;
    }
    if (q.kind !== 'numeric') return;
    const answer = numericAnswer(q);
    if (!answer.time && Number.isInteger(answer.value) && Math.abs(answer.value) < 10) return;
    const seen = between.filter((c) => c.cell_type === 'code').map(outputText);
    const changes = between.filter((c) => c.cell_type === 'markdown').flatMap((c) => askedChanges(cellSource(c)).map((ch) => changedCell(nb.cells, nb.cells.indexOf(c), ch)))
      .filter((s): s is string => s !== undefined);
    if (changes.length > 0) seen.push(...runChanged(changes));
    for (const text of seen) {
      const printed = printsNumber(text, answer);
      if (printed) findings.push({ question: id, problem: `an output above it prints its answer "${printed}": ${text.slice(Math.max(0, text.indexOf(printed) - 80), text.indexOf(printed) + 40).replace(/\s+/g, ' ')}` });
    }
  });
  return findings;
}

/** Run changed cells after the set-up cell, each on its own, through the real kernel. */
function runInKernel(sources: string[]): string[] {
  const nb = executeCells(["import * as dl from 'distlab';", ...sources]);
  return nb.cells.slice(1).map((c) => {
    const errors = (c.outputs ?? []).filter((o) => o.output_type === 'error' || (o.output_type === 'stream' && o.name === 'stderr'));
    if (errors.length > 0) throw new Error(`a change the prose asks for does not run on its own:\n${cellSource(c)}\n${JSON.stringify(errors).slice(0, 400)}`);
    return outputText(c);
  });
}

const keyOf = (name: string) => keys.find((k) => k.notebook === `notebooks/${name}`);

describe('every question comes before the experiment that answers it', () => {
  const names = readdirSync(NOTEBOOKS).filter((n) => n.endsWith('.ipynb') && keyOf(n)).sort();
  const executed = new Map<string, Notebook>();
  beforeAll(() => {
    for (const name of names) executed.set(name, executeNotebook(join(NOTEBOOKS, name), 300));
  }, 600_000);

  it('finds the question cells and answer keys of the course notebooks', () => {
    expect(names).toEqual(expect.arrayContaining(['00-start-here.ipynb', '5.1-what-makes-systems-distributed.ipynb']));
  });

  for (const name of ['00-start-here.ipynb', '5.1-what-makes-systems-distributed.ipynb']) {
    it(`${name}: no output or prose above a question gives its answer`, () => {
      const nb = executed.get(name)!;
      const ids = nb.cells.map(questionId).filter(Boolean);
      expect(ids.length).toBeGreaterThan(1);
      expect(answeredBefore(nb, keyOf(name)!, runInKernel)).toEqual([]);
    }, 300_000);
  }

  it('flags the layouts issue 12 found: Quiz 5 run above 5a-c, the baseline switch above question 1, the CAP systems above the classification', () => {
    // Module 5.1 as it was: the strategies' run sat between Quiz 5 and its three parts.
    const nb51 = executed.get('5.1-what-makes-systems-distributed.ipynb')!;
    const at = (id: string) => nb51.cells.findIndex((c) => (c as { id?: string }).id === id);
    const quiz5 = nb51.cells.slice(at('c107'), at('c108') + 1);
    const check = quiz5.pop()!;
    expect(outputText(check)).toContain('sequential: measured 100 ms');
    const oldQuiz5 = { ...nb51, cells: [quiz5[0], check, ...quiz5.slice(1)] };
    const found = answeredBefore(oldQuiz5, keyOf('5.1-what-makes-systems-distributed.ipynb')!, runInKernel);
    expect(found.map((f) => f.question)).toEqual(['q-sequential-latency', 'q-batched-latency', 'q-parallel-latency']);
    expect(found[0].problem).toContain('"100 ms"');
    // The CAP prose as it was, above the classification.
    const classify = nb51.cells[at('c044')];
    const oldProse = { cell_type: 'markdown', metadata: {}, source: "Real systems pick a side per kind of data: ZooKeeper, etcd and a bank ledger refuse during a\npartition (CP); Cassandra, DNS and caches keep answering (AP). Classify the course's scenarios." };
    expect(answeredBefore({ ...nb51, cells: [oldProse, classify] }, keyOf('5.1-what-makes-systems-distributed.ipynb')!, runInKernel).map((f) => f.question)).toEqual(['q-cap-classify']);
  });

  it("flags start-here as it was: the prose above question 1 asks for the baseline that prints its answer", () => {
    const dir = join(ROOT, '.distlab');
    mkdirSync(dir, { recursive: true });
    const scratch = mkdtempSync(join(dir, '.questions-'));
    try {
      const old = join(scratch, 'old-start-here.ipynb');
      writeFileSync(old, execFileSync('git', ['show', '77ec804:notebooks/00-start-here.ipynb'], { cwd: ROOT }));
      const found = answeredBefore(executeNotebook(old, 300), keyOf('00-start-here.ipynb')!, runInKernel);
      expect(found.map((f) => f.question)).toEqual(['start-rtt-vs-memory']);
      expect(found[0].problem).toMatch(/"5,000".*×5,000 vs Main memory reference/);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }, 300_000);

  it('the readers: numbers with units and tolerance, placements in prose, changes the prose asks for', () => {
    const ms100 = { value: 0.1, time: true, tolerance: 0.001 };
    expect(printsNumber('sequential: measured 100 ms | batched', ms100)).toBe('100 ms');
    expect(printsNumber('took 0.1 s', ms100)).toBe('0.1 s');
    expect(printsNumber('took 1,100 ms, 10 ms', ms100)).toBeUndefined();
    expect(printsNumber('×5,000 vs Main memory', { value: 5000, time: false, tolerance: 100 })).toBe('5,000');
    expect(printsNumber('×4,000,000 and 500,000 ns', { value: 5000, time: false, tolerance: 100 })).toBeUndefined();
    expect(askedChanges("set `baseline` to `'Main memory reference'` and run; Drag `skewMs` to 0")).toEqual([{ name: 'baseline', value: "'Main memory reference'" }, { name: 'skewMs', value: '0' }]);
    const q = { items: { bank: 'Bank account balance', dns: 'DNS' }, categories: { cp: 'CP', ap: 'AP' } };
    expect(namesPlacement('Banks are CP.', q)).toContain('Bank account balance');
    expect(namesPlacement('CP: refuse when a majority is missing. Ask: is a wrong answer worse than none?', q)).toBeUndefined();
  });
});
