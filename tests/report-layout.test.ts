import { spawnSync, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium } from './helpers/lab';
import { executeNotebook, Notebook } from './helpers/notebook';
import { ARTIFACTS, NOTEBOOKS, ROOT } from './helpers/paths';
import { A4_PT, PAGE_MARGIN_PT, pdfPageTexts, pdfWords, printLayout, PrintLayout, reportFigures, TEXT_WIDTH_PX } from './helpers/report-html';

const NAME = '5.1-what-makes-systems-distributed';
const LEARNER = 'Ada Lovelace';

/** Text without spaces or line breaks: how a wrapped line and its PDF text compare. */
const squash = (text: string) => text.normalize('NFKC').replace(/\s+/g, '');

/**
 * The first figure of each code cell with the code that drew it: the code's last line and the
 * figure's title. (A second figure of a cell follows the first; it may need the next page.)
 */
function figuresWithCode(nb: Notebook): { codeEnd: string; title: string }[] {
  const pairs: { codeEnd: string; title: string }[] = [];
  for (const cell of nb.cells) {
    if (cell.cell_type !== 'code') continue;
    const source = (Array.isArray(cell.source) ? cell.source.join('') : String(cell.source)).split('\n').filter((line) => squash(line).length >= 8);
    for (const output of cell.outputs ?? []) {
      const svg = output.data?.['image/svg+xml'];
      if (!svg) continue;
      const title = /role-title-text"[^>]*>[\s\S]*?<text\b[^>]*>([^<]+)<\/text>/.exec(Array.isArray(svg) ? svg.join('') : String(svg))?.[1];
      // The whole last line: two cells' last lines can start alike (`], { scale: 'log', …`).
      const last = source[source.length - 1];
      if (title && last) pairs.push({ codeEnd: squash(last), title: squash(title.replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>')) });
      break;
    }
  }
  return pairs;
}

describe(`the PDF report of ${NAME} reads like a lab report`, () => {
  let work: string;
  let executed: Notebook;
  let pdf: string;
  let html: string;
  let browser: Browser;
  let layout: PrintLayout;

  beforeAll(async () => {
    // Without etcd: this tests the layout; the real clusters are module 5.1's own tests.
    executed = executeNotebook(join(NOTEBOOKS, `${NAME}.ipynb`), 300, { withoutEtcd: true });
    mkdirSync(join(ROOT, '.distlab'), { recursive: true });
    work = mkdtempSync(join(ROOT, '.distlab', 'report-layout-'));
    const saved = join(work, `${NAME}.ipynb`);
    writeFileSync(saved, JSON.stringify(executed));
    const result = spawnSync('npm', ['run', '--silent', 'report', '--', saved, '--no-execute', '--name', LEARNER, '--out', join(work, 'out')], { cwd: ROOT, encoding: 'utf8' });
    expect(result.status, result.stderr).toBe(0);
    pdf = join(work, 'out', `${NAME}.pdf`);
    html = join(work, 'out', `${NAME}.html`);
    browser = await launchChromium();
    layout = await printLayout(browser, html);
    // The pages to look at.
    mkdirSync(ARTIFACTS, { recursive: true });
    execFileSync('pdftoppm', ['-l', '12', '-r', '60', '-png', pdf, join(ARTIFACTS, `report-layout-${NAME}`)]);
  });

  afterAll(async () => {
    await browser?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('the title page names the report, the module, the learner and the date, sums up progress and lists the contents', () => {
    const first = pdfPageTexts(pdf)[0];
    expect(first).toContain('What Makes Systems Distributed');
    expect(first).toMatch(/Module 5\.1/i);
    expect(first).toContain(LEARNER);
    expect(first).toMatch(/\d{4}-\d{2}-\d{2}/);
    expect(first).toMatch(/\d+ \/ \d+ questions correct/);
    expect(first).toMatch(/Contents[\s\S]*Part 1[\s\S]*Part 5/);
  });

  it('no label or word is cut to "…"', () => {
    const cut = pdfWords(pdf).filter((w) => /[\p{L}\p{N})\]]…$/u.test(w.text)).map((w) => `page ${w.page}: ${w.text}`);
    expect(cut).toEqual([]);
  });

  it('no text runs into the margins', () => {
    const left = PAGE_MARGIN_PT.x - 1;
    const right = A4_PT.width - PAGE_MARGIN_PT.x + 1;
    const outside = pdfWords(pdf).filter((w) => w.xMin < left || w.xMax > right).map((w) => `page ${w.page}: "${w.text}" ${w.xMin.toFixed(0)}..${w.xMax.toFixed(0)} pt`);
    expect(outside.slice(0, 20)).toEqual([]);
    expect(layout.overflowing.slice(0, 20)).toEqual([]);
  });

  it('every figure spans the text width (the page between its margins)', () => {
    expect(layout.figureWidths.length).toBe(reportFigures(readFileSync(html, 'utf8')).length);
    const narrow = layout.figureWidths.map((w, i) => ({ i, share: w / TEXT_WIDTH_PX })).filter(({ share }) => share < 0.95);
    expect(narrow.map(({ i, share }) => `figure ${i + 1}: ${(100 * share).toFixed(0)} % of the column`)).toEqual([]);
  });

  it('console output and code wrap between words, never inside one', () => {
    expect([...new Set(layout.brokenWords)].slice(0, 20)).toEqual([]);
  });

  it('each figure starts on the page where its code ends', () => {
    const pages = pdfPageTexts(pdf).map(squash);
    const pairs = figuresWithCode(executed);
    expect(pairs.length).toBeGreaterThan(10);
    const apart: string[] = [];
    let page = 0;
    for (const { codeEnd, title } of pairs) {
      const codePage = pages.findIndex((text, i) => i >= page && text.includes(codeEnd));
      const titlePage = pages.findIndex((text, i) => i >= Math.max(codePage, 0) && text.includes(title));
      expect(codePage, `code "${codeEnd}" found`).toBeGreaterThanOrEqual(0);
      expect(titlePage, `figure "${title}" found`).toBeGreaterThanOrEqual(0);
      if (titlePage !== codePage) apart.push(`"${title}": code ends on page ${codePage + 1}, figure on page ${titlePage + 1}`);
      page = titlePage;
    }
    expect(apart).toEqual([]);
  });
});
