import { ChildProcess, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, Browser, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { ARTIFACTS, CHROMIUM, NOTEBOOKS, NO_ETCD, ROOT, VENV_BIN } from './paths';

export interface Lab {
  url: string;
  token: string;
  port: number;
  /** Jupyter's own directories for this server (config, data, runtime, settings): a clean user. */
  homeDir: string;
  rootDir: string;
  log: () => string;
  stop: () => Promise<void>;
  /** Process id of the Jupyter server. */
  pid: number;
  /** Kill the server with a signal (e.g. SIGKILL) and wait until it has exited. */
  kill: (signal: NodeJS.Signals) => Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

/**
 * A scratch copy of notebooks/ inside the project, so a test's autosaves never touch the
 * committed notebooks while `require('distlab')` still resolves to the project's package.
 */
export function copyNotebooksToScratch(): string {
  const base = join(ROOT, '.distlab');
  mkdirSync(base, { recursive: true });
  const dir = mkdtempSync(join(base, 'lab-root-'));
  cpSync(NOTEBOOKS, dir, { recursive: true, filter: (src) => !src.includes('.ipynb_checkpoints') });
  return dir;
}

export interface StartLabOptions {
  /** Folder JupyterLab serves. Default: a fresh scratch copy of notebooks/. */
  rootDir?: string;
  /** Reuse the Jupyter user directories of an earlier server (to test a restart). */
  homeDir?: string;
  token?: string;
  /**
   * The arguments for `jupyter`, given the test's own (port, token, root folder...): default
   * `['lab', ...testArgs]`. A test of `npm start` builds them as scripts/start.mjs does.
   */
  command?: (testArgs: string[]) => string[];
  /** Kernels of this lab find no etcd (see NO_ETCD). */
  withoutEtcd?: boolean;
}

/** Start a real JupyterLab from the project's .venv on a free localhost port, as a clean user. */
export async function startLab(options: StartLabOptions = {}): Promise<Lab> {
  const port = await freePort();
  const token = options.token ?? `distlab-test-${port}`;
  const homeDir = options.homeDir ?? mkdtempSync(join(tmpdir(), 'distlab-jupyter-'));
  const rootDir = options.rootDir ?? copyNotebooksToScratch();
  for (const sub of ['config', 'data', 'runtime', 'settings', 'workspaces']) mkdirSync(join(homeDir, sub), { recursive: true });
  // Render every cell: a windowed notebook keeps only cells near the viewport in the page,
  // and tests read prompts and outputs of all of them.
  const trackerSettings = join(homeDir, 'settings', '@jupyterlab', 'notebook-extension');
  mkdirSync(trackerSettings, { recursive: true });
  const trackerFile = join(trackerSettings, 'tracker.jupyterlab-settings');
  if (!existsSync(trackerFile)) writeFileSync(trackerFile, JSON.stringify({ windowingMode: 'none' }));
  const env = {
    ...process.env,
    PATH: `${VENV_BIN}:${process.env.PATH}`,
    JUPYTER_PATH: join(ROOT, '.venv', 'share', 'jupyter'),
    JUPYTER_CONFIG_DIR: join(homeDir, 'config'),
    JUPYTER_DATA_DIR: join(homeDir, 'data'),
    JUPYTER_RUNTIME_DIR: join(homeDir, 'runtime'),
    JUPYTERLAB_SETTINGS_DIR: join(homeDir, 'settings'),
    JUPYTERLAB_WORKSPACES_DIR: join(homeDir, 'workspaces'),
    ...(options.withoutEtcd ? { DISTLAB_ETCD: NO_ETCD } : {})
  };
  const testArgs = ['--no-browser', `--port=${port}`, '--ServerApp.port_retries=0', '--ServerApp.ip=127.0.0.1',
    `--ServerApp.root_dir=${rootDir}`, `--IdentityProvider.token=${token}`, '--LabApp.news_url=', '--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate'];
  if (process.getuid?.() === 0) testArgs.push('--allow-root');
  const args = options.command ? options.command(testArgs) : ['lab', ...testArgs];
  const child: ChildProcess = spawn(join(VENV_BIN, 'jupyter'), args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`JupyterLab exited early (${child.exitCode}):\n${output}`);
    try {
      const response = await fetch(`${url}/api/status?token=${token}`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`JupyterLab did not start within 60 s:\n${output}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    url,
    token,
    port,
    homeDir,
    rootDir,
    log: () => output,
    pid: child.pid ?? -1,
    kill: (signal) =>
      new Promise<void>((resolveKill) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolveKill();
        child.once('exit', () => resolveKill());
        child.kill(signal);
      }),
    stop: () =>
      new Promise<void>((resolveStop) => {
        if (child.exitCode !== null) return resolveStop();
        child.once('exit', () => resolveStop());
        child.kill('SIGTERM');
        if (!options.rootDir) rmSync(rootDir, { recursive: true, force: true });
        setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
      })
  };
}

/** Debian's chromium, headless, with the flags this closed network needs. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage']
  });
}

/** Open a notebook (path relative to the lab's root) and wait until its kernel is idle. */
export async function openNotebook(page: Page, lab: Lab, path: string): Promise<void> {
  await page.goto(`${lab.url}/lab/tree/${path}?token=${lab.token}&reset`);
  await page.locator('.jp-Notebook').first().waitFor({ timeout: 60_000 });
  // Seen on a loaded machine: JupyterLab sometimes asks which kernel to start although the
  // notebook names tslab. Answer TypeScript, as a learner would, then wait for the kernel.
  const dialog = page.locator('.jp-Dialog', { hasText: 'Select Kernel' });
  const idle = page.waitForFunction(() => /TypeScript \| Idle/.test(document.querySelector('#jp-main-statusbar')?.textContent ?? ''), undefined, { timeout: 120_000, polling: 250 });
  const asked = await Promise.race([dialog.waitFor({ state: 'visible', timeout: 120_000 }).then(() => true), idle.then(() => false)]);
  if (asked) {
    await dialog.locator('select').selectOption({ label: 'TypeScript' });
    await dialog.locator('button', { hasText: 'Select' }).click();
  }
  await waitForKernelIdle(page);
}

export interface LabPage {
  lab: Lab;
  browser: Browser;
  page: Page;
  /** The folder the lab serves. */
  rootDir: string;
  /** Stop the lab and start it again on the same folder and user directories; returns the new lab. */
  restart: () => Promise<Lab>;
}

export interface LabPageOptions extends StartLabOptions {
  /** Runs on the served folder before the lab starts, e.g. to write a scratch notebook into it. */
  prepare?: (rootDir: string) => void;
}

/**
 * A JupyterLab and a Chromium page for one describe block: started in beforeAll, stopped in
 * afterAll. Read the fields inside tests (they are set once beforeAll has run). Without a
 * `rootDir` the lab serves a scratch copy of the notebooks, removed afterwards.
 */
export function useLabPage(options: LabPageOptions = {}): LabPage {
  const { prepare, ...labOptions } = options;
  const context = {} as LabPage;
  let scratch: string | undefined;
  context.restart = async () => {
    const homeDir = context.lab.homeDir;
    await context.lab.stop();
    context.lab = await startLab({ ...labOptions, homeDir, rootDir: context.rootDir });
    return context.lab;
  };
  beforeAll(async () => {
    if (labOptions.rootDir === undefined) scratch = copyNotebooksToScratch();
    context.rootDir = labOptions.rootDir ?? (scratch as string);
    prepare?.(context.rootDir);
    context.lab = await startLab({ ...labOptions, rootDir: context.rootDir });
    context.browser = await launchChromium();
    context.page = await context.browser.newPage({ viewport: { width: 1400, height: 1000 } });
  });
  afterAll(async () => {
    await context.browser?.close();
    await context.lab?.stop();
    if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true });
  });
  return context;
}

/** Open the Course progress panel in the left sidebar (if it is not open) and wait for its modules. */
export async function showProgressPanel(page: Page): Promise<void> {
  const tab = page.locator('.jp-SideBar.jp-mod-left li[data-id="distlab-progress"]');
  if ((await tab.getAttribute('aria-selected')) !== 'true') await tab.click();
  await page.locator('#distlab-progress .jp-distlab-module').first().waitFor({ timeout: 30_000 });
}

/**
 * Wait until the notebook's kernel is started, connected and idle. The toolbar's execution
 * indicator says idle before a kernel exists, so read the status bar too: running cells
 * before the kernel is connected makes JupyterLab ask which kernel to start.
 */
export async function waitForKernelIdle(page: Page, timeoutMs = 120_000): Promise<void> {
  await page.locator('.jp-Notebook-ExecutionIndicator[data-status="idle"]:visible').first().waitFor({ timeout: timeoutMs });
  await page.waitForFunction(
    () => /TypeScript \| Idle/.test(document.querySelector('#jp-main-statusbar')?.textContent ?? ''),
    undefined,
    { timeout: timeoutMs, polling: 250 }
  );
}

/**
 * Run every cell through JupyterLab's Run menu and wait until none is queued or running.
 * A cell that fails stops the run; the caller checks the outputs for errors.
 */
export async function runAllCells(page: Page, timeoutMs = 180_000): Promise<void> {
  await page.locator('.lm-MenuBar-itemLabel', { hasText: /^Run$/ }).click();
  await page.locator('.lm-Menu-itemLabel', { hasText: /^Run All Cells$/ }).click();
  // A queued or running cell shows "[*]"; the first cell gets a number once it has run.
  await page.waitForFunction(
    () => {
      const prompts = Array.from(document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')).map((p) => p.textContent ?? '');
      return prompts.length > 0 && /\[\d+\]/.test(prompts[0]) && !prompts.some((p) => p.includes('*'));
    },
    undefined,
    { timeout: timeoutMs, polling: 250 }
  );
  await waitForKernelIdle(page, timeoutMs);
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage: false });
  return path;
}

/** Text of every error shown in the notebook's outputs (tslab reports errors on stderr). */
export async function errorsInPage(page: Page): Promise<string[]> {
  return page.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"], .jp-OutputArea-output.jp-mod-error').allTextContents();
}
