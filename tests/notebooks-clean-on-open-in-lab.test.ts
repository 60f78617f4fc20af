import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { errorsInPage, Lab, openNotebook, runAllCells, screenshot, useLabPage } from './helpers/lab';
import { NOTEBOOKS } from './helpers/paths';

// A notebook opened and left alone has nothing to save: its tab shows no unsaved dot. Anything
// that writes to the model on open (the kernel's language_info or kernelspec differing from the
// notebook's, the extension's controls or question widgets) would set it.

const NAMES = readdirSync(NOTEBOOKS).filter((n) => n.endsWith('.ipynb')).sort();
const hasCode = (name: string) => (JSON.parse(readFileSync(join(NOTEBOOKS, name), 'utf8')) as { cells: { cell_type: string }[] }).cells.some((c) => c.cell_type === 'code');

/** Whether the current document tab carries JupyterLab's unsaved mark. */
const currentTabDirty = (page: Page) =>
  page.evaluate(() => document.querySelector('#jp-main-dock-panel .lm-TabBar-tab.lm-mod-current')?.classList.contains('jp-mod-dirty') ?? null);

describe('a notebook opened in the lab is not marked unsaved (Debian chromium)', () => {
  const labPage = useLabPage();
  let lab: Lab;
  let page: Page;
  beforeAll(() => ({ lab, page } = labPage));

  it('finds the course notebooks', () => {
    expect(NAMES).toEqual(expect.arrayContaining(['00-start-here.ipynb', '5.1-what-makes-systems-distributed.ipynb', 'gallery.ipynb']));
  });

  for (const name of NAMES) {
    it(`${name}: clean once the extension is ready and the kernel idle${hasCode(name) && !name.startsWith('5.1') ? ', dirty after Run All' : ''}`, async () => {
      await openNotebook(page, lab, name);
      expect(await page.evaluate(() => document.body.dataset.distlab)).toBe('ready');
      await page.locator('#jp-main-dock-panel .lm-TabBar-tab.lm-mod-current', { hasText: name }).waitFor();
      // The kernel's info reply and the widgets land around the idle status: watch a while.
      const seen: (boolean | null)[] = [];
      for (let i = 0; i < 12; i++) {
        seen.push(await currentTabDirty(page));
        await page.waitForTimeout(250);
      }
      expect(seen).toEqual(Array(seen.length).fill(false));
      await screenshot(page, `clean-on-open-${name.replace(/\.ipynb$/, '')}`);
      // Run All of module 5.1 (real etcd, minutes) is tested in module-5.1-in-lab; a notebook of prose only has nothing to run.
      if (name.startsWith('5.1') || !hasCode(name)) return;
      await runAllCells(page);
      expect(await errorsInPage(page)).toEqual([]);
      // Outputs are new content: now there is something to save.
      await expect.poll(() => currentTabDirty(page)).toBe(true);
    });
  }
});
