import { readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
// The arguments `npm start` gives jupyter, from the script itself.
import { labArgs, START_NOTEBOOK } from '../scripts/start.mjs';
import { Lab, screenshot, useLabPage, waitForKernelIdle } from './helpers/lab';
import { NOTEBOOKS } from './helpers/paths';

/** The page JupyterLab writes for the browser it opens (the learner's first page), as a file: URL. */
function browserOpenFile(lab: Lab): string {
  const runtime = join(lab.homeDir, 'runtime');
  const file = readdirSync(runtime).find((name) => new RegExp(`^jpserver-${lab.pid}-open\\.html$`).test(name));
  if (file === undefined) throw new Error(`no browser-open file in ${runtime}: ${readdirSync(runtime).join(', ')}`);
  return `file://${join(runtime, file)}`;
}

/** The main area's tabs (titles) and which one is shown. */
async function mainTabs(page: Page): Promise<{ titles: string[]; current: string | null; launcherShown: boolean }> {
  return page.evaluate(() => {
    const tabs = Array.from(document.querySelectorAll('#jp-main-dock-panel .lm-TabBar-tab'));
    const launcher = document.querySelector('#jp-main-dock-panel .jp-Launcher');
    return {
      titles: tabs.map((t) => t.querySelector('.lm-TabBar-tabLabel')?.textContent ?? ''),
      current: document.querySelector('#jp-main-dock-panel .lm-TabBar-tab.lm-mod-current .lm-TabBar-tabLabel')?.textContent ?? null,
      launcherShown: launcher !== null && (launcher as HTMLElement).offsetParent !== null
    };
  });
}

/** Wait until the lab shows start-here's first heading with its kernel idle. */
async function waitForStartHere(page: Page): Promise<void> {
  await page.locator('.jp-Notebook h1', { hasText: 'Start here' }).first().waitFor({ timeout: 90_000 });
  await waitForKernelIdle(page);
}

describe('npm start: the first page is the start notebook, not the Launcher (Debian chromium)', () => {
  // The lab is started with scripts/start.mjs's arguments; the test's own (port, token, the
  // scratch folder) come after them, as a learner's `npm start -- --port 8899` does.
  const labPage = useLabPage({ command: (testArgs) => labArgs(testArgs) });
  let lab: Lab;
  let page: Page;
  beforeAll(() => ({ lab, page } = labPage));

  it("puts the learner's arguments last; one that sets a default's option replaces that default", () => {
    const ours = `--LabApp.default_url=/lab/tree/${START_NOTEBOOK}`;
    const args = labArgs(['--port', '8899'], { asRoot: false });
    expect(args.slice(-2)).toEqual(['--port', '8899']);
    expect(args).toContain(ours);
    expect(args).toContain('--ServerApp.ip=localhost');
    // Jupyter stops with "only accepts one value" on an option given twice.
    const own = labArgs(['--ip', '0.0.0.0', `--notebook-dir=${NOTEBOOKS}`, '--LabApp.default_url=/lab'], { asRoot: false });
    expect(own).toEqual(['lab', '--ip', '0.0.0.0', `--notebook-dir=${NOTEBOOKS}`, '--LabApp.default_url=/lab']);
    // A folder of the learner's own without the start notebook: no default URL to a missing file.
    expect(labArgs(['--notebook-dir', tmpdir()], { asRoot: false }).join(' ')).not.toContain('default_url');
    expect(labArgs(['--notebook-dir', NOTEBOOKS], { asRoot: false })).toContain(ours);
  });

  it('prints, redirects / to, and opens the browser on the start notebook', async () => {
    // The URL JupyterLab prints for the learner to open.
    expect(lab.log()).toMatch(new RegExp(`http://127\\.0\\.0\\.1:${lab.port}/lab/tree/${START_NOTEBOOK.replace(/\./g, '\\.')}\\?token=`));
    const redirect = await fetch(`${lab.url}/?token=${lab.token}`, { redirect: 'manual' });
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get('location')).toMatch(new RegExp(`^/lab/tree/${START_NOTEBOOK.replace(/\./g, '\\.')}`));
    // The lab serves the test's folder: its --ServerApp.root_dir replaced npm start's.
    expect(lab.log()).toContain(`Serving notebooks from local directory: ${lab.rootDir}`);
  });

  it('a first visit through the page JupyterLab opens shows start-here open, no Launcher', async () => {
    await page.goto(browserOpenFile(lab));
    await waitForStartHere(page);
    const tabs = await mainTabs(page);
    expect(tabs.current).toBe(START_NOTEBOOK);
    expect(tabs.titles).toEqual([START_NOTEBOOK]);
    expect(tabs.launcherShown).toBe(false);
    await screenshot(page, 'npm-start-first-page');
  });

  it('with a saved layout (another notebook open, start-here closed), start-here is still what the learner sees', async () => {
    // The learner opens the gallery and closes start-here: JupyterLab saves that layout.
    await page.goto(browserOpenFile(lab));
    await waitForStartHere(page);
    await page.goto(`${lab.url}/lab/tree/gallery.ipynb?token=${lab.token}`);
    await page.locator('#jp-main-dock-panel .lm-TabBar-tab.lm-mod-current', { hasText: 'gallery.ipynb' }).waitFor({ timeout: 60_000 });
    await page.locator('#jp-main-dock-panel .lm-TabBar-tab', { hasText: START_NOTEBOOK }).locator('.lm-TabBar-tabCloseIcon').click();
    await expect.poll(async () => (await mainTabs(page)).titles, { timeout: 30_000 }).toEqual(['gallery.ipynb']);
    const savedMain = () => readdirSync(join(lab.homeDir, 'workspaces'))
      .map((f) => (JSON.parse(readFileSync(join(lab.homeDir, 'workspaces', f), 'utf8')) as { data: Record<string, any> }).data['layout-restorer:data']?.main?.dock?.widgets)
      .flat();
    await expect.poll(savedMain, { timeout: 30_000 }).toEqual(['notebook:gallery.ipynb']);
    // Plain /lab restores that layout: the proof that it is saved and used.
    await page.goto(`${lab.url}/lab?token=${lab.token}`);
    await expect.poll(async () => (await mainTabs(page)).titles, { timeout: 60_000 }).toEqual(['gallery.ipynb']);
    // The next `npm start`: a new server on the same user folders, the page it opens.
    lab = await labPage.restart();
    await page.goto(browserOpenFile(lab));
    await waitForStartHere(page);
    const tabs = await mainTabs(page);
    expect(tabs.current).toBe(START_NOTEBOOK);
    expect(tabs.launcherShown).toBe(false);
    expect(tabs.titles).toEqual(expect.arrayContaining([START_NOTEBOOK, 'gallery.ipynb']));
    await screenshot(page, 'npm-start-saved-layout');
  });
});
