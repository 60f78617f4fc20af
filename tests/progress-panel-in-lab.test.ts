import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Lab, openNotebook, screenshot, showProgressPanel, useLabPage } from './helpers/lab';

// Issue 12, item 7: the Course progress panel at the sidebar's default width, with the course's
// own questions. Titles take at most two lines, every state's mark draws (the "answer shown" eye
// was an emoji: an empty box without an emoji font), and one question can be reset alone.

type Progress = { questions: Record<string, { state: string }> };

describe('Course progress panel: titles, marks and resetting one question (real JupyterLab, Debian chromium)', () => {
  const labPage = useLabPage();
  let lab: Lab;
  let page: Page;
  beforeAll(() => ({ lab, page } = labPage));
  const api = (path: string, init: RequestInit = {}) => fetch(`${lab.url}/distlab/${path}${path.includes('?') ? '&' : '?'}token=${lab.token}`, init);
  const progressFile = () => JSON.parse(readFileSync(join(lab.homeDir, 'data', 'distlab', 'progress.json'), 'utf8')) as Progress;
  const row = (id: string) => page.locator(`#distlab-progress li[data-question-id="${id}"]`);
  let start: { id: string; title: string }[] = [];
  let module51: { id: string; kind: string }[] = [];

  /** The rendered ink of a row's mark: the bounding box of its SVG shapes (0 x 0 for none). */
  const markInk = (li: Locator) =>
    li.locator('.jp-distlab-mark').evaluate((mark) => {
      const shapes = Array.from(mark.querySelectorAll('svg path, svg circle, svg rect')) as SVGGraphicsElement[];
      const boxes = shapes.map((s) => s.getBBox());
      const shown = mark.getBoundingClientRect();
      return { shapes: shapes.length, width: Math.max(0, ...boxes.map((b) => b.width)), height: Math.max(0, ...boxes.map((b) => b.height)), shownWidth: shown.width };
    });

  it('seeds progress by the API: a right answer, hints, an answer shown, a wrong answer', async () => {
    const modules = (await (await api('questions')).json()).modules as { path: string; questions: { id: string; kind: string; title: string; exercise?: string }[] }[];
    start = modules.find((m) => m.path.endsWith('00-start-here.ipynb'))!.questions;
    module51 = modules.find((m) => m.path.endsWith('5.1-what-makes-systems-distributed.ipynb'))!.questions;
    expect(start.length).toBeGreaterThanOrEqual(2);
    const singles = module51.filter((q) => q.kind === 'single');
    const events = [
      { id: start[0].id, type: 'attempt', correct: true },
      { id: start[1].id, type: 'hint', hint: 1 },
      { id: singles[0].id, type: 'giveup' },
      { id: singles[1].id, type: 'attempt', correct: false },
      { id: singles[2].id, type: 'hint', hint: 1 }
    ];
    expect((await api('progress', { method: 'POST', body: JSON.stringify({ events }) })).status).toBe(200);
    expect(Object.keys(progressFile().questions).sort()).toEqual(events.map((e) => e.id).sort());
  });

  it('fits every title in one or two lines at the default width, with the whole title in its tooltip', async () => {
    await page.goto(`${lab.url}/lab?token=${lab.token}&reset`);
    await page.locator('#jp-main-dock-panel').waitFor({ timeout: 60_000 });
    await showProgressPanel(page);
    const titles = page.locator('#distlab-progress .jp-distlab-qtitle');
    await expect.poll(() => titles.count(), { timeout: 30_000 }).toBe(start.length + module51.length);
    const measured = await titles.evaluateAll((nodes) =>
      nodes.map((n) => ({ text: n.textContent ?? '', tooltip: (n as HTMLElement).title, height: n.getBoundingClientRect().height, width: n.getBoundingClientRect().width }))
    );
    // One line: the height of the shortest title (one line at any width the panel has).
    const oneLine = measured.reduce((a, b) => (a.text.length <= b.text.length ? a : b)).height;
    expect(oneLine).toBeGreaterThan(8);
    const tooTall = measured.filter((m) => m.height > 2 * oneLine + 1).map((m) => `${m.text} (${Math.round(m.height / oneLine)} lines)`);
    expect(tooTall).toEqual([]);
    // The longest title is cut, not lost: the tooltip has all of it.
    for (const m of measured) expect(m.tooltip).toContain(m.text);
    expect(Math.min(...measured.map((m) => m.width))).toBeGreaterThan(80);
  });

  it('draws a mark for every state, the "answer shown" eye included', async () => {
    const revealed = row(module51.filter((q) => q.kind === 'single')[0].id);
    await expect.poll(() => revealed.getAttribute('data-state'), { timeout: 30_000 }).toBe('revealed');
    const states = new Set<string>();
    for (const li of await page.locator('#distlab-progress li').all()) {
      const state = (await li.getAttribute('data-state')) as string;
      if (states.has(state)) continue;
      states.add(state);
      const ink = await markInk(li);
      expect({ state, ...ink, drawn: ink.shapes > 0 && ink.width > 4 && ink.height > 4 && ink.shownWidth > 4 }).toMatchObject({ state, drawn: true });
    }
    expect([...states].sort()).toEqual(expect.arrayContaining(['correct', 'hinted', 'incorrect', 'revealed', 'unanswered']));
    await screenshot(page, 'progress-panel-light');
  });

  it('resets one question after a confirm: the panel, the question in the notebook and the file forget it, the others stay', async () => {
    const opened = progressFile();
    await openNotebook(page, lab, '00-start-here.ipynb');
    // Opening a notebook changes no progress.
    expect(progressFile()).toEqual(opened);
    await showProgressPanel(page);
    const target = start[1].id;
    const widget = page.locator(`.jp-distlab-question[data-question-id="${target}"]`);
    await widget.scrollIntoViewIfNeeded();
    await expect.poll(() => widget.getAttribute('data-state'), { timeout: 30_000 }).toBe('hinted');
    await expect.poll(() => row(target).getAttribute('data-state')).toBe('hinted');
    // Only a row with progress offers a reset.
    const unanswered = module51.filter((q) => q.kind === 'single')[3].id;
    expect(await row(unanswered).locator('.jp-distlab-qreset').count()).toBe(0);

    // Cancel keeps everything.
    await row(target).locator('.jp-distlab-qreset').click();
    const dialog = page.locator('.jp-Dialog');
    await dialog.waitFor({ state: 'visible', timeout: 10_000 });
    expect(await dialog.innerText()).toContain(start[1].title);
    await dialog.locator('button', { hasText: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached', timeout: 10_000 });
    expect(progressFile()).toEqual(opened);

    // On screen the question holds a wrong answer, its feedback and a hint.
    await widget.locator('input[value="a"]').check();
    await widget.getByRole('button', { name: 'Check' }).click();
    await expect.poll(() => widget.locator('.jp-distlab-feedback').innerText()).toContain('Not quite.');
    await widget.getByRole('button', { name: /^Hint/ }).click();
    await expect.poll(() => widget.locator('.jp-distlab-hints li').count()).toBeGreaterThan(0);
    await expect.poll(() => progressFile().questions[target]?.state).toBe('incorrect');
    const before = progressFile();

    await row(target).locator('.jp-distlab-qreset').click();
    await dialog.waitFor({ state: 'visible', timeout: 10_000 });
    await dialog.locator('button', { hasText: 'Reset question' }).click();
    await expect.poll(() => row(target).getAttribute('data-state'), { timeout: 15_000 }).toBe('unanswered');
    await expect.poll(() => widget.getAttribute('data-state'), { timeout: 15_000 }).toBe('unanswered');
    // The question starts over on screen: no feedback, hint or chosen answer is left from before.
    expect((await widget.locator('.jp-distlab-feedback').innerText()).trim()).toBe('');
    expect(await widget.locator('.jp-distlab-hints li').count()).toBe(0);
    expect(await widget.locator('input:checked').count()).toBe(0);
    const after = progressFile();
    expect(after.questions[target]).toBeUndefined();
    const { [target]: _gone, ...others } = before.questions;
    expect(after.questions).toEqual(others);
    expect(await row(start[0].id).getAttribute('data-state')).toBe('correct');
    expect(await row(target).locator('.jp-distlab-qreset').count()).toBe(0);

    // A request that names no question is refused and changes nothing.
    const bad = await api('progress/question?id=..%2Fetc', { method: 'DELETE' });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('invalid question id');
    expect(progressFile()).toEqual(after);
    await screenshot(page, 'progress-panel-reset-light');
  });

  it('reads in the dark theme', async () => {
    await page.locator('.lm-MenuBar-itemLabel', { hasText: /^Settings$/ }).click();
    await page.locator('.lm-Menu-itemLabel', { hasText: /^Theme$/ }).click();
    await page.locator('.lm-Menu-itemLabel', { hasText: /^JupyterLab Dark$/ }).click();
    await expect.poll(() => page.evaluate(() => document.body.dataset.jpThemeLight), { timeout: 30_000 }).toBe('false');
    // The theme change shows the loading splash over the page for a moment.
    await page.locator('#jupyterlab-splash').waitFor({ state: 'detached', timeout: 30_000 });
    await showProgressPanel(page);
    const eye = row(module51.filter((q) => q.kind === 'single')[0].id);
    await expect.poll(async () => (await markInk(eye)).width, { timeout: 15_000 }).toBeGreaterThan(4);
    await screenshot(page, 'progress-panel-dark');
  });
});
