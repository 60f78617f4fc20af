import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Lab, openNotebook, screenshot, useLabPage } from './helpers/lab';
import { ROOT } from './helpers/paths';

// Module 5.1's hands-on success criteria are live: each ticks itself once the question of its
// part is answered right, like the key takeaways; a wrong answer ticks nothing.

const NOTEBOOK = '5.1-what-makes-systems-distributed.ipynb';
const CRITERIA = '.jp-distlab-question[data-question-id="q-hands-on-criteria"]';
const key = JSON.parse(readFileSync(join(ROOT, 'quiz', '5.1-what-makes-systems-distributed.answers.json'), 'utf8')) as {
  questions: Record<string, { answer?: string; options?: Record<string, string>; items?: Record<string, { questions: string[] }> }>;
};
const items = key.questions['q-hands-on-criteria'].items!;

const criterion = (page: Page, id: string) => page.locator(`${CRITERIA} li[data-item="${id}"]`);

async function answer(page: Page, questionId: string, option: string): Promise<string | null> {
  const q = page.locator(`.jp-distlab-question[data-question-id="${questionId}"]`);
  await q.scrollIntoViewIfNeeded();
  await q.locator(`input[value="${option}"]`).check();
  await q.locator('button.jp-distlab-check').click();
  await expect.poll(() => q.getAttribute('data-state')).not.toBe('unanswered');
  return q.getAttribute('data-state');
}

describe("module 5.1's hands-on success criteria in a real JupyterLab (Debian chromium)", () => {
  const labPage = useLabPage();
  let lab: Lab;
  let page: Page;
  beforeAll(() => ({ lab, page } = labPage));

  it('shows the four criteria as a live checklist in place of the static task list', async () => {
    await openNotebook(page, lab, NOTEBOOK);
    const criteria = page.locator(CRITERIA);
    await criteria.waitFor({ timeout: 60_000 });
    await criteria.scrollIntoViewIfNeeded();
    expect(await criteria.locator('li').count()).toBe(4);
    expect(await page.locator('.jp-Cell', { has: criteria }).locator('.jp-RenderedMarkdown ul').first().isVisible()).toBe(false);
    expect(await criteria.locator('.jp-distlab-state').innerText()).toBe('0 of 4 ticked');
    expect(await criterion(page, 'states').locator('.jp-distlab-proof').innerText()).toBe('Ticks itself when these are done (0/1): Hands-on 2: the states a new pod passes through');
  });

  it("a wrong answer ticks nothing; each right answer ticks its part's criterion", async () => {
    const wrong = Object.keys(key.questions['q-hands-notready-pods'].options!).find((o) => o !== key.questions['q-hands-notready-pods'].answer)!;
    expect(await answer(page, 'q-hands-notready-pods', wrong)).toBe('incorrect');
    expect(await criterion(page, 'notready').getAttribute('data-ticked')).toBe('false');
    let ticked = 0;
    for (const [itemId, item] of Object.entries(items)) {
      const [questionId] = item.questions;
      expect(await answer(page, questionId, key.questions[questionId].answer!)).toBe('correct');
      ticked += 1;
      await expect.poll(() => criterion(page, itemId).getAttribute('data-ticked')).toBe('true');
      expect(await criterion(page, itemId).getAttribute('data-auto')).toBe('true');
      await expect.poll(() => page.locator(`${CRITERIA} .jp-distlab-state`).innerText()).toBe(`${ticked} of 4 ticked`);
    }
    await page.locator(CRITERIA).scrollIntoViewIfNeeded();
    await screenshot(page, 'hands-on-criteria-light');
  });
});
