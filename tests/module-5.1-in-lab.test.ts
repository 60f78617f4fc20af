import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { errorsInPage, Lab, openNotebook, runAllCells, useLabPage } from './helpers/lab';
import { shootCells, switchTheme } from './helpers/notebook-shots';
import { NOTEBOOKS } from './helpers/paths';

const NOTEBOOK_STEM = '5.1-what-makes-systems-distributed';
const NOTEBOOK = `${NOTEBOOK_STEM}.ipynb`;
const cellCount = () => (JSON.parse(readFileSync(join(NOTEBOOKS, NOTEBOOK), 'utf8')) as { cells: unknown[] }).cells.length;
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
