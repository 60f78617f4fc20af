import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { Lab, openNotebook, screenshot, useLabPage } from './helpers/lab';
import { NOTEBOOKS } from './helpers/paths';

// What the notebooks promise about finding one's way holds in the real lab, with JupyterLab's
// default windowing (the other lab tests render every cell): a glossary link opens the glossary
// at its term, the Next section's link reaches Further reading, the Table of Contents lists every
// section (also one whose cell starts with a question comment) and opens with the keys Start
// here names, and the menu items it names exist.

/** Jupyter user directories with default notebook settings (no windowingMode override). */
function learnerHome(): string {
  const home = mkdtempSync(join(tmpdir(), 'distlab-jupyter-'));
  const dir = join(home, 'settings', '@jupyterlab', 'notebook-extension');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'tracker.jupyterlab-settings'), '{}');
  return home;
}

const MODULE = '5.1-what-makes-systems-distributed.ipynb';

/** A notebook's markdown cells, joined. */
function markdownOf(path: string): string {
  const nb = JSON.parse(readFileSync(path, 'utf8')) as { cells: { cell_type: string; source: string | string[] }[] };
  return nb.cells.filter((c) => c.cell_type === 'markdown').map((c) => (Array.isArray(c.source) ? c.source.join('') : c.source)).join('\n');
}

/** The text of every markdown heading of a notebook (outside fenced blocks), in order. */
function notebookHeadings(path: string): string[] {
  const nb = JSON.parse(readFileSync(path, 'utf8')) as { cells: { cell_type: string; source: string | string[] }[] };
  return nb.cells.filter((c) => c.cell_type === 'markdown')
    .flatMap((c) => (Array.isArray(c.source) ? c.source.join('') : c.source).replace(/```[\s\S]*?```/g, '').split('\n'))
    .flatMap((line) => /^ {0,3}#{1,6}\s+(.*?)\s*$/.exec(line)?.[1] ?? []);
}

/** Top of a heading relative to the visible notebook's viewport, once it is laid out. */
async function headingTop(page: Page, text: string): Promise<number | null> {
  return page.evaluate((wanted) => {
    const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
    const viewport = panel?.querySelector('.jp-WindowedPanel-outer')?.getBoundingClientRect();
    const heading = Array.from(panel?.querySelectorAll('h1, h2, h3') ?? []).find((h) => h.textContent?.replace('¶', '').trim() === wanted);
    return viewport && heading ? heading.getBoundingClientRect().top - viewport.top : null;
  }, text);
}

describe('navigation in a real JupyterLab, as a learner has it', () => {
  const labPage = useLabPage({ homeDir: learnerHome() });
  let lab: Lab;
  let page: Page;
  beforeAll(() => ({ lab, page } = labPage));

  it('a glossary link in the module opens the glossary at its term', async () => {
    await openNotebook(page, lab, MODULE);
    // The first mention of quorum in the module's prose is "majority" in Part 3.1.
    const link = page.locator('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-RenderedMarkdown a[href$="#cell-id=quorum"]').first();
    await link.click();
    await expect.poll(() => page.locator('#jp-main-dock-panel .lm-TabBar-tab.lm-mod-current').first().textContent(), { timeout: 30_000 }).toContain('glossary.ipynb');
    await expect.poll(() => headingTop(page, 'Quorum / majority'), { timeout: 30_000 }).toBeGreaterThanOrEqual(-5);
    expect(await headingTop(page, 'Quorum / majority')).toBeLessThan(250);
    await screenshot(page, 'navigation-glossary-at-quorum');
  });

  it('a link inside the glossary goes to another term', async () => {
    // The quorum entry is open; Raft links Consensus, which is above it.
    await page.locator('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-RenderedMarkdown a[href$="#cell-id=consensus"]').first().click();
    await expect.poll(() => headingTop(page, 'Consensus'), { timeout: 30_000 }).toBeGreaterThanOrEqual(-5);
    expect(await headingTop(page, 'Consensus')).toBeLessThan(250);
  });

  it('the module\'s Next section reaches its Further reading', async () => {
    await page.locator('#jp-main-dock-panel .lm-TabBar-tab', { hasText: MODULE }).click();
    await page.locator('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-RenderedMarkdown a[href="#cell-id=c124-reading"]').click();
    await expect.poll(() => headingTop(page, 'Further reading'), { timeout: 30_000 }).toBeGreaterThanOrEqual(-5);
    expect(await headingTop(page, 'Further reading')).toBeLessThan(250);
  });

  it('Ctrl+Shift+K in command mode shows the Table of Contents, with every section of the module', async () => {
    const toc = page.locator('#table-of-contents');
    expect(await toc.isVisible()).toBe(false);
    await page.locator('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell').first().click();
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+Shift+K');
    await toc.waitFor({ state: 'visible', timeout: 10_000 });
    // Every heading of the notebook, in order: Key takeaways sits in a cell that opens with its
    // question comment, Next is the last cell.
    const headings = notebookHeadings(join(labPage.rootDir, MODULE));
    expect(headings).toEqual(expect.arrayContaining(['Part 1 — What a distributed system is', 'Further reading', 'Key takeaways', 'Next']));
    const items = toc.locator('.jp-tocItem-content');
    await expect.poll(async () => (await items.allTextContents()).map((t) => t.trim()), { timeout: 30_000 }).toEqual(headings);
    await screenshot(page, 'navigation-toc-module');
    await toc.locator('.jp-tocItem-content', { hasText: /^Key takeaways$/ }).scrollIntoViewIfNeeded();
    await screenshot(page, 'navigation-toc-module-end');
  });

  it('the glossary\'s Table of Contents lists its terms', async () => {
    await page.locator('#jp-main-dock-panel .lm-TabBar-tab', { hasText: 'glossary.ipynb' }).click();
    const items = page.locator('#table-of-contents .jp-tocItem-content');
    const headings = notebookHeadings(join(labPage.rootDir, 'glossary.ipynb'));
    expect(headings).toEqual(expect.arrayContaining(['Glossary', 'CAP', 'Quorum / majority', 'Watch (Kubernetes)']));
    await expect.poll(async () => (await items.allTextContents()).map((t) => t.trim()), { timeout: 30_000 }).toEqual(headings);
    await screenshot(page, 'navigation-toc-glossary');
  });

  it('Start here links open the module, the gallery and the glossary', async () => {
    await openNotebook(page, lab, '00-start-here.ipynb');
    await screenshot(page, 'navigation-start-here');
    const notebooks = page.locator('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-RenderedMarkdown').filter({ hasText: "The lab's notebooks" });
    for (const name of [MODULE, 'gallery.ipynb', 'glossary.ipynb']) {
      await notebooks.locator(`a[href*="${name}"]`).first().click();
      await expect.poll(() => page.locator('#jp-main-dock-panel .lm-TabBar-tab.lm-mod-current').first().textContent(), { timeout: 30_000 }).toContain(name);
      await page.locator('#jp-main-dock-panel .lm-TabBar-tab', { hasText: '00-start-here.ipynb' }).click();
    }
    await page.locator('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-RenderedMarkdown h2', { hasText: 'Keys that matter' }).scrollIntoViewIfNeeded();
    await screenshot(page, 'navigation-start-here-keys');
  });

  it('every menu path a notebook names in bold (File → … → item) exists, and View → Table of Contents', async () => {
    const named = readdirSync(NOTEBOOKS).filter((n) => n.endsWith('.ipynb')).flatMap((file) =>
      Array.from(markdownOf(join(NOTEBOOKS, file)).matchAll(/\*\*([^*\n]+?(?: → [^*\n]+?)+)\*\*/g), (m) => m[1].split(' → ')));
    expect(named.map((path) => path.join(' → '))).toEqual(expect.arrayContaining(['Run → Run All Cells', 'Kernel → Restart Kernel…']));
    const visibleLabels = async () => (await page.locator('.lm-Menu:visible').last().locator('.lm-Menu-itemLabel').allTextContents()).map((t) => t.trim());
    for (const [menu, ...items] of [...named, ['View', 'Table of Contents']]) {
      await page.locator('.lm-MenuBar-itemLabel', { hasText: new RegExp(`^${menu}$`) }).click();
      for (const [i, item] of items.entries()) {
        expect(await visibleLabels(), `${menu} → ${items.slice(0, i + 1).join(' → ')}`).toContain(item);
        if (i < items.length - 1) {
          await page.locator('.lm-Menu:visible').last().locator('.lm-Menu-itemLabel', { hasText: new RegExp(`^${item.replace(/[()]/g, '\\$&')}$`) }).hover();
          await expect.poll(async () => (await page.locator('.lm-Menu:visible').count()) >= i + 2, { timeout: 5_000 }).toBe(true);
        }
      }
      await page.keyboard.press('Escape');
      await page.keyboard.press('Escape');
      await page.keyboard.press('Escape');
    }
  });
});
