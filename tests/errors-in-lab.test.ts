import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { openNotebook, screenshot, useLabPage, waitForKernelIdle } from './helpers/lab';

// Errors as a learner meets them in the lab. After a kernel restart a cell run from the middle
// of the notebook makes tslab say "Cannot find namespace 'dl'": the lab says why and offers to
// run the set-up cell. A distlab error names the lines of the learner's own cells.

const NOTEBOOK = 'errors.ipynb';
/** How long tslab drops execute requests after a failed cell (200 ms), with a margin. */
const TSLAB_ABORT_AFTER_ERROR_MS = 400;
const cells = [
  "import * as dl from 'distlab';",
  "const mode: dl.FailureMode = 'crash';\nconsole.log(dl.failureModeExperiment({ mode }).counts.timeout, 'timeouts');",
  '// a bad option, a few lines down\n\ninterface Plan { seed: number }\nfunction make(plan: Plan): dl.Simulation {\n  return dl.simulation({ seed: plan.seed });\n}\nconst sim = make({ seed: -1 });',
  "const s4 = dl.simulation({ seed: 3 });\n\ns4.node('a', { start: () => { throw new TypeError('boom'); } });",
  '\n// runs the handler of the cell above\ns4.run({ untilMs: 10 });'
];

/**
 * Run one cell; the lines of its output, as shown once the lab has numbered them. The cell is
 * made the active one by a click on its prompt, checked, and run with the toolbar's run button.
 * tslab drops what it is asked to run within 200 ms of a failed cell (the cell's prompt goes
 * back to [ ]), as Run All stops at an error: the next run waits that long.
 */
async function runCell(page: Page, index: number): Promise<() => Promise<string[]>> {
  const cell = page.locator('.jp-Notebook .jp-CodeCell').nth(index);
  const prompt = cell.locator('.jp-InputPrompt');
  const before = ((await prompt.textContent()) ?? '').trim();
  await expect
    .poll(async () => {
      await prompt.click();
      return cell.evaluate((node) => node.classList.contains('jp-mod-active'));
    }, { timeout: 30_000 })
    .toBe(true);
  await page.locator('.jp-NotebookPanel-toolbar [data-command="notebook:run-cell-and-select-next"]').click();
  const ranAgain = async () => {
    const now = ((await prompt.textContent()) ?? '').trim();
    return /^\[\d+\]:?$/.test(now) && now !== before;
  };
  await expect.poll(ranAgain, { timeout: 60_000 }).toBe(true);
  await waitForKernelIdle(page);
  await page.waitForTimeout(TSLAB_ABORT_AFTER_ERROR_MS);
  return async () => (await cell.locator('.jp-OutputArea-output').allInnerTexts()).join('\n').trim().split('\n');
}

describe("errors in a real JupyterLab, tslab and Debian chromium", () => {
  const labPage = useLabPage({
    prepare: (root) =>
      writeFileSync(
        join(root, NOTEBOOK),
        JSON.stringify({
          nbformat: 4,
          nbformat_minor: 5,
          metadata: { kernelspec: { name: 'tslab', display_name: 'TypeScript', language: 'typescript' } },
          cells: cells.map((source, i) => ({ id: `c${i}`, cell_type: 'code', source, metadata: {}, outputs: [], execution_count: null }))
        })
      )
  });

  it('names the set-up cell, runs it on request, and the cell then runs', async () => {
    const { page, lab } = labPage;
    await openNotebook(page, lab, NOTEBOOK);
    const second = page.locator('.jp-Notebook .jp-CodeCell').nth(1);
    await second.locator('.cm-content').click();
    await page.keyboard.press('Shift+Enter');
    const toast = page.locator('.Toastify__toast', { hasText: "uses dl, which the notebook's set-up cell defines" });
    await expect.poll(() => toast.count(), { timeout: 120_000 }).toBe(1);
    expect(await toast.innerText()).toContain("cell 1, the one with import * as dl from 'distlab'");
    expect(await second.locator('.jp-OutputArea-output').innerText()).toMatch(/Cannot find (namespace|name) 'dl'/);
    await screenshot(page, 'setup-hint');
    await toast.getByRole('button', { name: 'Run the set-up cell' }).click();
    await waitForKernelIdle(page);
    await second.locator('.cm-content').click();
    await page.keyboard.press('Shift+Enter');
    await expect.poll(() => second.locator('.jp-OutputArea-output').innerText(), { timeout: 60_000 }).toMatch(/^\d+ timeouts/);
  });

  it("a distlab error shows the message, then each of the learner's frames with the cell's own line number and code", async () => {
    const { page } = labPage;
    await expect.poll(await runCell(page, 2), { timeout: 30_000 }).toEqual([
      'DistlabInputError: invalid seed: -1 (expected an integer 0..9007199254740991)',
      '    at make, in this cell, line 5: return dl.simulation({ seed: plan.seed });',
      '    in this cell, line 7: const sim = make({ seed: -1 });'
    ]);
    await runCell(page, 3);
    await expect.poll(await runCell(page, 4), { timeout: 30_000 }).toEqual([
      'DistlabHandlerError: node a in start threw at t=0 ms: TypeError: boom (seed=3)',
      "    at start, in cell [5], line 3: s4.node('a', { start: () => { throw new TypeError('boom'); } });",
      '    in this cell, line 3: s4.run({ untilMs: 10 });'
    ]);
    await screenshot(page, 'cell-error-lines');
  });
});
