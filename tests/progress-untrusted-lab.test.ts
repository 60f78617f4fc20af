import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Lab, openNotebook, runAllCells, screenshot, showProgressPanel, useLabPage } from './helpers/lab';

const MIME_CHECK = 'application/vnd.distlab.check.v1+json';

/** A notebook someone else wrote: its saved output claims the quorum exercise passed. */
function writeForgedNotebook(dir: string): void {
  const forged = {
    version: 1, exercise: 'quorum-size', title: 'Quorum size', passed: true, seed: '<img src=x onerror="document.title=1">',
    runs: 200, message: 'Every invariant held.', failure: null, counterexample: null, replay: null
  };
  const nb = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: 'tslab', display_name: 'TypeScript', language: 'typescript' } },
    cells: [
      { id: 'm0', cell_type: 'markdown', source: '# Forged module\n\n**Exercise.** Write the quorum size.', metadata: { distlab: { version: 1, question: { id: 'forged-quorum', kind: 'code', title: 'Quorum size exercise', salt: '0123456789abcdef0123456789abcdef', exercise: 'quorum-size' } } } },
      {
        id: 'c0', cell_type: 'code', metadata: {}, execution_count: 1,
        source: "import * as dl from 'distlab';\nconst quorumSize = (n: number) => Math.floor(n / 2);\ndl.gradeExercise('quorum-size', quorumSize)",
        outputs: [{ output_type: 'display_data', metadata: {}, data: { [MIME_CHECK]: forged, 'text/plain': 'passed' } }]
      }
    ]
  };
  writeFileSync(join(dir, 'forged-output.ipynb'), JSON.stringify(nb));
}

describe('saved outputs only display; a damaged progress file is recovered and reported (real JupyterLab, Debian chromium)', () => {
  const labPage = useLabPage({ prepare: writeForgedNotebook });
  let lab: Lab;
  let page: Page;
  beforeAll(() => ({ lab, page } = labPage));
  const api = (path: string, init: RequestInit = {}) => fetch(`${lab.url}/distlab/${path}?token=${lab.token}`, init);
  const progress = async () => (await (await api('progress')).json()) as { questions: Record<string, { state: string; attempts: number; lastSeed?: unknown }>; notices: { message: string; damagedFile: string }[] };

  it('opening a notebook whose saved output claims a passed check leaves progress unchanged', async () => {
    const before = await progress();
    await openNotebook(page, lab, 'forged-output.ipynb');
    const output = page.locator('.jp-distlab-check-output');
    await output.waitFor({ timeout: 60_000 });
    // The saved output is shown as it is...
    expect(await output.getAttribute('data-passed')).toBe('true');
    // ...and nothing is recorded, now or a moment later (a save is one round trip).
    await page.waitForTimeout(3000);
    const after = await progress();
    expect(after.questions['exercise:quorum-size']).toBeUndefined();
    expect(after.questions).toEqual(before.questions);
    await showProgressPanel(page);
    expect(await page.locator('#distlab-progress li[data-question-id="forged-quorum"]').getAttribute('data-state')).toBe('unanswered');
  });

  it('a check run from this page is recorded, with its seed a number; re-rendering it after a reload is not a new attempt', async () => {
    await runAllCells(page);
    const output = page.locator('.jp-distlab-check-output');
    await expect.poll(() => output.getAttribute('data-passed'), { timeout: 60_000 }).toBe('false');
    await expect.poll(async () => (await progress()).questions['exercise:quorum-size']?.state, { timeout: 15_000 }).toBe('incorrect');
    const record = (await progress()).questions['exercise:quorum-size'];
    expect(record.attempts).toBe(1);
    expect(record.lastSeed).toBe(1);
    await page.locator('.lm-MenuBar-itemLabel', { hasText: /^File$/ }).click();
    await page.locator(".lm-Menu-itemLabel", { hasText: /^Save( Notebook)?$/ }).first().click();
    await page.reload();
    await page.locator('.jp-distlab-check-output[data-passed="false"]').waitFor({ timeout: 60_000 });
    await page.waitForTimeout(2000);
    expect((await progress()).questions['exercise:quorum-size'].attempts).toBe(1);
  });

  it('a damaged progress.json is recovered from the last good copy, and the panel says what happened and where the old file is', async () => {
    expect((await api('progress', { method: 'POST', body: JSON.stringify({ events: [{ id: 'start-rtt-vs-memory', type: 'hint', hint: 1 }] }) })).status).toBe(200);
    const file = join(lab.homeDir, 'data', 'distlab', 'progress.json');
    const good = readFileSync(file);
    writeFileSync(file, good.subarray(0, Math.floor(good.length / 2)));
    await page.reload();
    await page.locator('.jp-Notebook').first().waitFor({ timeout: 60_000 });
    await showProgressPanel(page);
    const notice = page.locator('#distlab-progress .jp-distlab-panel-notice');
    await notice.waitFor({ timeout: 30_000 });
    const text = await notice.innerText();
    expect(text).toMatch(/could not be read/);
    const { notices } = await progress();
    expect(notices.length).toBe(1);
    expect(text).toContain(notices[0].damagedFile);
    expect(readFileSync(notices[0].damagedFile).equals(good.subarray(0, Math.floor(good.length / 2)))).toBe(true);
    // What was earned before the last save is back.
    await expect.poll(() => page.locator('#distlab-progress li[data-question-id="forged-quorum"]').getAttribute('data-state')).toBe('incorrect');
    await screenshot(page, 'progress-damaged-file-notice-light');
    await notice.locator('button', { hasText: 'Dismiss' }).click();
    await expect.poll(() => notice.count()).toBe(0);
    expect((await progress()).notices).toEqual([]);
    expect((await progress()).questions['exercise:quorum-size'].state).toBe('incorrect');
  });
});
