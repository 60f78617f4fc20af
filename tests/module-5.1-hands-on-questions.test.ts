import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cellSource, executeCells, type Notebook, type NotebookCell } from './helpers/notebook';
import { NOTEBOOKS, ROOT } from './helpers/paths';

// Module 5.1's hands-on: each simulated part has a question before its run, and the success
// criteria tick from those questions. The reference answers must be what the runs print: the
// parts' cells run here through the real kernel, as the notebook holds them, and each answer is
// read back from their output.

const nb = JSON.parse(readFileSync(join(NOTEBOOKS, '5.1-what-makes-systems-distributed.ipynb'), 'utf8')) as Notebook & { cells: (NotebookCell & { id: string })[] };
const key = JSON.parse(readFileSync(join(ROOT, 'quiz', '5.1-what-makes-systems-distributed.answers.json'), 'utf8')) as {
  questions: Record<string, { kind: string; options?: Record<string, string>; answer?: string; items?: Record<string, { label: string; questions: string[] }> }>;
};
const order = nb.cells.map((c) => c.id);
const QUESTION_CELL: Record<string, string> = { 'q-hands-api-latency': 'c118-q', 'q-hands-eventual': 'c120-q-eventual', 'q-hands-pod-states': 'c120-q-states', 'q-hands-notready-pods': 'c122-q' };
/** The run each question asks about, and the heading of its part. */
const RUN: Record<string, { cell: string; part: string }> = {
  'q-hands-api-latency': { cell: 'c119', part: 'c118' },
  'q-hands-eventual': { cell: 'c121', part: 'c120' },
  'q-hands-pod-states': { cell: 'c121', part: 'c120' },
  'q-hands-notready-pods': { cell: 'c123', part: 'c122' }
};
const answerLabel = (id: string) => key.questions[id].options![key.questions[id].answer!];

function text(cell: NotebookCell): string {
  return (cell.outputs ?? []).map((o) => {
    const t = o.output_type === 'stream' ? o.text : o.data?.['text/plain'];
    return Array.isArray(t) ? t.join('') : typeof t === 'string' ? t : '';
  }).join('\n');
}

describe("module 5.1's hands-on questions: placed before their runs, answered by them", () => {
  const out: Record<string, string> = {};
  beforeAll(() => {
    const cells = ['c119', 'c121', 'c123'];
    const ran = executeCells(["import * as dl from 'distlab';", ...cells.map((id) => cellSource(nb.cells[order.indexOf(id)]))]);
    cells.forEach((id, i) => (out[id] = text(ran.cells[i + 1])));
    for (const [id, t] of Object.entries(out)) expect(t, id).not.toMatch(/Error/);
  }, 300_000);

  it('each question sits in its part, after the prose and before the run that answers it', () => {
    for (const [id, cell] of Object.entries(QUESTION_CELL)) {
      const at = order.indexOf(cell);
      expect(cellSource(nb.cells[at]), id).toContain(`<!-- question: ${id} -->`);
      expect(at, id).toBeGreaterThan(order.indexOf(RUN[id].part));
      expect(at, id).toBeLessThan(order.indexOf(RUN[id].cell));
      // Nothing runs between the question and its run: the output cannot be seen first.
      expect(nb.cells.slice(at, order.indexOf(RUN[id].cell)).filter((c) => c.cell_type === 'code'), id).toEqual([]);
      expect(key.questions[id].kind, id).toBe('single');
    }
  });

  it('Part 1: the simulated kubectl get prints in the unit the answer names, the local read below a millisecond', () => {
    const get = /^kubectl get pod\s+([\d.,]+) (ns|µs|ms|s)\s/m.exec(out.c119);
    const local = /^local file read \(cat \/etc\/hostname\)\s+([\d.,]+) (ns|µs|ms|s)\s/m.exec(out.c119);
    expect(get, out.c119).not.toBeNull();
    expect(local, out.c119).not.toBeNull();
    const word: Record<string, string> = { ns: 'Nanoseconds', 'µs': 'Microseconds', ms: 'Milliseconds', s: 'Seconds' };
    expect(answerLabel('q-hands-api-latency')).toMatch(new RegExp(`^${word[get![2]]}:`));
    // The question's premise, measured on this machine: a local read takes microseconds.
    expect(['ns', 'µs']).toContain(local![2]);
  });

  it('Part 2: the first list has fewer pods than asked, not all Running, and all run later', () => {
    const lists = out.c121.split(/^\$ kubectl get pods/m).slice(1).map((block) => block.trim().split('\n').slice(1).filter((l) => /^web-/.test(l)));
    expect(lists.length).toBeGreaterThan(1);
    const replicas = Number(/^const replicas = (\d+);/m.exec(cellSource(nb.cells[order.indexOf('c121')]))![1]);
    expect(lists[0].length).toBeLessThan(replicas);
    expect(lists[0].some((l) => !/\sRunning\s/.test(l))).toBe(true);
    expect(lists.map((l) => l.length)).toEqual([...lists.map((l) => l.length)].sort((a, b) => a - b));
    expect(out.c121).toMatch(new RegExp(`all ${replicas} Running [\\d.]+ s after the command`));
    expect(answerLabel('q-hands-eventual')).toMatch(new RegExp(`^Fewer than ${replicas} pods, the new ones not Running yet; more appear .* until all ${replicas} run$`));
  });

  it('Part 2: the new pods passed exactly the states the answer lists, in its order', () => {
    const paths = /and passed (.+) \(seed \d+\)/.exec(out.c121)![1];
    expect(paths.split(' or ')).toHaveLength(1);
    expect(answerLabel('q-hands-pod-states').split(/, then /)).toEqual(paths.split(' -> '));
  });

  it("Part 3: while worker-2 is NotReady, its pods are listed on it as Running", () => {
    const m = /worker-2 is (\S+); (\d+) of the (\d+) pods listed on it show Running/.exec(out.c123);
    expect(m, out.c123).not.toBeNull();
    expect(m![1]).toBe('NotReady');
    expect(Number(m![3])).toBeGreaterThan(0);
    expect(Number(m![2])).toBe(Number(m![3]));
    expect(answerLabel('q-hands-notready-pods')).toBe('They are still listed on worker-2, as Running');
  });

  it('the success criteria are a checklist, each criterion ticked by its part\'s question', () => {
    const criteria = key.questions['q-hands-on-criteria'];
    expect(criteria.kind).toBe('checklist');
    const linked = Object.values(criteria.items!).flatMap((i) => i.questions);
    expect(linked.sort()).toEqual(Object.keys(QUESTION_CELL).sort());
    const cell = nb.cells[order.indexOf('c124')];
    expect(cellSource(cell)).toContain('<!-- question: q-hands-on-criteria -->');
    // The markdown keeps the four criteria as a task list (GitHub, reports), with the same labels.
    const listed = cellSource(cell).match(/^- \[ \] .+$/gm)!;
    expect(listed.map((l) => l.replace(/^- \[ \] /, '').replace(/ \(Part \d, [^)]*\)$/, ''))).toEqual(Object.values(criteria.items!).map((i) => i.label));
    expect(order.indexOf('c124')).toBeGreaterThan(Math.max(...Object.values(RUN).map((r) => order.indexOf(r.cell))));
  });
});
