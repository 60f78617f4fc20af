import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { executeNotebook, Notebook } from './helpers/notebook';
import { ARTIFACTS, NOTEBOOKS, ROOT } from './helpers/paths';
import { reportFigures } from './helpers/report-html';

// The course notebooks; hidden ones (a scratch copy, an editor's backup) are nobody's course.
const notebooks = readdirSync(NOTEBOOKS).filter((name) => name.endsWith('.ipynb') && !name.startsWith('.')).sort();

function report(args: string[]) {
  return spawnSync('npm', ['run', '--silent', 'report', '--', ...args], { cwd: ROOT, encoding: 'utf8' });
}

function figureCount(nb: Notebook): number {
  return nb.cells.flatMap((cell) => cell.outputs ?? []).filter((o) => o.data && 'image/svg+xml' in o.data).length;
}

function pdfPages(path: string): number {
  const info = execFileSync('pdfinfo', [path], { encoding: 'utf8' });
  return Number(/Pages:\s+(\d+)/.exec(info)?.[1] ?? 0);
}

describe('reports of every notebook (HTML and PDF)', () => {
  for (const name of notebooks) {
    it(`${name}: every figure as an SVG image, self-contained, PDF with pages`, () => {
      // Execute once, then export that executed notebook as saved (--no-execute), so the
      // figures counted in the notebook are exactly the ones the report had to show.
      // Without etcd: this tests the report; the real clusters are module 5.1's own tests.
      const executed = executeNotebook(join(NOTEBOOKS, name), 300, { withoutEtcd: true });
      const figures = figureCount(executed);
      const work = mkdtempSync(join(ROOT, '.distlab', 'report-'));
      const saved = join(work, name);
      writeFileSync(saved, JSON.stringify(executed));
      const out = join(work, 'out');
      const result = report([saved, '--no-execute', '--out', out, '--name', 'Test Learner']);
      expect(result.status, result.stderr).toBe(0);
      const stem = basename(name, '.ipynb');
      const html = readFileSync(join(out, `${stem}.html`), 'utf8');
      expect(reportFigures(html).length).toBe(figures);
      // Boolean checks: a failing match would otherwise print the whole page.
      expect(/<script[^>]+src=["']?https?:/i.test(html), 'no script from the network').toBe(false);
      expect(/<link[^>]+href=["']?https?:/i.test(html), 'no stylesheet from the network').toBe(false);
      expect(html.includes('Test Learner'), 'learner name on the title page').toBe(true);
      expect(/<nav[^>]*class="distlab-toc"[^>]*>[\s\S]*?<li class="distlab-toc-h[123]"><a href="#/.test(html), 'table of contents with links').toBe(true);
      // Code folds, open by default; a notebook of prose only (the glossary) has none to fold.
      const hasCode = executed.cells.some((cell) => cell.cell_type === 'code');
      expect(/<details[^>]*class="distlab-code"[^>]*open/.test(html), 'foldable code, open by default').toBe(hasCode);
      const showsSeeds = executed.cells.some((cell) => (cell.outputs ?? []).some((o) => /\bseeds? \d/.test(JSON.stringify(o.text ?? o.data?.['text/plain'] ?? ''))));
      if (showsSeeds) expect(/<table class="distlab-seeds">[\s\S]*?<td>\d+<\/td><td>\d+(\.\.\d+)?<\/td>/.test(html), 'seeds on the title page').toBe(true);
      const pdf = join(out, `${stem}.pdf`);
      expect(readFileSync(pdf).subarray(0, 5).toString()).toBe('%PDF-');
      expect(pdfPages(pdf)).toBeGreaterThan(1);
      if (name === '00-start-here.ipynb') {
        // Figures stay vector: their labels are text in the PDF, not pixels.
        const text = execFileSync('pdftotext', [pdf, '-'], { encoding: 'utf8' });
        expect(text).toContain('×200,000,000');
      }
      mkdirSync(ARTIFACTS, { recursive: true });
      // First page after the title page, as a PNG to look at.
      execFileSync('pdftoppm', ['-f', '2', '-l', '2', '-r', '60', '-png', '-singlefile', pdf, join(ARTIFACTS, `report-${stem}-page2`)]);
      expect(existsSync(join(ARTIFACTS, `report-${stem}-page2.png`))).toBe(true);
      rmSync(work, { recursive: true, force: true });
    });
  }
});

describe('report options and bad input', () => {
  it('--hide-code leaves prose, figures and results only', () => {
    const out = mkdtempSync(join(tmpdir(), 'distlab-report-'));
    const result = report(['notebooks/00-start-here.ipynb', '--hide-code', '--no-pdf', '--out', out]);
    expect(result.status, result.stderr).toBe(0);
    const html = readFileSync(join(out, '00-start-here.html'), 'utf8');
    expect(/<details[^>]*class="distlab-code"/.test(html), 'no code blocks').toBe(false);
    expect(html.includes('widthPx = 520'), 'no code text').toBe(false);
    expect(reportFigures(html).length, 'the figure is kept').toBeGreaterThan(0);
    expect(html.includes('Change a parameter and re-run'), 'the prose is kept').toBe(true);
  });

  it('reports each bad notebook clearly and still exports the others', () => {
    const work = mkdtempSync(join(ROOT, '.distlab', 'report-bad-'));
    const invalid = join(work, 'broken.ipynb');
    writeFileSync(invalid, '{"cells": "not a list"');
    const failing = join(work, 'failing.ipynb');
    const nb = JSON.parse(readFileSync(join(NOTEBOOKS, '00-start-here.ipynb'), 'utf8'));
    nb.cells.push({ cell_type: 'code', id: 'boom', metadata: {}, outputs: [], execution_count: null, source: "dl.latencyNumbersChart({ widthPx: 1 });" });
    nb.cells.push({ cell_type: 'code', id: 'after', metadata: {}, outputs: [], execution_count: null, source: "dl.show(dl.latencyNumbersChart());" });
    writeFileSync(failing, JSON.stringify(nb));
    const good = join(work, 'good.ipynb');
    copyFileSync(join(NOTEBOOKS, '00-start-here.ipynb'), good);
    const out = join(work, 'out');
    const result = report([join(work, 'missing.ipynb'), invalid, failing, good, '--no-pdf', '--out', out]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/missing\.ipynb: no such notebook file/);
    expect(result.stderr).toMatch(/broken\.ipynb: not a valid notebook/);
    expect(result.stderr).toMatch(/failing\.ipynb: 1 cell\(s\) failed/);
    expect(existsSync(join(out, 'good.html'))).toBe(true);
    const failed = readFileSync(join(out, 'failing.html'), 'utf8');
    const goodFigures = reportFigures(readFileSync(join(out, 'good.html'), 'utf8')).length;
    rmSync(work, { recursive: true, force: true });
    expect(failed.includes('1 cell failed when this notebook ran'), 'banner on the title page').toBe(true);
    expect(failed.includes('This cell failed when the notebook ran'), 'mark on the failing cell').toBe(true);
    expect(failed.includes('invalid widthPx: 1 (expected 100..4000 px)'), 'the error itself').toBe(true);
    // The cell after the failure still ran: its figure is there too, after the notebook's own.
    expect(goodFigures).toBeGreaterThan(0);
    expect(reportFigures(failed).length).toBe(goodFigures + 1);
  });
});

describe('report with the learner answer states', () => {
  it('shows each question with its state and a score summary', () => {
    const work = mkdtempSync(join(tmpdir(), 'distlab-report-progress-'));
    const progressFile = join(work, 'progress.json');
    // Events as the lab records them: one question right on the second try, one hinted.
    const events = [
      { id: 'start-rtt-vs-memory', type: 'attempt', correct: false },
      { id: 'start-rtt-vs-memory', type: 'attempt', correct: true },
      { id: 'start-slowest-operation', type: 'hint', hint: 1 }
    ];
    execFileSync(join(ROOT, '.venv', 'bin', 'python'), ['-c',
      'import json, sys; from distlab_jupyterlab.progress import apply_events; apply_events(json.loads(sys.argv[1]), sys.argv[2])',
      JSON.stringify(events), progressFile]);
    const out = join(work, 'out');
    const result = report(['notebooks/00-start-here.ipynb', '--no-execute', '--no-pdf', '--progress', progressFile, '--out', out]);
    expect(result.status, result.stderr).toBe(0);
    const html = readFileSync(join(out, '00-start-here.html'), 'utf8');
    expect(/1 \/ 2 questions correct/.test(html), 'score summary').toBe(true);
    expect(/Answer state: <strong>correct<\/strong> after 2 attempts/.test(html), 'state under the numeric question').toBe(true);
    expect(/Answer state: <strong>hinted<\/strong>/.test(html), 'state under the hinted question').toBe(true);
    expect(/<tr class="distlab-state-correct"><td>Same-DC round trip vs main memory reference<\/td><td>correct<\/td><td>2<\/td>/.test(html)).toBe(true);
  });
});
