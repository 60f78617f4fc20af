import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { Lab, openNotebook, runAllCells, screenshot, showProgressPanel, useLabPage } from './helpers/lab';

const NUMERIC = '.jp-distlab-question[data-question-id="start-rtt-vs-memory"]';
const SINGLE = '.jp-distlab-question[data-question-id="start-slowest-operation"]';

function panelState(page: Page, id: string) {
  return page.locator(`#distlab-progress li[data-question-id="${id}"]`).getAttribute('data-state');
}

/** A scratch notebook: a failing code exercise, and a question cell with malformed metadata. */
function writeScratchNotebook(dir: string): void {
  const nb = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: 'tslab', display_name: 'TypeScript', language: 'typescript' } },
    cells: [
      { id: 'm0', cell_type: 'markdown', source: '# Scratch module\n\n**Exercise.** Write the quorum size.', metadata: { distlab: { version: 1, question: { id: 'scratch-quorum', kind: 'code', title: 'Quorum size exercise', salt: '0123456789abcdef0123456789abcdef', exercise: 'quorum-size', hints: ['Two quorums must share a replica.'] } } } },
      { id: 'c0', cell_type: 'code', source: "import * as dl from 'distlab';\nconst quorumSize = (n: number) => Math.floor(n / 2);\ndl.gradeExercise('quorum-size', quorumSize)", metadata: {}, outputs: [], execution_count: null },
      { id: 'm1', cell_type: 'markdown', source: '**Broken question.** Its metadata has a plain answer.', metadata: { distlab: { version: 1, question: { id: 'scratch-broken', kind: 'single', title: 'Broken', salt: '0123456789abcdef', options: [{ id: 'a', label: 'A' }, { id: 'b', label: 'B' }], answer: 'a' } } } },
      { id: 'm2', cell_type: 'markdown', source: 'A plain cell after the broken one still renders.', metadata: {} }
    ]
  };
  writeFileSync(join(dir, 'scratch-exercise.ipynb'), JSON.stringify(nb));
}

describe('questions, hints and lasting progress in a real JupyterLab (Debian chromium)', () => {
  const labPage = useLabPage({ prepare: writeScratchNotebook });
  let lab: Lab;
  let page: Page;
  beforeAll(() => ({ lab, page } = labPage));

  it('shows a Check control on every question cell; the answer is not in the page', async () => {
    await openNotebook(page, lab, '00-start-here.ipynb');
    await page.locator(NUMERIC).waitFor({ timeout: 30_000 });
    await expect.poll(() => page.locator('.jp-distlab-question .jp-distlab-check').count()).toBe(2);
    const text = await page.locator('.jp-Notebook').innerText();
    expect(text).not.toMatch(/5,?000/);
    expect(await page.locator(`${SINGLE} input[type=radio]`).count()).toBe(4);
  });

  it('a wrong answer gets its feedback, and a hint can be shown', async () => {
    const question = page.locator(NUMERIC);
    await question.scrollIntoViewIfNeeded();
    const input = question.locator('input.jp-distlab-answer');
    await input.fill('500');
    await input.press('Enter');
    await expect.poll(() => question.locator('.jp-distlab-feedback').innerText()).toContain('Check the units');
    // The state badge follows the saved progress, a server round trip after the feedback.
    await expect.poll(() => question.getAttribute('data-state')).toBe('incorrect');
    await question.locator('button.jp-distlab-hint').click();
    await expect.poll(() => question.locator('.jp-distlab-hints li').allInnerTexts()).toEqual(['Put both times in the same unit: 1 µs = 1,000 ns.']);
    expect(await question.locator('button.jp-distlab-hint').innerText()).toBe('Hint (1 left)');
    await screenshot(page, 'questions-wrong-answer-hint-light');
  });

  it('a right answer (with units of its own: "5e3") turns the question and the progress panel correct', async () => {
    await showProgressPanel(page);
    expect(await panelState(page, 'start-rtt-vs-memory')).toBe('incorrect');
    const question = page.locator(NUMERIC);
    await question.locator('input.jp-distlab-answer').fill('5e3');
    await question.locator('button.jp-distlab-check').click();
    await expect.poll(() => question.locator('.jp-distlab-feedback').innerText()).toContain('Correct');
    expect(await question.locator('.jp-distlab-feedback').innerText()).toContain('500,000 ns / 100 ns = 5,000');
    await expect.poll(() => panelState(page, 'start-rtt-vs-memory')).toBe('correct');
    // Keyboard only: focus the radio, arrow to an option, Enter submits.
    const single = page.locator(SINGLE);
    await single.scrollIntoViewIfNeeded();
    await single.locator('input[value="b"]').check();
    await single.locator('input[value="b"]').press('Enter');
    await expect.poll(() => single.locator('.jp-distlab-feedback').innerText()).toContain('A disk seek takes about 2 ms');
    await expect.poll(() => panelState(page, 'start-slowest-operation')).toBe('incorrect');
    expect(await page.locator('#distlab-progress section[data-path="00-start-here.ipynb"] .jp-distlab-score').innerText()).toBe('1/2');
    await screenshot(page, 'questions-progress-panel-light');
  });

  it('progress survives a page reload', async () => {
    await page.reload();
    await page.locator(NUMERIC).waitFor({ timeout: 60_000 });
    await showProgressPanel(page);
    await expect.poll(() => panelState(page, 'start-rtt-vs-memory')).toBe('correct');
    expect(await panelState(page, 'start-slowest-operation')).toBe('incorrect');
    await expect.poll(() => page.locator(NUMERIC).getAttribute('data-state')).toBe('correct');
  });

  it('a failing code exercise shows the seed and a space-time diagram, and is recorded; bad metadata stays on its cell', async () => {
    await openNotebook(page, lab, 'scratch-exercise.ipynb');
    await runAllCells(page);
    const output = page.locator('.jp-distlab-check-output');
    await output.waitFor({ timeout: 60_000 });
    expect(await output.getAttribute('data-passed')).toBe('false');
    expect(await output.locator('.jp-distlab-check-facts').innerText()).toMatch(/seed 1\b/);
    expect(await output.locator('.jp-distlab-check-message').innerText()).toContain('no replica in common');
    const img = output.locator('.jp-distlab-diagram img');
    expect(await img.getAttribute('src')).toMatch(/^data:image\/svg\+xml/);
    await expect.poll(() => img.evaluate((i: HTMLImageElement) => i.naturalWidth)).toBeGreaterThan(300);
    await output.scrollIntoViewIfNeeded();
    await screenshot(page, 'questions-failing-exercise-light');
    await showProgressPanel(page);
    await expect.poll(() => panelState(page, 'scratch-quorum')).toBe('incorrect');
    // The malformed question shows an author error on its own cell; the others render.
    const broken = page.locator('.jp-distlab-question[data-state="error"]');
    await expect.poll(() => broken.count()).toBe(1);
    expect(await broken.innerText()).toContain('answer must be a hash');
    await page.locator('.jp-MarkdownCell', { hasText: 'A plain cell after the broken one still renders.' }).waitFor();
  });

  it('dark theme', async () => {
    await page.locator('.lm-MenuBar-itemLabel', { hasText: /^Settings$/ }).click();
    await page.locator('.lm-Menu-itemLabel', { hasText: /^Theme$/ }).click();
    await page.locator('.lm-Menu-itemLabel', { hasText: /^JupyterLab Dark$/ }).click();
    await expect.poll(() => page.evaluate(() => document.body.dataset.jpThemeLight)).toBe('false');
    await page.locator('.jp-distlab-check-output').scrollIntoViewIfNeeded();
    await screenshot(page, 'questions-failing-exercise-dark');
    await openNotebook(page, lab, '00-start-here.ipynb');
    await page.locator(NUMERIC).scrollIntoViewIfNeeded();
    await page.locator(`${SINGLE} button.jp-distlab-hint`).click();
    await screenshot(page, 'questions-dark');
  });

  it('progress survives a JupyterLab restart (same user directories)', async () => {
    lab = await labPage.restart();
    await openNotebook(page, lab, '00-start-here.ipynb');
    await showProgressPanel(page);
    await expect.poll(() => panelState(page, 'start-rtt-vs-memory')).toBe('correct');
    expect(await panelState(page, 'start-slowest-operation')).toBe('incorrect');
    expect(await panelState(page, 'scratch-quorum')).toBe('incorrect');
  });
});
