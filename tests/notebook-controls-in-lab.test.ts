import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { Lab, launchChromium, openNotebook, runAllCells, startLab, waitForKernelIdle } from './helpers/lab';
import { ARTIFACTS } from './helpers/paths';
import { reportFigures } from './helpers/report-html';
import * as dl from 'distlab';

// The module notebook's own controls in a real lab: Run All, move a slider of an experiment cell,
// the cell re-runs with the new value in its source, and the exported report shows that value and
// the figures it drew (issue 11: "the report of a notebook after controls were moved").


const NOTEBOOK = '5.1-what-makes-systems-distributed.ipynb';

/** The code cell that has a control named `param` (and, if given, also one named `also`). */
const cellWith = (page: Page, param: string, also?: string): Locator => {
  let cell = page.locator('.jp-CodeCell', { has: page.locator(`.jp-distlab-param[data-param="${param}"]`) });
  if (also) cell = cell.filter({ has: page.locator(`.jp-distlab-param[data-param="${also}"]`) });
  return cell;
};
const sliderOf = (cell: Locator, param: string): Locator => cell.locator(`.jp-distlab-param[data-param="${param}"] input[type="range"]`);
const valueOf = (cell: Locator, param: string): Promise<string> => cell.locator(`.jp-distlab-param[data-param="${param}"] .jp-distlab-param-value`).innerText();
const sourceOf = (cell: Locator): Promise<string> => cell.locator('.cm-content').innerText();
const literalIn = (source: string, name: string): string | null => new RegExp(`const ${name}(?::[^=]*)? = ([^;]*);`).exec(source)?.[1] ?? null;
const tableText = (cell: Locator): Promise<string> => cell.locator('.jp-OutputArea-output[data-mime-type="text/html"]').allInnerTexts().then((t) => t.join('\n'));
const figureTexts = (cell: Locator): Promise<string> => cell.locator('.jp-OutputArea-output svg text').allTextContents().then((t) => t.join('|'));
const cellErrors = (cell: Locator): Promise<string[]> =>
  cell.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"], .jp-OutputArea-output.jp-mod-error').allTextContents();

/** Wait until the control row's re-runs are over and the kernel is idle. */
async function settled(page: Page, cell: Locator): Promise<void> {
  await expect.poll(() => cell.locator('.jp-distlab-params').getAttribute('data-busy'), { timeout: 60_000 }).not.toBe('true');
  await waitForKernelIdle(page, 60_000);
}

/** Move a slider to `value` with the keyboard, as a learner can: Home, then one arrow press per step. */
async function moveSlider(page: Page, cell: Locator, param: string, steps: number): Promise<void> {
  const slider = sliderOf(cell, param);
  await slider.scrollIntoViewIfNeeded();
  await slider.focus();
  await page.keyboard.press('Home');
  for (let i = 0; i < steps; i++) await page.keyboard.press('ArrowRight');
}

async function shootCell(cell: Locator, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await cell.scrollIntoViewIfNeeded();
  await cell.screenshot({ path });
  return path;
}

/** Text of an HTML page without its tags, entities decoded (code in reports is split into highlight spans). */
function pageText(html: string): string {
  return html
    .replace(/<style[\s\S]*?<\/style>/gi, '')
    // Table cells and blocks apart, highlight spans joined (they split one line of code).
    .replace(/<\/?(td|th|tr|table|div|p|pre|br)\b[^>]*>/gi, ' ')
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&#x27;/g, "'")
    .replace(/&amp;/g, '&');
}

describe('the module notebook\'s parameter controls in a real JupyterLab, and the report after moving them (Debian chromium)', () => {
  let lab: Lab;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let story: Locator;
  let trading: Locator;

  beforeAll(async () => {
    // Without etcd: this tests the controls; the real clusters are module 5.1's own tests.
    lab = await startLab({ withoutEtcd: true });
    browser = await launchChromium();
    context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1400, height: 1000 } });
    page = await context.newPage();
    // The 47 ms story: the one-trade picture, and the simulated run of many trades.
    story = cellWith(page, 'skewMs', 'networkDelayMs');
    trading = cellWith(page, 'skewMs', 'trades');
  });

  afterAll(async () => {
    await browser?.close();
    await lab?.stop();
  });

  it('draws the controls of the experiment cells with their units, and Run All runs them', async () => {
    await openNotebook(page, lab, NOTEBOOK);
    await expect.poll(() => page.locator('.jp-distlab-params:not([hidden])').count(), { timeout: 30_000 }).toBeGreaterThan(30);
    // Every @param line of the notebook became a control: no row shows a message instead.
    expect((await page.locator('.jp-distlab-param-problem').allInnerTexts()).filter((t) => t.trim() !== '')).toEqual([]);
    expect(await story.count()).toBe(1);
    expect(await trading.count()).toBe(1);
    expect(await sliderOf(trading, 'skewMs').evaluate((s: HTMLInputElement) => [s.min, s.max, s.step, s.value])).toEqual(['0', '100', '1', '47']);
    expect(await valueOf(trading, 'skewMs')).toBe('47 ms');
    expect(await valueOf(trading, 'trades')).toBe('200');

    await runAllCells(page, 300_000);
    expect(await cellErrors(story)).toEqual([]);
    expect(await cellErrors(trading)).toEqual([]);
    const course = dl.tradingClockSkewExperiment({ seed: 1, skewMs: 47, trades: 200 });
    expect(await tableText(trading)).toContain('200 trades, 47 ms skew (seed 1)');
    expect(await tableText(trading)).toMatch(new RegExp(`wall-clock timestamp\\s+${course.misorderedByWallClock}\\b`));
    await expect.poll(() => figureTexts(story), { timeout: 30_000 }).toContain('47 ms of clock skew');

    // Look at them: a slider with its unit, a dropdown with sliders, a checkbox.
    expect(await shootCell(trading, 'notebook-controls-trading')).toMatch(/\.png$/);
    expect(await shootCell(cellWith(page, 'mode', 'healAtMs'), 'notebook-controls-cap')).toMatch(/\.png$/);
    expect(await shootCell(cellWith(page, 'requestIds', 'transfers'), 'notebook-controls-idempotency')).toMatch(/\.png$/);
  });

  it('moving the skew slider re-runs each cell with the new value in its source, and the figure and the counts change', async () => {
    await moveSlider(page, trading, 'skewMs', 5);
    await settled(page, trading);
    expect(literalIn(await sourceOf(trading), 'skewMs')).toBe('5');
    expect(await valueOf(trading, 'skewMs')).toBe('5 ms');
    const moved = dl.tradingClockSkewExperiment({ seed: 1, skewMs: 5, trades: 200 });
    expect(moved.misorderedByWallClock).not.toBe(dl.tradingClockSkewExperiment({ seed: 1, skewMs: 47, trades: 200 }).misorderedByWallClock);
    await expect.poll(() => tableText(trading), { timeout: 30_000 }).toContain('200 trades, 5 ms skew (seed 1)');
    expect(await tableText(trading)).toMatch(new RegExp(`wall-clock timestamp\\s+${moved.misorderedByWallClock}\\b`));
    expect(await cellErrors(trading)).toEqual([]);

    await moveSlider(page, story, 'skewMs', 5);
    await settled(page, story);
    expect(literalIn(await sourceOf(story), 'skewMs')).toBe('5');
    await expect.poll(() => figureTexts(story), { timeout: 30_000 }).toContain('5 ms of clock skew');
    expect(await figureTexts(story)).not.toContain('47 ms of clock skew');
    expect(await cellErrors(story)).toEqual([]);
    expect(await shootCell(trading, 'notebook-controls-trading-moved')).toMatch(/\.png$/);
    expect(await shootCell(story, 'notebook-controls-story-moved')).toMatch(/\.png$/);
  });

  it('the report exported from the lab shows the moved values in the cells\' source and the figures they drew', async () => {
    await page.locator('.lm-MenuBar-itemLabel', { hasText: /^File$/ }).click();
    await page.locator('.lm-Menu-itemLabel', { hasText: /^Save Notebook$/ }).click();
    const saved = () => readFileSync(join(lab.rootDir, NOTEBOOK), 'utf8');
    await expect.poll(() => (saved().match(/const skewMs = 5; \/\/ @param 0\.\.100 step 1 ms/g) ?? []).length, { timeout: 20_000 }).toBe(2);

    await page.locator('.lm-MenuBar-itemLabel', { hasText: /^File$/ }).click();
    await page.locator('.lm-Menu-itemLabel', { hasText: /^Save and Export Notebook As$/ }).hover();
    const item = page.locator('.lm-Menu-itemLabel', { hasText: /^distlab report \(HTML\)$/ });
    await item.waitFor();
    await item.click();
    // The lab saves the report next to the notebook and says so once it is there.
    const reportName = NOTEBOOK.replace(/\.ipynb$/, '.report.html');
    await page.locator('.Toastify__toast', { hasText: `HTML report saved: ${reportName}` }).waitFor({ timeout: 180_000 });
    mkdirSync(ARTIFACTS, { recursive: true });
    const target = join(ARTIFACTS, `controls-moved-${reportName}`);
    copyFileSync(join(lab.rootDir, reportName), target);
    const html = readFileSync(target, 'utf8');
    const text = pageText(html);

    // The source as moved, in both cells; the old value is gone from them.
    expect(text.match(/const skewMs = 5; \/\/ @param 0\.\.100 step 1 ms/g) ?? []).toHaveLength(2);
    // The third 47 ms cell (common mistakes) was not moved and still says so.
    expect(text.match(/const skewMs = 47; \/\/ @param 0\.\.100 step 1 ms/g) ?? []).toHaveLength(1);
    // The counts of the moved run, and the story's figure as an SVG drawn for 5 ms.
    const moved = dl.tradingClockSkewExperiment({ seed: 1, skewMs: 5, trades: 200 });
    expect(text).toContain('200 trades, 5 ms skew (seed 1)');
    expect(text).toMatch(new RegExp(`wall-clock timestamp\\s+${moved.misorderedByWallClock}\\b`));
    const figures = reportFigures(html);
    expect(figures.some((svg) => svg.includes('5 ms of clock skew'))).toBe(true);
    expect(figures.some((svg) => svg.includes('47 ms of clock skew'))).toBe(false);
  });
});
