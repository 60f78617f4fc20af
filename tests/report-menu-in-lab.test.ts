import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { Lab, launchChromium, openNotebook, runAllCells, screenshot, startLab } from './helpers/lab';
import { ARTIFACTS } from './helpers/paths';
import { reportFigures } from './helpers/report-html';

describe('File → Save and Export Notebook As → distlab report, in a real JupyterLab', () => {
  let lab: Lab;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    lab = await startLab();
    browser = await launchChromium();
    context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1400, height: 1000 } });
    page = await context.newPage();
    await openNotebook(page, lab, '00-start-here.ipynb');
    await runAllCells(page);
    await page.keyboard.press('Control+s');
  });

  afterAll(async () => {
    await browser?.close();
    await lab?.stop();
  });

  async function exportAs(label: string): Promise<{ name: string; body: Buffer }> {
    await page.locator('.lm-MenuBar-itemLabel', { hasText: /^File$/ }).click();
    await page.locator('.lm-Menu-itemLabel', { hasText: /^Save and Export Notebook As$/ }).hover();
    const item = page.locator('.lm-Menu-itemLabel', { hasText: new RegExp(`^${label.replace(/[()]/g, '\\$&')}$`) });
    await item.waitFor();
    await screenshot(page, `report-menu-${label.replace(/\W+/g, '-')}`);
    // JupyterLab opens the nbconvert URL in a new window, which downloads the file.
    const downloadInPopup = context.waitForEvent('page').then((popup) => popup.waitForEvent('download'));
    const downloadInPage = page.waitForEvent('download');
    await item.click();
    const download = await Promise.race([downloadInPopup, downloadInPage]);
    const target = join(ARTIFACTS, download.suggestedFilename());
    await download.saveAs(target);
    return { name: download.suggestedFilename(), body: readFileSync(target) };
  }

  it('lists the distlab report format and exports the saved notebook as a self-contained HTML report', async () => {
    const { name, body } = await exportAs('distlab report (HTML)');
    expect(name).toMatch(/00-start-here.*\.html$/);
    const html = body.toString('utf8');
    expect(reportFigures(html).some((svg) => /<svg[^>]*class="marks"/.test(svg)), 'the figure as an SVG image').toBe(true);
    expect(html.includes('distlab report'), 'the title page').toBe(true);
    expect(/<script[^>]+src=["']?https?:/i.test(html), 'nothing from a CDN').toBe(false);
  });

  it('exports the same report as PDF', async () => {
    const { name, body } = await exportAs('distlab report (PDF)');
    expect(name).toMatch(/\.pdf$/);
    expect(body.subarray(0, 5).toString()).toBe('%PDF-');
    expect(body.length).toBeGreaterThan(20_000);
  });
});
