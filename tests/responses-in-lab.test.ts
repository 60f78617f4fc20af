import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { Lab, openNotebook, screenshot, showProgressPanel, useLabPage } from './helpers/lab';
import { NOTEBOOKS } from './helpers/paths';

const NOTEBOOK = '5.1-what-makes-systems-distributed.ipynb';
// Questions the progress panel scores: every question of the notebook but its responses and checklists.
const GRADED = JSON.parse(readFileSync(join(NOTEBOOKS, NOTEBOOK), 'utf8')).cells.filter((c: any) => {
  const kind = c.metadata?.distlab?.question?.kind;
  return kind !== undefined && kind !== 'response' && kind !== 'checklist';
}).length;
const RESPONSE = '.jp-distlab-question[data-question-id="q-own-system"]';
const TAKEAWAYS = '.jp-distlab-question[data-question-id="q-takeaways"]';
const CHALLENGES = '.jp-distlab-question[data-question-id="q-three-challenges"]';
const ROWS = [
  ['web app', 'VM in eu-west-1a', 'HTTPS from browsers'],
  ['PostgreSQL', 'managed DB, eu-west-1b', 'TCP (SQL) from the web app']
];

const item = (page: Page, id: string) => page.locator(`${TAKEAWAYS} li[data-item="${id}"]`);
const panelRow = (page: Page, id: string) => page.locator(`#distlab-progress li[data-question-id="${id}"]`);

async function tableValues(page: Page): Promise<string[][]> {
  return page.locator(`${RESPONSE} tbody tr`).evaluateAll((rows) => rows.map((tr) => Array.from(tr.querySelectorAll('input')).map((i) => (i as HTMLInputElement).value)));
}

describe('free responses and the key-takeaways checklist in a real JupyterLab (Debian chromium)', () => {
  const labPage = useLabPage();
  let lab: Lab;
  let page: Page;
  beforeAll(() => ({ lab, page } = labPage));

  it('types the own-system table with the keyboard; it saves itself and counts as answered, not scored', async () => {
    await openNotebook(page, lab, NOTEBOOK);
    const response = page.locator(RESPONSE);
    await response.waitFor({ timeout: 60_000 });
    await response.scrollIntoViewIfNeeded();
    expect(await response.getAttribute('data-state')).toBe('unanswered');
    expect(await response.locator('thead th').allInnerTexts()).toEqual(['Component', 'Runs where', 'Communicates via', 'Remove']);
    // Keyboard only: Tab moves across the cells (and past each row's remove button).
    await response.locator('input[aria-label="Row 1, Component"]').click();
    for (const [r, row] of ROWS.entries()) {
      for (const [c, text] of row.entries()) {
        await page.keyboard.type(text);
        if (c < row.length - 1) await page.keyboard.press('Tab');
      }
      if (r < ROWS.length - 1) {
        await page.keyboard.press('Tab');
        await page.keyboard.press('Tab');
      }
    }
    // Typing 'a', 'b', 'd' here must not insert or delete notebook cells (command-mode shortcuts).
    const cells = await page.locator('.jp-Notebook .jp-Cell').count();
    await expect.poll(() => response.getAttribute('data-state'), { timeout: 10_000 }).toBe('answered');
    expect(await page.locator('.jp-Notebook .jp-Cell').count()).toBe(cells);
    expect(await response.locator('.jp-distlab-state').innerText()).toBe('Response saved');
    await screenshot(page, 'response-table-light');
    await showProgressPanel(page);
    await expect.poll(() => panelRow(page, 'q-own-system').getAttribute('data-state')).toBe('answered');
    // The response and the checklist are listed but not scored.
    expect(await page.locator(`#distlab-progress section[data-path="${NOTEBOOK}"] .jp-distlab-score`).innerText()).toBe(`0/${GRADED}`);
  });

  it('a response over 20 kB is refused with a clear message, and the saved one is kept', async () => {
    const cell = page.locator(`${RESPONSE} input[aria-label="Row 2, Communicates via"]`);
    await cell.fill('x'.repeat(20_001));
    await cell.press('Enter');
    await expect.poll(() => page.locator(`${RESPONSE} .jp-distlab-feedback`).innerText()).toMatch(/limit is 20,000 \(about 20 kB\)/);
    await cell.fill(ROWS[1][2]);
    await page.locator(`${RESPONSE} button.jp-distlab-save`).click();
    await expect.poll(() => page.locator(`${RESPONSE} .jp-distlab-feedback`).innerText()).toBe('');
    await expect.poll(() => page.locator(`${RESPONSE} .jp-distlab-state`).innerText()).toBe('Response saved');
  });

  it('the takeaways tick themselves live from progress, and by hand', async () => {
    const takeaways = page.locator(TAKEAWAYS);
    await takeaways.scrollIntoViewIfNeeded();
    // The response above proves "distribution is a spectrum"; nothing else is answered yet.
    await expect.poll(() => item(page, 'spectrum').getAttribute('data-ticked')).toBe('true');
    expect(await item(page, 'three-challenges').getAttribute('data-ticked')).toBe('false');
    // The markdown's static task list is replaced by the live one (same eight items).
    expect(await page.locator('.jp-Cell', { has: takeaways }).locator('.jp-RenderedMarkdown ul').first().isVisible()).toBe(false);
    expect(await takeaways.locator('li').count()).toBe(8);
    // Answer Quiz 1, which proves "three challenges".
    const quiz = page.locator(CHALLENGES);
    await quiz.scrollIntoViewIfNeeded();
    for (const option of ['a', 'b', 'c']) await quiz.locator(`input[value="${option}"]`).check();
    await quiz.locator('button.jp-distlab-check').click();
    await expect.poll(() => quiz.getAttribute('data-state')).toBe('correct');
    await expect.poll(() => item(page, 'three-challenges').getAttribute('data-ticked')).toBe('true');
    expect(await item(page, 'three-challenges').getAttribute('data-auto')).toBe('true');
    expect(await item(page, 'three-challenges').locator('input').isDisabled()).toBe(true);
    // PACELC's questions are unanswered yet: tick it by hand, with the keyboard.
    await takeaways.scrollIntoViewIfNeeded();
    await item(page, 'pacelc').locator('input').focus();
    await page.keyboard.press('Space');
    await expect.poll(() => item(page, 'pacelc').getAttribute('data-ticked')).toBe('true');
    await expect.poll(() => takeaways.locator('.jp-distlab-state').innerText()).toBe('3 of 8 ticked');
    await expect.poll(() => panelRow(page, 'q-takeaways').locator('.jp-distlab-qstate').innerText()).toBe('3/8 ticked');
    expect(await page.locator(`#distlab-progress section[data-path="${NOTEBOOK}"] .jp-distlab-score`).innerText()).toBe(`1/${GRADED}`);
    await screenshot(page, 'takeaways-checklist-light');
  });

  it('after a page reload the response and the ticks are back', async () => {
    await page.reload();
    await page.locator(RESPONSE).waitFor({ timeout: 60_000 });
    await expect.poll(() => tableValues(page)).toEqual([...ROWS, ['', '', '']]);
    await expect.poll(() => item(page, 'pacelc').getAttribute('data-ticked')).toBe('true');
    expect(await item(page, 'three-challenges').getAttribute('data-ticked')).toBe('true');
    expect(await item(page, 'two-generals').getAttribute('data-ticked')).toBe('false');
  });

  it('dark theme', async () => {
    await page.locator('.lm-MenuBar-itemLabel', { hasText: /^Settings$/ }).click();
    await page.locator('.lm-Menu-itemLabel', { hasText: /^Theme$/ }).click();
    await page.locator('.lm-Menu-itemLabel', { hasText: /^JupyterLab Dark$/ }).click();
    await expect.poll(() => page.evaluate(() => document.body.dataset.jpThemeLight)).toBe('false');
    await page.locator(RESPONSE).scrollIntoViewIfNeeded();
    await screenshot(page, 'response-table-dark');
    await page.locator(TAKEAWAYS).scrollIntoViewIfNeeded();
    await screenshot(page, 'takeaways-checklist-dark');
  });

  it('after a JupyterLab restart the response is still there', async () => {
    lab = await labPage.restart();
    await openNotebook(page, lab, NOTEBOOK);
    await page.locator(RESPONSE).waitFor({ timeout: 60_000 });
    await expect.poll(() => tableValues(page)).toEqual([...ROWS, ['', '', '']]);
    await expect.poll(() => page.locator(RESPONSE).getAttribute('data-state')).toBe('answered');
  });
});
