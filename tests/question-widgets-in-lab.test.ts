import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { buildQuestion } from '../extension/src/answers/authoring';
import { Lab, openNotebook, runAllCells, screenshot, useLabPage } from './helpers/lab';

const NUMERIC = '.jp-distlab-question[data-question-id="start-rtt-vs-memory"]';
const SINGLE = '.jp-distlab-question[data-question-id="start-slowest-operation"]';
const EXERCISE = '.jp-distlab-question[data-question-id="scratch-quorum"]';
const LONG_LINE = `const aVeryLongLineOfCode = ${Array.from({ length: 40 }, (_, i) => `'word${i}'`).join(' + ')};`;

// A classification as the notebooks write one: a table of its items with "?" to fill in.
const CLASSIFY = buildQuestion('scratch-retry', { kind: 'classification', title: 'Safe to retry', categories: { yes: 'safe', no: 'not safe' }, items: { set: 'SET x = 5', inc: 'INCREMENT x' }, answer: { set: 'yes', inc: 'no' } }, '0123456789abcdef0123456789abcdef');
const CLASSIFY_SOURCE = '**Question.** Which are safe to retry?\n\n| Operation | Retry |\n|---|---|\n| SET x = 5 | ? |\n| INCREMENT x | ? |\n';
const CLASSIFICATION = '.jp-distlab-question[data-question-id="scratch-retry"]';

/** A passing code exercise, a code cell with one line far wider than the notebook, and a classification. */
function writeScratchNotebook(dir: string): void {
  const nb = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: 'tslab', display_name: 'TypeScript', language: 'typescript' } },
    cells: [
      { id: 'm0', cell_type: 'markdown', source: '**Exercise.** Write the quorum size.', metadata: { distlab: { version: 1, question: { id: 'scratch-quorum', kind: 'code', title: 'Quorum size exercise', salt: '0123456789abcdef0123456789abcdef', exercise: 'quorum-size' } } } },
      { id: 'c0', cell_type: 'code', source: "import * as dl from 'distlab';\nconst quorumSize = (n: number) => Math.floor(n / 2) + 1;\ndl.gradeExercise('quorum-size', quorumSize)", metadata: {}, outputs: [], execution_count: null },
      { id: 'c1', cell_type: 'code', source: LONG_LINE, metadata: {}, outputs: [], execution_count: null },
      { id: 'c2', cell_type: 'code', source: "dl.gradeExercise('quorum-size', (n: number) => Math.floor(n / 2))", metadata: {}, outputs: [], execution_count: null },
      { id: 'm1', cell_type: 'markdown', source: CLASSIFY_SOURCE, metadata: { distlab: { version: 1, question: CLASSIFY } } }
    ]
  };
  writeFileSync(join(dir, 'scratch-widgets.ipynb'), JSON.stringify(nb));
}

/** How many visible elements of `root` show `text` on screen (innermost ones: no descendant showing it too). */
function visibleCopies(root: Locator, text: string): Promise<number> {
  return root.evaluate((node, wanted) => {
    const shown = (e: Element) => {
      const box = e.getBoundingClientRect();
      return box.width > 0 && box.height > 0 && getComputedStyle(e).visibility !== 'hidden';
    };
    // innerText is the text drawn: a hidden descendant's text is not in it.
    const holders = Array.from(node.querySelectorAll('*')).filter((e) => e instanceof HTMLElement && e.innerText.includes(wanted) && shown(e));
    return holders.filter((e) => !holders.some((o) => o !== e && e.contains(o))).length;
  }, text);
}

describe('question widgets in a real JupyterLab (Debian chromium)', () => {
  const labPage = useLabPage({ prepare: writeScratchNotebook });
  let lab: Lab;
  let page: Page;
  beforeAll(() => ({ lab, page } = labPage));

  it('a choice question shows its options once on screen (the markdown list stays in the notebook)', async () => {
    await openNotebook(page, lab, '00-start-here.ipynb');
    const single = page.locator(SINGLE);
    await single.waitFor({ timeout: 30_000 });
    const cell = page.locator('.jp-MarkdownCell', { has: page.locator(SINGLE) });
    for (const label of ['Reading 1 MB sequentially from memory', 'A disk seek', 'A network round trip across the Atlantic', 'A network round trip inside one datacenter']) {
      expect(await visibleCopies(cell, label), label).toBe(1);
      expect(await single.locator('label', { hasText: label }).count(), label).toBe(1);
    }
    // The list is still in the rendered markdown, for readers without the extension.
    expect(await cell.locator('.jp-RenderedMarkdown li').count()).toBe(4);
    await single.scrollIntoViewIfNeeded();
    await screenshot(page, 'question-widgets-choice-once-light');
  });

  it('"Show answer" after an unreadable answer shows only the answer', async () => {
    const question = page.locator(NUMERIC);
    await question.scrollIntoViewIfNeeded();
    await question.locator('input.jp-distlab-answer').fill('fast');
    await question.locator('button.jp-distlab-check').click();
    await expect.poll(() => question.locator('.jp-distlab-feedback').innerText()).toContain('Could not read that');
    await question.locator('button.jp-distlab-giveup').click();
    await expect.poll(() => question.locator('.jp-distlab-reveal').innerText()).toContain('Answer:');
    expect(await question.locator('.jp-distlab-feedback').innerText()).toBe('');
    expect(await question.innerText()).not.toContain('Could not read that');
  });

  it('a right answer, after a reload, shows the learner\'s answer and the explanation', async () => {
    const question = page.locator(NUMERIC);
    await question.locator('input.jp-distlab-answer').fill('5e3');
    await question.locator('button.jp-distlab-check').click();
    await expect.poll(() => question.locator('.jp-distlab-feedback').innerText()).toContain('Correct');
    await expect.poll(() => question.getAttribute('data-state')).toBe('correct');
    const single = page.locator(SINGLE);
    await single.locator('input[value="c"]').check();
    await single.locator('button.jp-distlab-check').click();
    await expect.poll(() => single.getAttribute('data-state')).toBe('correct');
    await page.reload();
    await page.locator(NUMERIC).waitFor({ timeout: 60_000 });
    await expect.poll(() => page.locator(NUMERIC).getAttribute('data-state')).toBe('correct');
    await expect.poll(() => page.locator(`${NUMERIC} input.jp-distlab-answer`).inputValue()).toBe('5e3');
    expect(await page.locator(`${NUMERIC} .jp-distlab-feedback`).innerText()).toContain('500,000 ns / 100 ns = 5,000');
    expect(await page.locator(`${SINGLE} input[value="c"]`).isChecked()).toBe(true);
    expect(await page.locator(`${SINGLE} .jp-distlab-feedback`).innerText()).toContain('Correct');
    await page.locator(NUMERIC).scrollIntoViewIfNeeded();
    await screenshot(page, 'question-widgets-restored-light');
  });

  it('a classification shows its items once on screen: its table of "?" stays in the notebook, hidden in the lab', async () => {
    await openNotebook(page, lab, 'scratch-widgets.ipynb');
    const question = page.locator(CLASSIFICATION);
    await question.waitFor({ timeout: 30_000 });
    const cell = page.locator('.jp-MarkdownCell', { has: question });
    for (const item of ['SET x = 5', 'INCREMENT x']) await expect.poll(() => visibleCopies(cell, item), { message: item }).toBe(1);
    const table = cell.locator('.jp-RenderedMarkdown table');
    expect(await table.count()).toBe(1);
    expect(await table.isVisible()).toBe(false);
    expect(await question.locator('select').count()).toBe(2);
    await question.scrollIntoViewIfNeeded();
    await screenshot(page, 'question-widgets-classification-once-light');
  });

  it('an exercise run from its widget: the "Running…" message gives way to the result', async () => {
    await openNotebook(page, lab, 'scratch-widgets.ipynb');
    const question = page.locator(EXERCISE);
    await question.waitFor({ timeout: 30_000 });
    await question.locator('button.jp-distlab-check').click();
    await expect.poll(() => question.locator('.jp-distlab-feedback').innerText()).toContain('Running');
    const output = page.locator('.jp-distlab-check-output');
    await output.waitFor({ timeout: 120_000 });
    expect(await output.getAttribute('data-passed')).toBe('true');
    await expect.poll(() => question.locator('.jp-distlab-feedback').innerText(), { timeout: 30_000 }).toContain('passed');
    expect(await question.locator('.jp-distlab-feedback').innerText()).not.toContain('Running');
    await screenshot(page, 'question-widgets-exercise-passed-light');
  });

  it('a counterexample diagram follows the dark theme (no white box)', async () => {
    await openNotebook(page, lab, 'scratch-widgets.ipynb');
    await runAllCells(page);
    const img = page.locator('.jp-distlab-check-output[data-passed="false"] .jp-distlab-diagram img');
    await img.waitFor({ timeout: 120_000 });
    await page.locator('.lm-MenuBar-itemLabel', { hasText: /^Settings$/ }).click();
    await page.locator('.lm-Menu-itemLabel', { hasText: /^Theme$/ }).click();
    await page.locator('.lm-Menu-itemLabel', { hasText: /^JupyterLab Dark$/ }).click();
    await expect.poll(() => page.evaluate(() => document.body.dataset.jpThemeLight)).toBe('false');
    const luminance = (rgb: string) => {
      const [r, g, b] = (rgb.match(/\d+(\.\d+)?/g) ?? []).map(Number);
      return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
    };
    await expect.poll(async () => luminance(await img.evaluate((i) => getComputedStyle(i).backgroundColor)), { timeout: 10_000 }).toBeLessThan(0.3);
    await img.scrollIntoViewIfNeeded();
    await screenshot(page, 'question-widgets-counterexample-dark');
    await page.locator('.lm-MenuBar-itemLabel', { hasText: /^Settings$/ }).click();
    await page.locator('.lm-Menu-itemLabel', { hasText: /^Theme$/ }).click();
    await page.locator('.lm-Menu-itemLabel', { hasText: /^JupyterLab Light$/ }).click();
    await expect.poll(() => page.evaluate(() => document.body.dataset.jpThemeLight)).toBe('true');
  });

  it('a code line wider than the notebook wraps instead of pushing off screen', async () => {
    const editor = page.locator('.jp-CodeCell').nth(1).locator('.cm-content');
    await editor.scrollIntoViewIfNeeded();
    const lines = await editor.locator('.cm-line').count();
    expect(lines).toBe(1);
    const { width, height, lineHeight, scrollWidth, clientWidth } = await editor.evaluate((node) => {
      const line = node.querySelector('.cm-line') as HTMLElement;
      const scroller = node.closest('.cm-scroller') as HTMLElement;
      return { width: line.getBoundingClientRect().width, height: line.getBoundingClientRect().height, lineHeight: parseFloat(getComputedStyle(line).lineHeight), scrollWidth: scroller.scrollWidth, clientWidth: scroller.clientWidth };
    });
    expect(width).toBeGreaterThan(100);
    // One source line drawn as several screen lines, and nothing to scroll sideways.
    expect(height / lineHeight).toBeGreaterThanOrEqual(2);
    expect(scrollWidth).toBeLessThanOrEqual(clientWidth + 1);
  });
});
