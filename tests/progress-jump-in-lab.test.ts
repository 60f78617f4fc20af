import { describe, expect, it } from 'vitest';
import { screenshot, showProgressPanel, useLabPage } from './helpers/lab';

// A question listed in the Course progress panel is a way to it: a click opens its module and
// brings its cell into view, selected.

describe('Course progress: a click on a question goes to it (real JupyterLab, Debian chromium)', () => {
  const labPage = useLabPage();

  it('opens the module at the question, far down the notebook', async () => {
    const { page, lab } = labPage;
    await page.goto(`${lab.url}/lab?token=${lab.token}&reset`);
    await page.locator('#jp-main-dock-panel').waitFor({ timeout: 60_000 });
    await showProgressPanel(page);
    const module = page.locator('#distlab-progress .jp-distlab-module[data-path$="5.1-what-makes-systems-distributed.ipynb"]');
    const rows = module.locator('li');
    const count = await rows.count();
    expect(count).toBeGreaterThan(10);
    const last = rows.nth(count - 1);
    const id = await last.getAttribute('data-question-id');
    const title = (await last.locator('.jp-distlab-qtitle').innerText()).trim();
    await last.locator('.jp-distlab-qtitle').click();
    // The active cell of the opened notebook is the question's, and it is on screen.
    const active = page.locator('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell.jp-mod-active');
    await expect.poll(() => active.count(), { timeout: 60_000 }).toBe(1);
    await expect.poll(() => active.locator('.jp-distlab-question').getAttribute('data-question-id'), { timeout: 30_000 }).toBe(id);
    await expect.poll(() => active.evaluate((el) => {
      const box = el.getBoundingClientRect();
      return box.bottom > 0 && box.top < window.innerHeight;
    }), { timeout: 30_000 }).toBe(true);
    expect(title.length).toBeGreaterThan(0);
    await screenshot(page, 'progress-jump');
  });
});
