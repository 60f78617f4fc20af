import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { errorsInPage, Lab, openNotebook, runAllCells, showProgressPanel, useLabPage } from './helpers/lab';
import { shootCells, switchTheme } from './helpers/notebook-shots';
import { NOTEBOOKS } from './helpers/paths';

const NOTEBOOK_STEM = '5.1-what-makes-systems-distributed';
const NOTEBOOK = `${NOTEBOOK_STEM}.ipynb`;
type NotebookCell = { id: string; cell_type: string; source: string | string[]; metadata: { distlab?: { question?: { id: string; exercise?: string } } } };
const notebookCells = () => (JSON.parse(readFileSync(join(NOTEBOOKS, NOTEBOOK), 'utf8')) as { cells: NotebookCell[] }).cells;
const cellCount = () => notebookCells().length;
/** The questions graded by running an exercise cell, from the notebook's metadata. */
const exerciseQuestionIds = () => notebookCells().flatMap((c) => (c.metadata.distlab?.question?.exercise ? [c.metadata.distlab.question.id] : []));
/** Markdown cells that state an amount of money (in words: JupyterLab would make math of "$100 … $100"). */
const moneyCells = () => notebookCells()
  .map((c, index) => ({ id: c.id, index, type: c.cell_type, text: Array.isArray(c.source) ? c.source.join('') : c.source }))
  .filter((c) => c.type === 'markdown' && /\d[ -]dollars?\b/.test(c.text));
/** A figure output: JupyterLab's Vega-Lite renderer. */
const VEGA_OUTPUT = '.jp-RenderedVegaCommon5';
/** ... drawn: Vega has put its marks in the page. */
const VEGA_DRAWN = `${VEGA_OUTPUT} :is(svg.marks, canvas.marks)`;

describe('module 5.1 in a real JupyterLab, in Debian chromium', () => {
  const labPage = useLabPage();
  let lab: Lab;
  let page: Page;
  beforeAll(() => ({ lab, page } = labPage));

  it('runs every cell without an error and draws every figure', async () => {
    await openNotebook(page, lab, NOTEBOOK);
    await expect.poll(() => page.locator('[data-jp-item-name="kernelName"]').first().textContent(), { timeout: 60_000 }).toContain('TypeScript');
    const started = Date.now();
    await runAllCells(page, 240_000);
    const seconds = (Date.now() - started) / 1000;
    expect(await errorsInPage(page)).toEqual([]);
    // Every code cell has run.
    const prompts = await page.locator('.jp-CodeCell .jp-InputPrompt').allTextContents();
    expect(prompts.filter((p) => !/\[\d+\]/.test(p))).toEqual([]);
    // Every figure output is drawn: one Vega view with its SVG or canvas per figure output.
    const figures = await page.locator(VEGA_OUTPUT).count();
    expect(figures).toBeGreaterThan(10);
    await expect
      .poll(() => page.locator(VEGA_DRAWN).count(), { timeout: 60_000 })
      .toBe(figures);
    console.log(`module 5.1: ${prompts.length} code cells, ${figures} figures, Run All ${seconds.toFixed(1)} s in the lab`);
  });

  it('Run All counts no exercise as an attempt: each starter check says what to do, the panel shows them unanswered', async () => {
    const ids = exerciseQuestionIds();
    expect(ids.length).toBe(4);
    const checks = page.locator('.jp-distlab-check-output');
    expect(await checks.count()).toBe(ids.length);
    for (const check of await checks.all()) {
      expect(await check.getAttribute('data-starter')).toBe('true');
      expect(await check.locator('.jp-distlab-check-head').innerText()).toMatch(/starter code, not counted$/);
      expect(await check.locator('.jp-distlab-check-next').innerText()).toContain('change the function, then run the cell again');
    }
    await showProgressPanel(page);
    for (const id of ids) {
      await expect.poll(() => page.locator(`#distlab-progress li[data-question-id="${id}"]`).getAttribute('data-state'), { timeout: 10_000 }).toBe('unanswered');
    }
    // Nothing was recorded: no progress file yet, or one without these questions.
    const file = join(lab.homeDir, 'data', 'distlab', 'progress.json');
    const recorded = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { questions: Record<string, unknown> }).questions : {};
    expect(ids.filter((id) => recorded[id] !== undefined)).toEqual([]);
  });

  it('renders every amount of money as the words it is written in, and nothing as math', async () => {
    // The notebook has no math: a MathJax element would be prose the lab took for math.
    expect(await page.locator('.jp-Notebook :is(mjx-container, .MathJax, .MathJax_Display)').count()).toBe(0);
    const cells = moneyCells();
    expect(cells.length).toBeGreaterThanOrEqual(4);
    for (const cell of cells) {
      const amount = /\d[\d,.]*(?: million)?[ -]dollars?/.exec(cell.text)?.[0] as string;
      // The lab's cells carry no id in the page: the cell at the same index. Its text as drawn: the
      // rendered markdown and a question's widget (which shows a classification's items in place
      // of their table).
      const rendered = page.locator('.jp-Notebook .jp-Cell').nth(cell.index);
      expect((await rendered.innerText()).replace(/\s+/g, ' '), cell.id).toContain(amount.replace(/\s+/g, ' '));
    }
  });

  it('screenshots every cell in the light theme', async () => {
    await switchTheme(page, 'light');
    const { cellsSeen } = await shootCells(page, NOTEBOOK_STEM, 'light');
    expect(cellsSeen).toBe(cellCount());
  });

  it('screenshots every cell in the dark theme, where figures still draw and nothing is left painted light', async () => {
    await switchTheme(page, 'dark');
    const { cellsSeen, lightAreas } = await shootCells(page, NOTEBOOK_STEM, 'dark');
    expect(cellsSeen).toBe(cellCount());
    expect(lightAreas).toEqual([]);
    expect(await page.locator(VEGA_DRAWN).count()).toBe(await page.locator(VEGA_OUTPUT).count());
  });
});
