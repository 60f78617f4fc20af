import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, VENV_PYTHON } from './helpers/paths';

// Questions the report scores: every question of module 5.1 but its responses and checklists.
const GRADED = JSON.parse(readFileSync(join(ROOT, 'notebooks', '5.1-what-makes-systems-distributed.ipynb'), 'utf8')).cells.filter((c: any) => {
  const kind = c.metadata?.distlab?.question?.kind;
  return kind !== undefined && kind !== 'response' && kind !== 'checklist';
}).length;
const dir = mkdtempSync(join(tmpdir(), 'distlab-responses-report-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Run Python with the extension's package importable; the script prints one JSON line. */
function python(script: string): any {
  const out = execFileSync(VENV_PYTHON, ['-c', `import sys; sys.path.insert(0, ${JSON.stringify(join(ROOT, 'extension'))})\n${script}`], { encoding: 'utf8', cwd: dir });
  return JSON.parse(out.trim().split('\n').pop()!);
}

describe('responses and checklists in question_rows and the distlab report', () => {
  const progress = join(dir, 'progress.json');
  const notebook = join(ROOT, 'notebooks', '5.1-what-makes-systems-distributed.ipynb');
  writeFileSync(progress, JSON.stringify({
    version: 1,
    questions: {
      'q-own-system': { state: 'answered', response: [{ component: 'web <app>', 'runs-where': 'VM & co', 'communicates-via': 'HTTPS' }] },
      'q-three-challenges': { state: 'correct', correct: true, attempts: 1 },
      'q-takeaways': { state: 'answered', ticked: ['pacelc'] }
    }
  }));

  it('question_rows carries the response and the ticks; the score counts graded questions only', () => {
    const result = python(`
import json, nbformat
from distlab_jupyterlab.progress import load_progress
from distlab_jupyterlab.questions import question_rows, score
rows = question_rows(nbformat.read(${JSON.stringify(notebook)}, 4), load_progress(${JSON.stringify(progress)}))
print(json.dumps({"rows": {r["id"]: r for r in rows}, "score": score(rows)}))`);
    expect(result.rows['q-own-system']).toMatchObject({ kind: 'response', state: 'answered', response: [{ component: 'web <app>' }] });
    expect(result.rows['q-own-system'].columns.map((c: { label: string }) => c.label)).toEqual(['Component', 'Runs where', 'Communicates via']);
    const items = result.rows['q-takeaways'].items;
    expect(items.filter((i: { ticked: boolean }) => i.ticked).map((i: { id: string }) => i.id)).toEqual(['three-challenges', 'pacelc', 'spectrum']);
    expect(items.find((i: { id: string }) => i.id === 'pacelc')).toMatchObject({ auto: false, manual: true });
    expect(result.score).toEqual({ correct: 1, total: GRADED });
  });

  it('the HTML report shows the response (escaped) under its question, and the ticked takeaways', () => {
    const { html } = python(`
import json, nbformat
from distlab_jupyterlab.exporter import DistlabReportExporter
out, _ = DistlabReportExporter(progress_file=${JSON.stringify(progress)}).from_notebook_node(nbformat.read(${JSON.stringify(notebook)}, 4))
print(json.dumps({"html": out}))`);
    const response = html.slice(html.indexOf('class="distlab-response"'));
    expect(response).toContain('<td>web &lt;app&gt;</td><td>VM &amp; co</td><td>HTTPS</td>');
    expect(html).not.toContain('web <app>');
    // Under the 1.3 cell, before the next (code) cell.
    expect(html.indexOf('class="distlab-response"')).toBeLessThan(html.indexOf('id="cell-id=c015"'));
    expect(html).toContain('<p class="distlab-response-title">3 of 8 ticked</p>');
    expect(html).toMatch(/☑<\/span> PACELC[^<]*<em>\(ticked by you\)<\/em>/);
    expect(html).toContain(`1 / ${GRADED} questions correct`);
  });
});
