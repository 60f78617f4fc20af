import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { errorsInPage, Lab, launchChromium, openNotebook, runAllCells, startLab } from './helpers/lab';
import { errorOutputs, executeCells } from './helpers/notebook';
import { ARTIFACTS } from './helpers/paths';

/** The rendered Vega-Lite output whose title is `title`. */
function figureTitled(page: Page, title: string): Locator {
  return page.locator('.jp-RenderedVegaCommon5, .vega-embed').filter({ has: page.locator('text', { hasText: title }) }).first();
}

async function shoot(figure: Locator, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await figure.scrollIntoViewIfNeeded();
  await figure.screenshot({ path });
  return path;
}

describe('figures through the real tslab kernel', () => {
  it('a figure or table as a cell\'s last expression sends one bundle and no stray text', () => {
    const nb = executeCells([
      `import * as dl from 'distlab';\ndl.callChainTimeline()`,
      `dl.table([{ mode: 'crash', ok: 3 }])`,
      `[dl.callChainTimeline()]`
    ]);
    expect(errorOutputs(nb)).toEqual([]);
    const [figure, table, nested] = nb.cells.map((c) => c.outputs ?? []);
    expect(figure.map((o) => o.output_type)).toEqual(['display_data']);
    expect(Object.keys(figure[0].data ?? {}).sort()).toEqual(['application/vnd.vegalite.v5+json', 'image/svg+xml', 'text/plain']);
    expect(table.map((o) => o.output_type)).toEqual(['display_data']);
    expect(Object.keys(table[0].data ?? {}).sort()).toEqual(['text/html', 'text/plain']);
    // Nested in an array it is printed as its text summary, like any value.
    expect(nested.map((o) => o.output_type)).toEqual(['stream']);
  });
});

describe('the figure gallery in a real JupyterLab, in Debian chromium', () => {
  let lab: Lab;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    lab = await startLab();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  });

  afterAll(async () => {
    await browser?.close();
    await lab?.stop();
  });

  it('runs every gallery cell without an error', async () => {
    await openNotebook(page, lab, 'gallery.ipynb');
    // Seen here: JupyterLab sometimes asks for a kernel although the notebook names tslab; answer TypeScript.
    const dialog = page.locator('.jp-Dialog', { hasText: 'Select Kernel' });
    if (await dialog.isVisible({ timeout: 3000 }).catch(() => false)) {
      await dialog.locator('select').selectOption({ label: 'TypeScript' });
      await dialog.locator('button', { hasText: 'Select' }).click();
      await page.waitForTimeout(1000);
    }
    await runAllCells(page);
    expect(await errorsInPage(page)).toEqual([]);
    const rendered = await page.locator('.jp-RenderedVegaCommon5, .vega-embed').count();
    expect(rendered).toBeGreaterThanOrEqual(15);
  });

  it('draws the space-time diagram: lanes, arrows, drops', async () => {
    const figure = figureTitled(page, 'Space-time diagram');
    await figure.waitFor({ timeout: 60_000 });
    const labels = (await figure.locator('text').allTextContents()).join('|');
    for (const text of ['a', 'b', 'c', 'virtual time (ms)', 'dropped', 'partitioned']) expect(labels).toContain(text);
    expect(await figure.locator('path, line').count()).toBeGreaterThan(40);
    const box = await figure.boundingBox();
    expect(box?.width ?? 0).toBeGreaterThan(500);
    expect(await shoot(figure, 'figures-space-time-diagram')).toMatch(/\.png$/);
  });

  it('draws the availability curves with their simulated points', async () => {
    const figure = figureTitled(page, 'Cluster availability vs per-node availability');
    await figure.waitFor({ timeout: 60_000 });
    const labels = (await figure.locator('text').allTextContents()).join('|');
    for (const n of [1, 3, 5, 7]) expect(labels).toContain(`n = ${n}`);
    expect(labels).toContain('per-node availability p');
    expect(await shoot(figure, 'figures-availability')).toMatch(/\.png$/);
  });

  it('switches to the dark theme and still draws the figures', async () => {
    await page.evaluate(() => (window as unknown as { jupyterapp?: { commands: { execute(id: string, args: unknown): Promise<unknown> } } }).jupyterapp?.commands.execute('apputils:change-theme', { theme: 'JupyterLab Dark' }));
    await page.waitForTimeout(1500);
    const figure = figureTitled(page, 'Space-time diagram');
    expect(await shoot(figure, 'figures-space-time-diagram-dark')).toMatch(/\.png$/);
    const availability = figureTitled(page, 'Cluster availability vs per-node availability');
    expect(await shoot(availability, 'figures-availability-dark')).toMatch(/\.png$/);
  });
});
