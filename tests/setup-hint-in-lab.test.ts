import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openNotebook, screenshot, useLabPage, waitForKernelIdle } from './helpers/lab';

// After a kernel restart a learner runs a cell from the middle of the notebook: tslab says
// "Cannot find namespace 'dl'". The lab says why and offers to run the set-up cell.

const NOTEBOOK = 'setup-hint.ipynb';
const cells = [
  "import * as dl from 'distlab';",
  "const mode: dl.FailureMode = 'crash';\nconsole.log(dl.failureModeExperiment({ mode }).counts.timeout, 'timeouts');"
];

describe("a cell run before the set-up cell (real JupyterLab, tslab, Debian chromium)", () => {
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
});
