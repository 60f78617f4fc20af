import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { Lab, openNotebook, screenshot, showProgressPanel, useLabPage, waitForKernelIdle } from './helpers/lab';
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
/** The learner's own system, typed once: in the code cell under the question. */
const ROWS = [
  ['api', 'pod in eu-west-1a', 'gRPC from the web app'],
  ['orders DB', 'managed Postgres, eu-west-1b', 'TCP (SQL) from the api']
];
const CODE_CELLS = JSON.parse(readFileSync(join(NOTEBOOKS, NOTEBOOK), 'utf8')).cells.filter((c: any) => c.cell_type === 'code').map((c: any) => c.source.join('') as string);
/** The own-system code cell: its place among the code cells, and its source as handed out. */
const OWN_INDEX = CODE_CELLS.findIndex((source: string) => source.includes('const mySystem = ['));
const OWN_CELL = CODE_CELLS[OWN_INDEX];

/** The own-system cell with `rows` in place of its example (the rest of the cell as handed out). */
function withRows(rows: string[][]): string {
  return withRowsCode(rows.map((row) => row.map((text) => JSON.stringify(text))));
}

/** The same, each cell given as a JavaScript expression. */
function withRowsCode(rows: string[][]): string {
  const literal = rows.map(([component, runsWhere, communicatesVia]) => `  { component: ${component}, runsWhere: ${runsWhere}, communicatesVia: ${communicatesVia} },`).join('\n');
  return OWN_CELL.replace(/const mySystem = \[[\s\S]*?\];/, `const mySystem = [\n${literal}\n];`);
}

const item = (page: Page, id: string) => page.locator(`${TAKEAWAYS} li[data-item="${id}"]`);
const panelRow = (page: Page, id: string) => page.locator(`#distlab-progress li[data-question-id="${id}"]`);

/** The rows the response shows (read-only: they come from the cell). */
async function tableValues(page: Page): Promise<string[][]> {
  return page.locator(`${RESPONSE} tbody tr`).evaluateAll((rows) => rows.filter((tr) => !tr.querySelector('.jp-distlab-response-empty')).map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => td.textContent ?? '')));
}

/** Put `source` in the own-system cell, as a learner types it, and run that cell. */
async function runOwnCell(page: Page, source: string | null): Promise<void> {
  const cell = page.locator('.jp-Notebook .jp-CodeCell').nth(OWN_INDEX);
  await cell.locator('.cm-content').click();
  if (source !== null) {
    await page.keyboard.press('Control+a');
    await page.keyboard.insertText(source);
  }
  await page.keyboard.press('Shift+Enter');
  await waitForKernelIdle(page);
}

describe('free responses and the key-takeaways checklist in a real JupyterLab (Debian chromium)', () => {
  const labPage = useLabPage();
  let lab: Lab;
  let page: Page;
  beforeAll(() => ({ lab, page } = labPage));

  it('the own-system rows are typed once, in the code cell: its run keeps them as the response, not scored', async () => {
    await openNotebook(page, lab, NOTEBOOK);
    const response = page.locator(RESPONSE);
    await response.waitFor({ timeout: 60_000 });
    await response.scrollIntoViewIfNeeded();
    expect(await response.getAttribute('data-state')).toBe('unanswered');
    expect(await response.locator('thead th').allInnerTexts()).toEqual(['Component', 'Runs where', 'Communicates via']);
    // Nothing to type here: the response only shows what the cell below keeps.
    expect(await response.locator('input, textarea').count()).toBe(0);
    expect(await response.locator('tbody').innerText()).toContain('Nothing kept yet: run the cell below with your rows.');
    // The set-up cell, then the own-system cell as handed out: its example is not the learner's.
    await page.locator('.jp-Notebook .jp-CodeCell').first().locator('.cm-content').click();
    await page.keyboard.press('Shift+Enter');
    await waitForKernelIdle(page);
    await runOwnCell(page, null);
    await expect.poll(() => response.locator('.jp-distlab-feedback').innerText(), { timeout: 30_000 }).toMatch(/notebook's example rows, not kept as your response/);
    expect(await response.getAttribute('data-state')).toBe('unanswered');
    // The learner's own rows, typed in the cell: the run places them and keeps them.
    await runOwnCell(page, withRows(ROWS));
    await expect.poll(() => response.getAttribute('data-state'), { timeout: 30_000 }).toBe('answered');
    expect(await tableValues(page)).toEqual(ROWS);
    expect(await response.locator('.jp-distlab-state').innerText()).toBe('Response saved');
    expect(await response.locator('.jp-distlab-feedback').innerText()).toBe('');
    const output = page.locator('.jp-Notebook .jp-CodeCell').nth(OWN_INDEX).locator('.jp-OutputArea-output');
    expect(await output.allInnerTexts()).toEqual(expect.arrayContaining([expect.stringContaining('on the spectrum: Web server + database')]));
    await response.scrollIntoViewIfNeeded();
    await screenshot(page, 'response-table-light');
    await showProgressPanel(page);
    await expect.poll(() => panelRow(page, 'q-own-system').getAttribute('data-state')).toBe('answered');
    // The response and the checklists are listed but not scored.
    expect(await page.locator(`#distlab-progress section[data-path="${NOTEBOOK}"] .jp-distlab-score`).innerText()).toBe(`0/${GRADED}`);
  });

  it('rows over 20 kB are not kept, with a clear message, and the kept ones stay', async () => {
    await runOwnCell(page, withRowsCode([[JSON.stringify(ROWS[0][0]), JSON.stringify(ROWS[0][1]), "'x'.repeat(20_001)"]]));
    await expect.poll(() => page.locator(`${RESPONSE} .jp-distlab-feedback`).innerText(), { timeout: 30_000 }).toMatch(/^Not kept as your response: Your response is 20,0\d\d bytes; the limit is 20,000 \(about 20 kB\)/);
    expect(await tableValues(page)).toEqual(ROWS);
    // Back to the learner's rows: kept again, the message gone.
    await runOwnCell(page, withRows(ROWS));
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
    await expect.poll(() => tableValues(page)).toEqual(ROWS);
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
    await expect.poll(() => tableValues(page)).toEqual(ROWS);
    await expect.poll(() => page.locator(RESPONSE).getAttribute('data-state')).toBe('answered');
  });
});
