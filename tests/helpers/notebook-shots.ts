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

/** What `shootCells` saved, how many cells its shots covered, and (dark theme) what is still light. */
export interface CellShots {
  paths: string[];
  /** Cells that were in view in at least one shot. */
  cellsSeen: number;
  lightAreas: string[];
}

/** Shots are taken this tall: a module of 150 cells takes a few dozen, not one per cell. */
const SHOT_VIEWPORT = { width: 1400, height: 2000 };

/**
 * Screenshot the open notebook from top to bottom, a screenful at a time with a little overlap,
 * into `test-artifacts/notebooks/<stem>/<theme>/NNN.png`. In the dark theme, every cell in view
 * is also searched for an area still painted light.
 */
export async function shootCells(page: Page, stem: string, theme: Theme): Promise<CellShots> {
  const dir = join(ARTIFACTS, 'notebooks', stem, theme);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const viewport = page.viewportSize();
  await page.setViewportSize(SHOT_VIEWPORT);
  const scroller = page.locator('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-WindowedPanel-outer').first();
  const shots: CellShots = { paths: [], cellsSeen: 0, lightAreas: [] };
  const seen = new Set<number>();
  const light = new Set<string>();
  try {
    await scroller.evaluate((node) => (node.scrollTop = 0));
    for (let shot = 1; shot <= 400; shot++) {
      // Let Vega and the replay draw what came into view.
      await page.waitForTimeout(200);
      const path = join(dir, `${String(shot).padStart(3, '0')}.png`);
      await scroller.screenshot({ path });
      shots.paths.push(path);
      const inView = await scroller.evaluate((node, dark) => {
        const view = node.getBoundingClientRect();
        const cells = Array.from(node.querySelectorAll('.jp-Notebook .jp-Cell'));
        const visible = cells.flatMap((cell, index) => {
          const box = cell.getBoundingClientRect();
          return box.bottom > view.top && box.top < view.bottom ? [index] : [];
        });
        const found: string[] = [];
        if (dark) {
          const probe = (window as unknown as { __distlabLightArea?: (cell: Element) => string | null }).__distlabLightArea;
          for (const index of visible) {
            const what = probe?.(cells[index]) ?? null;
            if (what !== null) found.push(`cell ${index + 1}: ${what}`);
          }
        }
        return { visible, found, atBottom: node.scrollTop + node.clientHeight >= node.scrollHeight - 2 };
      }, theme === 'dark' && (await installLightProbe(page)));
      inView.visible.forEach((index) => seen.add(index));
      inView.found.forEach((what) => light.add(`${stem} ${what}`));
      if (inView.atBottom) break;
      await scroller.evaluate((node) => (node.scrollTop += node.clientHeight - 80));
    }
  } finally {
    if (viewport) await page.setViewportSize(viewport);
  }
  shots.cellsSeen = seen.size;
  shots.lightAreas = [...light];
  return shots;
}

/** Put the probe of `lightAreaIn` in the page, for checks of many cells in one evaluation. */
async function installLightProbe(page: Page): Promise<true> {
  await page.evaluate(`window.__distlabLightArea = ${LIGHT_AREA_PROBE}`);
  return true;
}

/**
 * Inside one cell, the first thing painted light over a large area: an element's own opaque
 * background, or an SVG rectangle that covers most of its figure (the figure's background).
 * Small light marks (a bar, a legend swatch) are the figure's ink. Runs in the page.
 */
const LIGHT_AREA_PROBE = `(root) => {
  const luminance = (colour) => {
    const m = /rgba?\\(([\\d.]+),\\s*([\\d.]+),\\s*([\\d.]+)(?:,\\s*([\\d.]+))?\\)/.exec(colour);
    if (!m || (m[4] !== undefined && Number(m[4]) < 0.5)) return null;
    return (0.2126 * Number(m[1]) + 0.7152 * Number(m[2]) + 0.0722 * Number(m[3])) / 255;
  };
  for (const node of Array.from(root.querySelectorAll('*'))) {
    const box = node.getBoundingClientRect();
    if (box.width * box.height < 40 * 40) continue;
    const style = getComputedStyle(node);
    let light = luminance(style.backgroundColor);
    if (node instanceof SVGRectElement) {
      const svg = node.ownerSVGElement ? node.ownerSVGElement.getBoundingClientRect() : null;
      if (!svg || box.width * box.height < 0.5 * svg.width * svg.height) continue;
      light = style.fill === 'none' ? null : luminance(style.fill);
    }
    if (light !== null && light > 0.75) {
      const name = node.tagName.toLowerCase() + (typeof node.className === 'string' && node.className.trim() ? '.' + node.className.trim().split(/\\s+/).join('.') : '');
      return name + ' (' + Math.round(box.width) + 'x' + Math.round(box.height) + ') is painted light';
    }
  }
  return null;
}`;

/** The probe on one cell (or any element). */
export async function lightAreaIn(cell: Locator): Promise<string | null> {
  await installLightProbe(cell.page());
  return cell.evaluate((root) => (window as unknown as { __distlabLightArea: (cell: Element) => string | null }).__distlabLightArea(root));
}
