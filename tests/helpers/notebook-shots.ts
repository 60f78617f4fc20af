// Screenshots of every cell of a notebook as the lab shows it (prose, code, outputs, question
// widgets), in one theme, and what in the dark theme is still drawn light.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { ARTIFACTS } from './paths';

export type Theme = 'light' | 'dark';

export async function switchTheme(page: Page, theme: Theme): Promise<void> {
  const name = theme === 'light' ? 'JupyterLab Light' : 'JupyterLab Dark';
  if ((await page.evaluate(() => document.body.dataset.jpThemeLight)) === String(theme === 'light')) return;
  await page.locator('.lm-MenuBar-itemLabel', { hasText: /^Settings$/ }).click();
  await page.locator('.lm-Menu-itemLabel', { hasText: /^Theme$/ }).click();
  await page.locator('.lm-Menu-itemLabel', { hasText: new RegExp(`^${name}$`) }).click();
  await expect.poll(() => page.evaluate(() => document.body.dataset.jpThemeLight), { timeout: 30_000 }).toBe(String(theme === 'light'));
  // The theme change shows the loading splash for a moment, and Vega views re-render.
  await page.locator('#jupyterlab-splash').waitFor({ state: 'detached', timeout: 30_000 });
  await page.waitForTimeout(1500);
}

/** What `shootCells` saved, and (in the dark theme) each cell that still paints a light area. */
export interface CellShots {
  paths: string[];
  lightAreas: string[];
}

/**
 * Screenshot every cell of the open notebook, in order, into
 * `test-artifacts/notebooks/<stem>/<theme>/<NNN>.png` (NNN: the cell's place, from 001). In the
 * dark theme, each cell is also searched, while in view, for an area still painted light.
 */
export async function shootCells(page: Page, stem: string, theme: Theme): Promise<CellShots> {
  const dir = join(ARTIFACTS, 'notebooks', stem, theme);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const cells = page.locator('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell');
  const count = await cells.count();
  const shots: CellShots = { paths: [], lightAreas: [] };
  for (let i = 0; i < count; i++) {
    const cell = cells.nth(i);
    await cell.scrollIntoViewIfNeeded();
    const path = join(dir, `${String(i + 1).padStart(3, '0')}.png`);
    await cell.screenshot({ path });
    shots.paths.push(path);
    if (theme === 'dark') {
      const light = await lightAreaIn(cell);
      if (light !== null) shots.lightAreas.push(`${stem} cell ${i + 1}: ${light}`);
    }
  }
  return shots;
}

/**
 * Inside one cell in the dark theme, the first thing still painted light over a large area: an
 * element's own opaque background, or an SVG rectangle that covers most of its figure (the
 * figure's background). Small light marks (a bar, a legend swatch) are the figure's ink.
 */
export function lightAreaIn(cell: Locator): Promise<string | null> {
  return cell.evaluate((root) => {
    const luminance = (colour: string): number | null => {
      const m = /rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?\)/.exec(colour);
      if (!m || (m[4] !== undefined && Number(m[4]) < 0.5)) return null;
      return (0.2126 * Number(m[1]) + 0.7152 * Number(m[2]) + 0.0722 * Number(m[3])) / 255;
    };
    for (const node of Array.from(root.querySelectorAll('*'))) {
      const box = node.getBoundingClientRect();
      if (box.width * box.height < 40 * 40) continue;
      const style = getComputedStyle(node);
      let light = luminance(style.backgroundColor);
      if (node instanceof SVGRectElement) {
        const svg = node.ownerSVGElement?.getBoundingClientRect();
        if (!svg || box.width * box.height < 0.5 * svg.width * svg.height) continue;
        light = style.fill === 'none' ? null : luminance(style.fill);
      }
      if (light !== null && light > 0.75) {
        const name = node.tagName.toLowerCase() + (typeof node.className === 'string' && node.className.trim() ? `.${node.className.trim().split(/\s+/).join('.')}` : '');
        return `${name} (${Math.round(box.width)}x${Math.round(box.height)}) is painted light`;
      }
    }
    return null;
  });
}
