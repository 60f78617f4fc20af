import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { Lab, launchChromium, openNotebook, runAllCells, screenshot, startLab } from './helpers/lab';
import { ARTIFACTS } from './helpers/paths';
import { reportFigures } from './helpers/report-html';

const NOTEBOOK = '00-start-here.ipynb';

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
    await openNotebook(page, lab, NOTEBOOK);
    await runAllCells(page);
    await page.keyboard.press('Control+s');
  });

  afterAll(async () => {
    await browser?.close();
    await lab?.stop();
  });

  async function openExportMenu(): Promise<string[]> {
    await page.locator('.lm-MenuBar-itemLabel', { hasText: /^File$/ }).click();
    await page.locator('.lm-Menu-itemLabel', { hasText: /^Save and Export Notebook As$/ }).hover();
    const submenu = page.locator('.lm-Menu').last();
    await submenu.locator('.lm-Menu-itemLabel', { hasText: 'distlab report (HTML)' }).waitFor();
    return submenu.locator('.lm-Menu-itemLabel').allTextContents();
  }

  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${lab.url}${path}`, { ...init, headers: { Authorization: `token ${lab.token}`, 'Content-Type': 'application/json' } });

  it('lists one pair of report formats: the two distlab reports, not their raw exporter names too', async () => {
    const labels = await openExportMenu();
    await screenshot(page, 'report-menu-export-submenu');
    await page.keyboard.press('Escape');
    await page.keyboard.press('Escape');
    expect(labels.filter((label) => /report/i.test(label))).toEqual(['distlab report (HTML)', 'distlab report (PDF)']);
    // Whatever JupyterLab lists comes from the server's exporters: none of them is a distlab one.
    const formats = Object.keys((await (await api('/api/nbconvert')).json()) as Record<string, unknown>);
    expect(formats.length).toBeGreaterThan(3);
    expect(formats.filter((name) => /distlab/i.test(name))).toEqual([]);
  });

  async function exportFromMenu(label: string, what: string, output: string): Promise<void> {
    await page.locator('.lm-TabBar-tab', { hasText: NOTEBOOK }).first().click();
    await openExportMenu();
    const item = page.locator('.lm-Menu-itemLabel', { hasText: label });
    await item.click();
    // Progress shows within a second of the click, before the server has finished.
    const progress = page.locator('.Toastify__toast', { hasText: `Exporting ${NOTEBOOK} as a ${what}` });
    await progress.waitFor({ timeout: 1000 });
    await page.waitForTimeout(400); // the toast slides in; the picture is for looking at
    await screenshot(page, `report-export-progress-${what.replace(/\W+/g, '-')}`);
    // The result: a message naming the file saved next to the notebook, which opens in a tab.
    const done = page.locator('.Toastify__toast', { hasText: `${what} saved: ${output}` });
    await done.waitFor({ timeout: 180_000 });
    await page.locator('.lm-TabBar-tabLabel', { hasText: output }).waitFor({ timeout: 30_000 });
    await screenshot(page, `report-export-done-${what.replace(/\W+/g, '-')}`);
    expect(existsSync(join(lab.rootDir, output)), 'saved next to the notebook').toBe(true);
  }

  it('PDF: shows progress at once, can not be started twice, saves the report, opens it and offers it for download', async () => {
    const output = '00-start-here.report.pdf';
    const exported = exportFromMenu('distlab report (PDF)', 'PDF report', output);
    // While it runs, the same export is greyed out in the menu.
    await page.locator('.Toastify__toast', { hasText: `Exporting ${NOTEBOOK} as a PDF report` }).waitFor({ timeout: 5000 });
    await openExportMenu();
    const disabled = await page.locator('.lm-Menu-item', { hasText: 'distlab report (PDF)' }).getAttribute('class');
    await page.keyboard.press('Escape');
    await page.keyboard.press('Escape');
    await exported;
    expect(disabled ?? '').toContain('lm-mod-disabled');
    const pdf = readFileSync(join(lab.rootDir, output));
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.length).toBeGreaterThan(20_000);
    // The download opens in a new window (or this one): whichever comes, the other never does.
    const never = new Promise<never>(() => undefined);
    const download = page.waitForEvent('download').catch(() => never);
    const popupDownload = context.waitForEvent('page').then((popup) => popup.waitForEvent('download')).catch(() => never);
    await page.locator('.Toastify__toast', { hasText: `PDF report saved: ${output}` }).getByRole('button', { name: 'Download' }).click();
    const file = await Promise.race([download, popupDownload]);
    expect(file.suggestedFilename()).toBe(output);
    await file.saveAs(join(ARTIFACTS, output));
    expect(readFileSync(join(ARTIFACTS, output)).subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('HTML: the same, with the figure as an SVG image and nothing from a CDN', async () => {
    const output = '00-start-here.report.html';
    await exportFromMenu('distlab report (HTML)', 'HTML report', output);
    const html = readFileSync(join(lab.rootDir, output), 'utf8');
    expect(reportFigures(html).some((svg) => /<svg[^>]*class="marks"/.test(svg)), 'the figure as an SVG image').toBe(true);
    expect(html.includes('distlab lab report'), 'the title page').toBe(true);
    expect(/<script[^>]+src=["']?https?:/i.test(html), 'nothing from a CDN').toBe(false);
  });

  it('the server runs one export of a notebook at a time and says why one failed', async () => {
    const start = () => api('/distlab/report', { method: 'POST', body: JSON.stringify({ path: NOTEBOOK, format: 'pdf' }) });
    const first = await start();
    const second = await start();
    expect(first.status).toBe(202);
    expect(second.status).toBe(409);
    expect((await second.json()).message).toMatch(/already being exported/);
    const { id } = await first.json();
    for (let phase = ''; phase !== 'done'; ) {
      const job = await (await api(`/distlab/report?id=${id}`)).json();
      expect(job.phase).not.toBe('failed');
      phase = job.phase;
      await new Promise((r) => setTimeout(r, 200));
    }
    const missing = await (await api('/distlab/report', { method: 'POST', body: JSON.stringify({ path: 'no-such.ipynb', format: 'html' }) })).json();
    let job = missing;
    while (job.phase !== 'failed' && job.phase !== 'done') {
      await new Promise((r) => setTimeout(r, 200));
      job = await (await api(`/distlab/report?id=${missing.id}`)).json();
    }
    expect(job.phase).toBe('failed');
    expect(job.error).toMatch(/no-such\.ipynb/);
    const bad = await api('/distlab/report', { method: 'POST', body: JSON.stringify({ path: NOTEBOOK, format: 'docx' }) });
    expect(bad.status).toBe(400);
    expect((await bad.json()).message).toMatch(/format must be one of html, pdf, got 'docx'/);
  });
});
