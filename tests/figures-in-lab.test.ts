import { beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { errorsInPage, Lab, openNotebook, useLabPage, waitForKernelIdle } from './helpers/lab';
import { errorOutputs, executeCells } from './helpers/notebook';
import { shootCells, switchTheme } from './helpers/notebook-shots';
import { ARTIFACTS } from './helpers/paths';

/** The rendered figure whose title is `title`: a Vega-Lite view, or the replay a space-time diagram shows in the lab. */
function figureTitled(page: Page, title: string): Locator {
  return page.locator('.jp-RenderedVegaCommon5, .vega-embed, .jp-distlab-replay').filter({ has: page.locator('text', { hasText: title }) }).first();
}

/**
 * JupyterLab 4 renders only the cells near the viewport of a long notebook, so prompts and
 * outputs of far cells are not in the DOM: scroll the notebook until `target` appears.
 */
async function scrollUntil(page: Page, found: () => Promise<boolean>, fromTop = true): Promise<boolean> {
  const scroller = page.locator('.jp-WindowedPanel-outer').first();
  if (fromTop) await scroller.evaluate((el) => (el.scrollTop = 0));
  for (let step = 0; step < 80; step++) {
    if (await found()) return true;
    await scroller.evaluate((el) => (el.scrollTop += 600));
    await page.waitForTimeout(150);
  }
  return found();
}

/** Run All, then wait until the last code cell has run (scrolling it into the DOM). */
async function runAllGalleryCells(page: Page): Promise<void> {
  await page.locator('.lm-MenuBar-itemLabel', { hasText: /^Run$/ }).click();
  await page.locator('.lm-Menu-itemLabel', { hasText: /^Run All Cells$/ }).click();
  const deadline = Date.now() + 180_000;
  for (;;) {
    const scroller = page.locator('.jp-WindowedPanel-outer').first();
    await scroller.evaluate((el) => (el.scrollTop = el.scrollHeight));
    await page.waitForTimeout(500);
    const prompts = await page.locator('.jp-CodeCell .jp-InputPrompt').allTextContents();
    const last = prompts[prompts.length - 1] ?? '';
    if (/\[\d+\]/.test(last)) break;
    if (Date.now() > deadline) throw new Error(`gallery did not finish running; last prompts: ${prompts.slice(-3).join(' ')}`);
  }
  await waitForKernelIdle(page);
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
  const labPage = useLabPage();
  let lab: Lab;
  let page: Page;
  beforeAll(() => ({ lab, page } = labPage));

  it('runs every gallery cell without an error', async () => {
    await openNotebook(page, lab, 'gallery.ipynb');
    await expect.poll(() => page.locator('[data-jp-item-name="kernelName"]').first().textContent(), { timeout: 60_000 }).toContain('TypeScript');
    await runAllGalleryCells(page);
    // Errors anywhere: scroll through the whole notebook collecting them.
    const errors = new Set<string>();
    let figures = 0;
    await scrollUntil(page, async () => {
      for (const e of await errorsInPage(page)) errors.add(e);
      figures = Math.max(figures, await page.locator('.jp-RenderedVegaCommon5, .vega-embed').count());
      return false;
    });
    expect([...errors]).toEqual([]);
    expect(figures).toBeGreaterThan(0);
  });

  it('no two tick labels of an axis touch in any gallery figure as the lab draws it', async () => {
    const crowded = new Set<string>();
    let axes = 0;
    await scrollUntil(page, async () => {
      const found = await page.evaluate(() => {
        const out: string[] = [];
        let groups = 0;
        for (const group of Array.from(document.querySelectorAll('.jp-RenderedVegaCommon5 g.role-axis-label, .vega-embed g.role-axis-label'))) {
          groups += 1;
          const title = group.closest('svg')?.querySelector('.role-title-text')?.textContent ?? '?';
          const boxes = Array.from(group.querySelectorAll('text'))
            .filter((t) => Number(t.getAttribute('opacity') ?? 1) > 0 && (t.textContent ?? '') !== '')
            .map((t) => ({ text: t.textContent ?? '', box: t.getBoundingClientRect() }));
          for (const [i, a] of boxes.entries()) {
            for (const b of boxes.slice(i + 1)) {
              const rows = a.box.top < b.box.bottom && b.box.top < a.box.bottom;
              const cols = a.box.left < b.box.right + 2 && b.box.left < a.box.right + 2;
              if (rows && cols) out.push(`${title}: "${a.text}" and "${b.text}"`);
            }
          }
        }
        return { out, groups };
      });
      found.out.forEach((c) => crowded.add(c));
      axes = Math.max(axes, found.groups);
      return false;
    });
    expect(axes).toBeGreaterThan(0);
    expect([...crowded]).toEqual([]);
  });

  it('draws the space-time diagram: lanes, arrows, drops', async () => {
    const figure = figureTitled(page, 'Space-time diagram');
    expect(await scrollUntil(page, async () => (await figure.count()) > 0)).toBe(true);
    const labels = (await figure.locator('text').allTextContents()).join('|');
    for (const text of ['a', 'b', 'c', 'virtual time (ms)', 'dropped', 'partitioned']) expect(labels).toContain(text);
    expect(await figure.locator('path, line').count()).toBeGreaterThan(40);
    const box = await figure.boundingBox();
    expect(box?.width ?? 0).toBeGreaterThan(500);
    expect(await shoot(figure, 'figures-space-time-diagram')).toMatch(/\.png$/);
  });

  it('draws the availability curves with their simulated points', async () => {
    const figure = figureTitled(page, 'Availability of a majority quorum');
    expect(await scrollUntil(page, async () => (await figure.count()) > 0)).toBe(true);
    const labels = (await figure.locator('text').allTextContents()).join('|');
    for (const n of [1, 3, 5, 7]) expect(labels).toContain(`n = ${n}`);
    expect(labels).toContain('per-node availability p');
    expect(await shoot(figure, 'figures-availability')).toMatch(/\.png$/);
  });

  it('screenshots every gallery cell in the light theme', async () => {
    const cells = await page.locator('.jp-Notebook .jp-Cell').count();
    expect((await shootCells(page, 'gallery', 'light')).cellsSeen).toBe(cells);
  });

  it('switches to the dark theme and still draws the figures; every cell screenshotted, nothing left painted light', async () => {
    await switchTheme(page, 'dark');
    const dark = await shootCells(page, 'gallery', 'dark');
    expect(dark.cellsSeen).toBe(await page.locator('.jp-Notebook .jp-Cell').count());
    expect(dark.lightAreas).toEqual([]);
    const figure = figureTitled(page, 'Space-time diagram');
    expect(await scrollUntil(page, async () => (await figure.count()) > 0)).toBe(true);
    expect(await shoot(figure, 'figures-space-time-diagram-dark')).toMatch(/\.png$/);
    const availability = figureTitled(page, 'Availability of a majority quorum');
    expect(await scrollUntil(page, async () => (await availability.count()) > 0)).toBe(true);
    expect(await shoot(availability, 'figures-availability-dark')).toMatch(/\.png$/);
  });
});
