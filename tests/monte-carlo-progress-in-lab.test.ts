import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { errorsInPage, Lab, openNotebook, screenshot, useLabPage, waitForKernelIdle } from './helpers/lab';

const NOTEBOOK = 'monte-carlo-progress.ipynb';

const SETUP = `import * as dl from 'distlab';
function quorum({ seed, params }: dl.Trial) {
  const sim = dl.simulation({ seed, trace: false });
  const replicas = ['r1', 'r2', 'r3', 'r4', 'r5'];
  sim.node('client', { state: () => ({ acks: 0 }), start(ctx) { for (const r of replicas) ctx.send(r, 'write'); }, onMessage(ctx) { ctx.state.acks++; } });
  sim.nodesOf(replicas, { onMessage(ctx, msg) { ctx.send(msg.from, 'ack'); } });
  for (const r of replicas) if (!sim.random.chance(params.p)) sim.crash(r);
  sim.run({ untilMs: 100 });
  return sim.stateOf('client').acks >= 3;
}`;

// About 6 s at the 17,000 runs/s measured in the kernel: long enough to watch the bar move.
const LONG_RUN = `const mc = await dl.monteCarloAsync({ seeds: 50_000, grid: { p: [0.9, 0.99] }, run: quorum });`;

function writeNotebook(dir: string): void {
  const cells = [SETUP, LONG_RUN].map((source, i) => ({ id: `mc-${i}`, cell_type: 'code', source, metadata: {}, outputs: [], execution_count: null }));
  const nb = { nbformat: 4, nbformat_minor: 5, metadata: { kernelspec: { name: 'tslab', display_name: 'TypeScript', language: 'typescript' } }, cells };
  writeFileSync(join(dir, NOTEBOOK), JSON.stringify(nb));
}

/** The outputs of the notebook's code cell `index`, as the page shows them. */
const outputsOf = (page: Page, index: number) => page.locator('.jp-CodeCell').nth(index).locator('.jp-OutputArea-output');

describe('a long Monte Carlo in a real JupyterLab, in Debian chromium', () => {
  const labPage = useLabPage();
  let lab: Lab;
  let page: Page;
  beforeAll(() => ({ lab, page } = labPage));

  it('shows a progress bar (done, rate, time left) that moves while it runs and ends as the result', async () => {
    writeNotebook(lab.rootDir);
    await openNotebook(page, lab, NOTEBOOK);
    await page.locator('.lm-MenuBar-itemLabel', { hasText: /^Run$/ }).click();
    await page.locator('.lm-Menu-itemLabel', { hasText: /^Run All Cells$/ }).click();

    const bar = outputsOf(page, 1).locator('progress');
    await bar.waitFor({ state: 'visible', timeout: 60_000 });
    await expect.poll(async () => Number(await bar.getAttribute('value')), { timeout: 30_000 }).toBeGreaterThan(0);
    const readings: Array<{ value: number; text: string; prompt: string }> = [];
    for (let i = 0; i < 3; i++) {
      if (i > 0) await page.waitForTimeout(1000);
      const value = Number(await bar.getAttribute('value'));
      const text = (await outputsOf(page, 1).first().innerText()).trim();
      const prompt = (await page.locator('.jp-CodeCell').nth(1).locator('.jp-InputPrompt').textContent()) ?? '';
      readings.push({ value, text, prompt });
      if (i === 1) await screenshot(page, 'monte-carlo-progress-running');
    }
    for (const r of readings) {
      expect(r.prompt).toContain('*'); // still running
      expect(r.text).toMatch(/^\s*\d+%\s+[\d,]+ \/ 100,000 runs\s+[\d,]+ runs\/s\s+(\d+ s|\d+ min \d+ s|\d+ h \d+ min) left$/);
    }
    expect(readings[1].value).toBeGreaterThan(readings[0].value);
    expect(readings[2].value).toBeGreaterThan(readings[1].value);
    expect(await bar.getAttribute('max')).toBe('100000');

    await waitForKernelIdle(page, 120_000);
    // Updated in place: one output, now the result's table, and no bar left behind.
    await expect.poll(() => outputsOf(page, 1).count()).toBe(1);
    // The last in-place update can render a frame after the output count settles.
    await expect.poll(() => outputsOf(page, 1).locator('progress').count(), { timeout: 10_000 }).toBe(0);
    const table = outputsOf(page, 1).locator('table');
    await table.waitFor({ state: 'visible' });
    const tableText = await outputsOf(page, 1).innerText();
    expect(tableText).toMatch(/100,000 runs in \d+ s \([\d,]+ runs\/s\)/);
    expect(tableText).toContain('0.99');
    expect(await table.locator('tbody tr').count()).toBe(2);
    await screenshot(page, 'monte-carlo-progress-done');
    expect(await errorsInPage(page)).toEqual([]);
  });
});
