import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { errorsInPage, Lab, openNotebook, runAllCells, useLabPage, waitForKernelIdle } from './helpers/lab';
import { ARTIFACTS, ROOT } from './helpers/paths';

const NOTEBOOK = 'param-controls.ipynb';

/** A scratch lab root inside the project (so `require('distlab')` resolves) holding the fixture. */
function fixtureRoot(): string {
  const base = join(ROOT, '.distlab');
  mkdirSync(base, { recursive: true });
  const dir = mkdtempSync(join(base, 'param-controls-'));
  copyFileSync(join(ROOT, 'tests', 'fixtures', NOTEBOOK), join(dir, NOTEBOOK));
  return dir;
}

const cellWith = (page: Page, param: string): Locator => page.locator('.jp-CodeCell', { has: page.locator(`.jp-distlab-param[data-param="${param}"]`) });
const controlsOf = (cell: Locator): Locator => cell.locator('.jp-distlab-params');
const sliderOf = (cell: Locator, param: string): Locator => cell.locator(`.jp-distlab-param[data-param="${param}"] input[type="range"]`);
const printed = (cell: Locator): Promise<string> => cell.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stdout"]').allInnerTexts().then((t) => t.join('\n').trimEnd());
const tableText = (cell: Locator): Promise<string> => cell.locator('.jp-OutputArea-output[data-mime-type="text/html"]').allInnerTexts().then((t) => t.join('\n'));
/** The cell's source as its editor shows it. */
const sourceOf = (cell: Locator): Promise<string> => cell.locator('.cm-content').innerText();
const literalIn = (source: string, name: string): string | null => new RegExp(`const ${name}(?::[^=]*)? = ([^;]*);`).exec(source)?.[1] ?? null;

/** Wait until the controls' re-runs are over and the kernel is idle. */
async function settled(page: Page, cell: Locator): Promise<void> {
  await expect.poll(() => controlsOf(cell).getAttribute('data-busy'), { timeout: 60_000 }).not.toBe('true');
  await waitForKernelIdle(page, 60_000);
}

async function shootCell(cell: Locator, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await cell.scrollIntoViewIfNeeded();
  await cell.screenshot({ path });
  return path;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

describe('parameter controls above code cells, in a real JupyterLab with the tslab kernel (Debian chromium)', () => {
  const rootDir = fixtureRoot();
  afterAll(() => rmSync(rootDir, { recursive: true, force: true }));
  const labPage = useLabPage({ rootDir });
  let lab: Lab;
  let page: Page;
  /** execute_request messages the page sent over the kernel websocket. */
  let executeRequests = 0;
  /** Requests sent whose execute_reply has not arrived yet, and the most there ever were at once. */
  let inFlight = 0;
  let inFlightMax = 0;
  let experiment: Locator;

  beforeAll(() => {
    ({ lab, page } = labPage);
    page.on('websocket', (ws) => {
      ws.on('framesent', (frame) => {
        const text = typeof frame.payload === 'string' ? frame.payload : frame.payload.toString('latin1');
        if (/"msg_type":\s*"execute_request"/.test(text)) {
          executeRequests++;
          inFlightMax = Math.max(inFlightMax, ++inFlight);
        }
      });
      ws.on('framereceived', (frame) => {
        const text = typeof frame.payload === 'string' ? frame.payload : frame.payload.toString('latin1');
        if (/"msg_type":\s*"execute_reply"/.test(text)) inFlight = Math.max(0, inFlight - 1);
      });
    });
    experiment = cellWith(page, 'dropProbability');
  });

  it('draws the controls when the notebook opens, above the code, and a message for each line it cannot use', async () => {
    await openNotebook(page, lab, NOTEBOOK);
    await expect.poll(() => page.locator('.jp-distlab-params:not([hidden])').count(), { timeout: 30_000 }).toBe(3);
    const rows = experiment.locator('.jp-distlab-param');
    expect(await rows.evaluateAll((nodes) => nodes.map((n) => [(n as HTMLElement).dataset.param, (n as HTMLElement).dataset.kind]))).toEqual([
      ['dropProbability', 'number'], ['mode', 'choice'], ['verbose', 'boolean'], ['seed', 'seed']
    ]);
    expect(await experiment.locator('.jp-distlab-param-name').allInnerTexts()).toEqual(['dropProbability', 'mode', 'verbose', 'seed']);
    const slider = sliderOf(experiment, 'dropProbability');
    expect(await slider.evaluate((s: HTMLInputElement) => [s.min, s.max, s.step, s.value])).toEqual(['0', '1', '0.01', '0.4']);
    expect(await experiment.locator('[data-param="dropProbability"] .jp-distlab-param-value').innerText()).toBe('0.4');
    expect(await experiment.locator('select').evaluate((s: HTMLSelectElement) => Array.from(s.options).map((o) => o.text))).toEqual(['none', 'crash', 'omission', 'timing', 'byzantine']);
    expect(await experiment.locator('select').evaluate((s: HTMLSelectElement) => s.selectedOptions[0].text)).toBe('omission');
    expect(await experiment.locator('input.jp-distlab-param-seed').inputValue()).toBe('7');
    // Units beside the value; an integer slider.
    const units = cellWith(page, 'skewMs');
    expect(await units.locator('.jp-distlab-param-value').allInnerTexts()).toEqual(['50 ms', '3']);
    // Lines it cannot use get a message instead of a control.
    const problems = page.locator('.jp-CodeCell', { has: page.locator('.jp-distlab-param[data-param="lossRate"]') });
    expect(await problems.locator('.jp-distlab-param-problem').allInnerTexts()).toEqual([
      'lossRate: 1.5 is outside its range 0..1',
      'spread: cannot read "@param 0..10 stp 1": expected MIN..MAX [step S] [unit], \'a\' | \'b\' | …, seed, or nothing (a checkbox)'
    ]);
    expect(await problems.locator('input, select').count()).toBe(1);
    // The auto-run toggle is for sliders: none here.
    expect(await problems.locator('.jp-distlab-params-toggle').isVisible()).toBe(false);
    expect(await shootCell(problems, 'param-controls-problems-light')).toMatch(/\.png$/);
    // One row per control: label, control and value side by side.
    const rowsLaidOut = await experiment.locator('.jp-distlab-param').evaluateAll((nodes) =>
      nodes.map((row) => {
        const centre = (el: Element | null) => {
          const r = el!.getBoundingClientRect();
          return Math.round(r.top + r.height / 2);
        };
        return Math.abs(centre(row.querySelector('.jp-distlab-param-name')) - centre(row.querySelector('input, select')));
      })
    );
    for (const offset of rowsLaidOut) expect(offset).toBeLessThanOrEqual(3);
    // Above the editor, not in the output area.
    const controlsBox = await controlsOf(experiment).boundingBox();
    const editorBox = await experiment.locator('.jp-InputArea').boundingBox();
    expect(controlsBox!.y + controlsBox!.height).toBeLessThanOrEqual(editorBox!.y + 1);
    expect(await page.locator('.jp-OutputArea .jp-distlab-params').count()).toBe(0);

    await runAllCells(page);
    expect(await printed(experiment)).toBe('dropProbability=0.4 mode=omission verbose=false seed=7');
    expect(await tableText(experiment)).toMatch(/ok/);
  });

  it('a slider drag rewrites the literal in the source and re-runs the cell: the output changes', async () => {
    const before = await tableText(experiment);
    const slider = sliderOf(experiment, 'dropProbability');
    const box = (await slider.boundingBox())!;
    const y = box.y + box.height / 2;
    await page.mouse.move(box.x + box.width * 0.4, y);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.9, y, { steps: 8 });
    await page.mouse.up();
    const value = await slider.inputValue();
    expect(Number(value)).toBeGreaterThan(0.75);
    await settled(page, experiment);
    await expect.poll(() => printed(experiment), { timeout: 30_000 }).toBe(`dropProbability=${value} mode=omission verbose=false seed=7`);
    expect(literalIn(await sourceOf(experiment), 'dropProbability')).toBe(value);
    expect(await experiment.locator('[data-param="dropProbability"] .jp-distlab-param-value').innerText()).toBe(value);
    // More loss, other counts (same seed).
    expect(await tableText(experiment)).not.toBe(before);
    expect(await errorsInPage(page)).toEqual([]);
  });

  it('a fast drag over many steps sends far fewer executions than steps, never two at once, and ends at the last value', async () => {
    const slider = sliderOf(experiment, 'dropProbability');
    await slider.evaluate((s: HTMLInputElement) => {
      (window as unknown as { steps: number }).steps = 0;
      s.addEventListener('input', () => ((window as unknown as { steps: number }).steps += 1));
    });
    const steps = () => page.evaluate(() => (window as unknown as { steps: number }).steps);
    const runs = async () => Number(await controlsOf(experiment).getAttribute('data-runs'));
    const endsAt = async (value: string) => {
      await settled(page, experiment);
      await expect.poll(() => printed(experiment), { timeout: 30_000 }).toBe(`dropProbability=${value} mode=omission verbose=false seed=7`);
      expect(literalIn(await sourceOf(experiment), 'dropProbability')).toBe(value);
    };

    // A real mouse drag across the slider and back.
    const box = (await slider.boundingBox())!;
    const y = box.y + box.height / 2;
    let sent = executeRequests;
    let runsBefore = await runs();
    inFlightMax = 0;
    const dragStarted = Date.now();
    await page.mouse.move(box.x + 4, y);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width - 4, y, { steps: 120 });
    await page.mouse.move(box.x + box.width * 0.37, y, { steps: 60 });
    await page.mouse.up();
    const dragMs = Date.now() - dragStarted;
    const last = await slider.inputValue();
    await endsAt(last);
    const executions = executeRequests - sent;
    // Nothing stale still queued: no more runs arrive.
    await page.waitForTimeout(1500);
    expect(executeRequests - sent).toBe(executions);
    const dragSteps = await steps();
    console.log(`[param-controls] mouse drag: ${dragSteps} slider steps in ${dragMs} ms, ${executions} execute requests (at most ${inFlightMax} in flight), last value ${last}`);
    expect(dragSteps).toBeGreaterThanOrEqual(60);
    expect(inFlightMax).toBe(1);
    expect(executions).toBeGreaterThanOrEqual(1);
    expect(executions).toBeLessThan(dragSteps);
    expect((await runs()) - runsBefore).toBe(executions);

    // A quick flick: 100 steps 4 ms apart, as a fast pointer delivers them.
    sent = executeRequests;
    runsBefore = await runs();
    inFlightMax = 0;
    await page.evaluate(() => (window as unknown as { steps: number }).steps = 0);
    const flickLast = await slider.evaluate(async (s: HTMLInputElement) => {
      for (let i = 0; i < 100; i++) {
        s.value = String((5 + (i * 89) % 90) / 100);
        s.dispatchEvent(new Event('input', { bubbles: true }));
        await new Promise((r) => setTimeout(r, 4));
      }
      s.value = '0.27';
      s.dispatchEvent(new Event('input', { bubbles: true }));
      s.dispatchEvent(new Event('change', { bubbles: true }));
      return s.value;
    });
    await endsAt(flickLast);
    await page.waitForTimeout(1000);
    const flickExecutions = executeRequests - sent;
    const flickSteps = await steps();
    console.log(`[param-controls] quick flick: ${flickSteps} slider steps, ${flickExecutions} execute requests (at most ${inFlightMax} in flight), last value ${flickLast}`);
    expect(flickSteps).toBe(101);
    expect(inFlightMax).toBe(1);
    expect(flickExecutions).toBeGreaterThanOrEqual(1);
    expect(flickExecutions * 3).toBeLessThanOrEqual(flickSteps);
    expect((await runs()) - runsBefore).toBe(flickExecutions);
  });

  it('keyboard: Tab reaches each control, arrows move the slider; the time from a key to the new output is logged', async () => {
    const slider = sliderOf(experiment, 'dropProbability');
    await slider.focus();
    const times: number[] = [];
    const replies: number[] = [];
    for (const key of ['ArrowRight', 'ArrowRight', 'ArrowLeft', 'ArrowRight', 'ArrowRight', 'ArrowLeft', 'ArrowRight']) {
      const from = Number(await slider.inputValue());
      const expected = (Math.round(from * 100) + (key === 'ArrowRight' ? 1 : -1)) / 100;
      const started = Date.now();
      await page.keyboard.press(key);
      await page.waitForFunction(
        ([text]) => Array.from(document.querySelectorAll('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stdout"]')).some((n) => n.textContent?.startsWith(text)),
        [`dropProbability=${expected} `],
        { timeout: 30_000, polling: 'raf' }
      );
      times.push(Date.now() - started);
      // ...and to the kernel's reply, when the table has been drawn too.
      await page.waitForFunction(() => document.querySelector('.jp-distlab-params[data-busy="true"]') === null, undefined, { timeout: 30_000, polling: 'raf' });
      replies.push(Date.now() - started);
      await settled(page, experiment);
      expect(Number(await slider.inputValue())).toBe(expected);
      expect(literalIn(await sourceOf(experiment), 'dropProbability')).toBe(String(expected));
    }
    console.log(`[param-controls] control change (arrow key) to new output: median ${median(times)} ms, all ${times.join(', ')} ms (${times.length} changes); to the kernel's reply (table drawn): median ${median(replies)} ms, all ${replies.join(', ')} ms`);
    // The notebook did not take the arrows as cell navigation.
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement).type)).toBe('range');
    const order: string[] = [];
    for (let i = 0; i < 5; i++) {
      await page.keyboard.press('Tab');
      order.push(await page.evaluate(() => {
        const a = document.activeElement as HTMLElement;
        return `${a.closest('.jp-distlab-param')?.getAttribute('data-param') ?? 'row'}:${a.tagName.toLowerCase()}${a.getAttribute('type') ? `[${a.getAttribute('type')}]` : ''}`;
      }));
    }
    expect(order).toEqual(['mode:select', 'verbose:input[checkbox]', 'seed:input[number]', 'seed:button[button]', 'row:input[checkbox]']);
  });

  it('the dropdown, the checkbox and the new-seed button rewrite their literals and re-run', async () => {
    await experiment.locator('select').selectOption({ label: 'crash' });
    await settled(page, experiment);
    await expect.poll(() => printed(experiment), { timeout: 30_000 }).toMatch(/ mode=crash verbose=false seed=7$/);
    expect(literalIn(await sourceOf(experiment), 'mode')).toBe("'crash'");

    await experiment.locator('[data-param="verbose"] input[type="checkbox"]').check();
    await settled(page, experiment);
    await expect.poll(() => printed(experiment), { timeout: 30_000 }).toMatch(/ mode=crash verbose=true seed=7\s+outcomes: /);
    expect(literalIn(await sourceOf(experiment), 'verbose')).toBe('true');

    await experiment.locator('button.jp-distlab-param-newseed').click();
    await settled(page, experiment);
    const seed = await experiment.locator('input.jp-distlab-param-seed').inputValue();
    expect(seed).toMatch(/^\d+$/);
    expect(seed).not.toBe('7');
    expect(literalIn(await sourceOf(experiment), 'seed')).toBe(seed);
    await expect.poll(() => printed(experiment), { timeout: 30_000 }).toMatch(new RegExp(` seed=${seed}\\s+outcomes`));

    // A seed typed into the field runs on Enter; a bad one is refused and the source keeps its seed.
    const field = experiment.locator('input.jp-distlab-param-seed');
    await field.fill('12');
    await field.press('Enter');
    await settled(page, experiment);
    await expect.poll(() => printed(experiment), { timeout: 30_000 }).toMatch(/ seed=12\s+outcomes/);
    await field.fill('-3');
    await field.press('Enter');
    expect(await experiment.locator('[data-param="seed"] .jp-distlab-param-problem').innerText()).toMatch(/a seed is an integer 0\.\.9007199254740991/);
    expect(literalIn(await sourceOf(experiment), 'seed')).toBe('12');
  });

  it('with auto-run off, the source follows the drag and the cell runs once, on release', async () => {
    const toggle = controlsOf(experiment).locator('input.jp-distlab-params-autorun');
    await toggle.uncheck();
    expect(await controlsOf(experiment).getAttribute('data-auto-run')).toBe('false');
    const slider = sliderOf(experiment, 'dropProbability');
    const output = await printed(experiment);
    const sent = executeRequests;
    const box = (await slider.boundingBox())!;
    const y = box.y + box.height / 2;
    await page.mouse.move(box.x + box.width * 0.2, y);
    await page.mouse.down();
    for (const f of [0.3, 0.45, 0.6]) {
      await page.mouse.move(box.x + box.width * f, y, { steps: 4 });
      await page.waitForTimeout(400);
    }
    const held = await slider.inputValue();
    expect(literalIn(await sourceOf(experiment), 'dropProbability')).toBe(held);
    expect(executeRequests - sent).toBe(0);
    expect(await printed(experiment)).toBe(output);
    await page.mouse.up();
    await settled(page, experiment);
    await expect.poll(() => printed(experiment), { timeout: 30_000 }).toMatch(new RegExp(`^dropProbability=${held} `));
    expect(executeRequests - sent).toBe(1);
    await toggle.check();
  });

  it('Ctrl-Z in the cell editor restores the value, and the control follows', async () => {
    const slider = sliderOf(experiment, 'dropProbability');
    const before = await slider.inputValue();
    await slider.focus();
    await page.keyboard.press('ArrowRight');
    await settled(page, experiment);
    const after = await slider.inputValue();
    expect(after).not.toBe(before);
    expect(literalIn(await sourceOf(experiment), 'dropProbability')).toBe(after);
    // Past the undo manager's merge window, so this edit is an undo step of its own.
    await page.waitForTimeout(800);
    await experiment.locator('.cm-content').click();
    await page.keyboard.press('Control+z');
    await expect.poll(async () => literalIn(await sourceOf(experiment), 'dropProbability'), { timeout: 10_000 }).toBe(before);
    expect(await slider.inputValue()).toBe(before);
    expect(await experiment.locator('[data-param="dropProbability"] .jp-distlab-param-value').innerText()).toBe(before);
    await page.keyboard.press('Escape');
  });

  it('typing in the cell re-reads its controls: a fixed line becomes a control', async () => {
    const problems = page.locator('.jp-CodeCell', { has: page.locator('.jp-distlab-param[data-param="lossRate"]') });
    await problems.locator('.cm-content').click();
    await page.keyboard.press('Control+a');
    await page.keyboard.type('const lossRate = 0.5; // @param 0..1 step 0.01\nconsole.log(lossRate);');
    await expect.poll(() => problems.locator('.jp-distlab-param[data-param="lossRate"]').getAttribute('data-kind'), { timeout: 10_000 }).toBe('number');
    expect(await sliderOf(problems, 'lossRate').inputValue()).toBe('0.5');
    expect(await problems.locator('.jp-distlab-param-problem').count()).toBe(0);
    // Typed out of its range by hand: a message again, and no control that could set it.
    await page.keyboard.press('Control+a');
    await page.keyboard.type('const lossRate = 7; // @param 0..1 step 0.01');
    await expect.poll(() => problems.locator('.jp-distlab-param-problem').allInnerTexts(), { timeout: 10_000 }).toEqual(['lossRate: 7 is outside its range 0..1']);
    await page.keyboard.press('Escape');
  });

  it('save and reload keep the values: the source holds them, nothing else does', async () => {
    const values = {
      dropProbability: await sliderOf(experiment, 'dropProbability').inputValue(),
      seed: await experiment.locator('input.jp-distlab-param-seed').inputValue()
    };
    await experiment.locator('.jp-InputPrompt').click();
    await page.keyboard.press('Control+s');
    const file = join(rootDir, NOTEBOOK);
    const saved = () => JSON.parse(readFileSync(file, 'utf8')) as { cells: { id: string; source: string | string[]; metadata: Record<string, unknown>; outputs?: unknown[] }[] };
    const savedSource = () => {
      const cell = saved().cells.find((c) => c.id === 'experiment')!;
      return Array.isArray(cell.source) ? cell.source.join('') : cell.source;
    };
    await expect.poll(() => literalIn(savedSource(), 'dropProbability'), { timeout: 20_000 }).toBe(values.dropProbability);
    expect(literalIn(savedSource(), 'mode')).toBe("'crash'");
    expect(literalIn(savedSource(), 'verbose')).toBe('true');
    expect(literalIn(savedSource(), 'seed')).toBe(values.seed);
    // The controls are not outputs and leave nothing in metadata.
    const text = readFileSync(file, 'utf8');
    expect(text).not.toMatch(/jp-distlab-param|auto-run/);
    for (const cell of saved().cells) expect(Object.keys(cell.metadata).filter((k) => k !== 'execution' && k !== 'trusted')).toEqual([]);

    await openNotebook(page, lab, NOTEBOOK);
    await expect.poll(() => page.locator('.jp-distlab-params:not([hidden])').count(), { timeout: 30_000 }).toBe(3);
    expect(await sliderOf(experiment, 'dropProbability').inputValue()).toBe(values.dropProbability);
    expect(await experiment.locator('select').evaluate((s: HTMLSelectElement) => s.selectedOptions[0].text)).toBe('crash');
    expect(await experiment.locator('[data-param="verbose"] input[type="checkbox"]').isChecked()).toBe(true);
    expect(await experiment.locator('input.jp-distlab-param-seed').inputValue()).toBe(values.seed);
    expect(await controlsOf(experiment).getAttribute('data-auto-run')).toBe('true');
  });

  it('fits the light and the dark theme (screenshots)', async () => {
    await runAllCells(page);
    expect(await shootCell(experiment, 'param-controls-light')).toMatch(/\.png$/);
    const lightBg = await controlsOf(experiment).evaluate((n) => getComputedStyle(n).backgroundColor);
    await page.locator('.lm-MenuBar-itemLabel', { hasText: /^Settings$/ }).click();
    await page.locator('.lm-Menu-itemLabel', { hasText: /^Theme$/ }).click();
    await page.locator('.lm-Menu-itemLabel', { hasText: /^JupyterLab Dark$/ }).click();
    await expect.poll(() => page.evaluate(() => document.body.dataset.jpThemeLight), { timeout: 30_000 }).toBe('false');
    await page.waitForTimeout(500);
    const darkBg = await controlsOf(experiment).evaluate((n) => getComputedStyle(n).backgroundColor);
    expect(darkBg).not.toBe(lightBg);
    const colors = await controlsOf(experiment).evaluate((n) => [getComputedStyle(n).color, getComputedStyle(n).colorScheme]);
    expect(colors[1]).toBe('dark');
    expect(await shootCell(experiment, 'param-controls-dark')).toMatch(/\.png$/);
    expect(await shootCell(cellWith(page, 'skewMs'), 'param-controls-units-dark')).toMatch(/\.png$/);
  });
});
