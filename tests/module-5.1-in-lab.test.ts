import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { errorsInPage, Lab, openNotebook, runAllCells, useLabPage } from './helpers/lab';
import { ARTIFACTS, NOTEBOOKS } from './helpers/paths';

const NOTEBOOK = '5.1-what-makes-systems-distributed.ipynb';
const SHOTS = join(ARTIFACTS, 'module-5.1');
/** A figure output: JupyterLab's Vega-Lite renderer. */
const VEGA_OUTPUT = '.jp-RenderedVegaCommon5';
/** ... drawn: Vega has put its marks in the page. */
const VEGA_DRAWN = `${VEGA_OUTPUT} :is(svg.marks, canvas.marks)`;

/** Ids of the notebook's code cells, in order: screenshots are named after them. */
function codeCellIds(): string[] {
  const nb = JSON.parse(readFileSync(join(NOTEBOOKS, NOTEBOOK), 'utf8')) as { cells: { cell_type: string; id: string }[] };
  return nb.cells.filter((c) => c.cell_type === 'code').map((c) => c.id);
}

/**
 * Screenshot the output area of every code cell that has one, named by the cell's id, so each
 * figure, table and text output can be looked at in this theme.
 */
async function shootOutputs(page: Page, theme: 'light' | 'dark'): Promise<string[]> {
  const dir = join(SHOTS, theme);
  mkdirSync(dir, { recursive: true });
  const cells = page.locator('.jp-CodeCell');
  const count = await cells.count();
  const ids = codeCellIds();
  expect(count).toBe(ids.length);
  const paths: string[] = [];
  for (let i = 0; i < count; i++) {
    const cell = cells.nth(i);
    const output = cell.locator('.jp-Cell-outputWrapper');
    if ((await cell.locator('.jp-OutputArea-output').count()) === 0) continue;
    const id = ids[i];
    const path = join(dir, `${id}.png`);
    await output.scrollIntoViewIfNeeded();
    await output.screenshot({ path });
    paths.push(path);
  }
  return paths;
}

async function switchTheme(page: Page, name: 'JupyterLab Light' | 'JupyterLab Dark'): Promise<void> {
  await page.locator('.lm-MenuBar-itemLabel', { hasText: /^Settings$/ }).click();
  await page.locator('.lm-Menu-itemLabel', { hasText: /^Theme$/ }).click();
  await page.locator('.lm-Menu-itemLabel', { hasText: new RegExp(`^${name}$`) }).click();
  const light = name === 'JupyterLab Light' ? 'true' : 'false';
  await expect.poll(() => page.evaluate(() => document.body.dataset.jpThemeLight), { timeout: 30_000 }).toBe(light);
  // Vega views re-render for the theme; give them a moment.
  await page.waitForTimeout(1500);
}

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

  it('screenshots every output in the light theme', async () => {
    await switchTheme(page, 'JupyterLab Light');
    const paths = await shootOutputs(page, 'light');
    expect(paths.length).toBeGreaterThan(10);
  });

  it('screenshots every output in the dark theme, where figures still draw', async () => {
    await switchTheme(page, 'JupyterLab Dark');
    const paths = await shootOutputs(page, 'dark');
    expect(paths.length).toBeGreaterThan(10);
    expect(await page.locator(VEGA_DRAWN).count()).toBe(await page.locator(VEGA_OUTPUT).count());
  });
});
