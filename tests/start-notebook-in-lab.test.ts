import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { errorsInPage, Lab, openNotebook, runAllCells, screenshot, useLabPage } from './helpers/lab';
import { lightAreaIn, shootCells, switchTheme } from './helpers/notebook-shots';

describe('the start notebook in a real JupyterLab, in Debian chromium', () => {
  const labPage = useLabPage();
  let lab: Lab;
  let page: Page;
  beforeAll(() => ({ lab, page } = labPage));

  it('offers the TypeScript (tslab) kernel and loads the distlab extension', async () => {
    const response = await fetch(`${lab.url}/api/kernelspecs?token=${lab.token}`);
    const specs = (await response.json()) as { kernelspecs: Record<string, { spec: { display_name: string } }> };
    expect(specs.kernelspecs.tslab.spec.display_name).toBe('TypeScript');
    await openNotebook(page, lab, '00-start-here.ipynb');
    expect(await page.evaluate(() => document.body.dataset.distlab)).toBe('ready');
    await expect.poll(() => page.locator('[data-jp-item-name="kernelName"]').first().textContent(), { timeout: 60_000 }).toContain('TypeScript');
  });

  it('runs all cells and draws the latency figure in the page', async () => {
    await runAllCells(page);
    expect(await errorsInPage(page)).toEqual([]);
    // JupyterLab renders the Vega-Lite form itself; its SVG or canvas carries our bars.
    const figure = page.locator('.jp-RenderedVegaCommon5, .vega-embed').first();
    await figure.waitFor({ timeout: 60_000 });
    await figure.scrollIntoViewIfNeeded();
    const box = await figure.boundingBox();
    expect(box?.width ?? 0).toBeGreaterThan(400);
    expect(box?.height ?? 0).toBeGreaterThan(150);
    const marks = await figure.locator('path, rect').count();
    expect(marks).toBeGreaterThan(7);
    const labels = await figure.locator('text').allTextContents();
    expect(labels.join('|')).toContain('L1 cache reference');
    await page.locator('.jp-OutputArea-output pre', { hasText: 'invalid widthPx: 5' }).first().waitFor();
    const shot = await screenshot(page, 'start-notebook-latency-figure');
    expect(shot).toMatch(/\.png$/);
  });

  it('offers the distlab commands in the command palette', async () => {
    await page.keyboard.press('Control+Shift+c');
    await page.locator('.lm-CommandPalette-input').fill('distlab');
    const items = await page.locator('.lm-CommandPalette-itemLabel').allTextContents();
    expect(items).toEqual(expect.arrayContaining(['Show Course progress', 'Reset Course progress…']));
    await page.keyboard.press('Escape');
  });

  it('screenshots every cell after Run All, light and dark; in the dark nothing is left painted light', async () => {
    const cells = await page.locator('.jp-Notebook .jp-Cell').count();
    await switchTheme(page, 'light');
    expect((await shootCells(page, '00-start-here', 'light')).cellsSeen).toBe(cells);
    // The probe sees light paint where there is some: a code cell's editor in the light theme.
    expect(await lightAreaIn(page.locator('.jp-Notebook .jp-CodeCell').first())).toMatch(/is painted light$/);
    await switchTheme(page, 'dark');
    const dark = await shootCells(page, '00-start-here', 'dark');
    expect(dark.cellsSeen).toBe(cells);
    expect(dark.lightAreas).toEqual([]);
    await switchTheme(page, 'light');
  });
});
