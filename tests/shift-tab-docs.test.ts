import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NOTEBOOKS, ROOT, VENV_PYTHON } from './helpers/paths';

/** What Shift-Tab shows in the lab for `code` with the cursor at `cursor`. */
function inspect(code: string, cursor: number): string {
  return execFileSync(VENV_PYTHON, [join(ROOT, 'tests', 'helpers', 'inspect_in_kernel.py'), NOTEBOOKS, "import * as dl from 'distlab';", code, String(cursor)], {
    cwd: ROOT,
    encoding: 'utf8'
  });
}

describe('Shift-Tab in the tslab kernel shows distlab documentation', () => {
  it('shows an option with its unit and default', () => {
    const code = 'dl.simulation({ seed: 3 })';
    const text = inspect(code, code.indexOf('seed') + 2);
    expect(text).toContain('Seed of every random choice');
    expect(text).toContain('Default 1');
  });

  it('shows a figure factory with its description', () => {
    const code = 'dl.latencyNumbersChart()';
    const text = inspect(code, code.indexOf('latencyNumbersChart') + 5);
    expect(text).toMatch(/log-scale bars with human units/);
  });
});
