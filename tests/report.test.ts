import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/paths';
import { reportFigures } from './helpers/report-html';

describe('npm run report', () => {
  it('executes the start notebook and writes an HTML report with the figure as a vector SVG image', () => {
    const out = mkdtempSync(join(tmpdir(), 'distlab-report-'));
    const result = spawnSync('npm', ['run', '--silent', 'report', '--', 'notebooks/00-start-here.ipynb', '--out', out], {
      cwd: ROOT,
      encoding: 'utf8'
    });
    expect(result.status, result.stderr).toBe(0);
    const html = readFileSync(join(out, '00-start-here.html'), 'utf8');
    const figures = reportFigures(html);
    expect(figures.length).toBeGreaterThanOrEqual(1);
    // The kernel's vega figure itself, whole, as the image's data.
    expect(figures[0]).toMatch(/^<svg[^>]*class="marks"[\s\S]*Network round trip \(same DC\)[\s\S]*<\/svg>$/);
    expect(/<svg[\s>]/.test(html), 'no inline SVG markup in the page').toBe(false);
    expect(html).not.toMatch(/<script[^>]+src="https?:/);
  });
});
