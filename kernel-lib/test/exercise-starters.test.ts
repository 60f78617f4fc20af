import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as dl from 'distlab';

// Run All must not grade the exercises before the learner tried them: the notebook's
// deliberately wrong starter code is recognised (it fails like the library's starter) and is
// not an attempt; any edit that changes how it fails, or a fix, is.

const require = createRequire(import.meta.url);
const ts = require('typescript') as typeof import('typescript');
const moduleNotebook = resolve(__dirname, '..', '..', 'notebooks', '5.1-what-makes-systems-distributed.ipynb');

/** Each exercise cell of the module notebook: its id and its code, compiled to a function. */
function notebookStarters(): { id: string; fn: unknown }[] {
  const nb = JSON.parse(readFileSync(moduleNotebook, 'utf8'));
  const found: { id: string; fn: unknown }[] = [];
  for (const cell of nb.cells) {
    if (cell.cell_type !== 'code') continue;
    const source: string = Array.isArray(cell.source) ? cell.source.join('') : cell.source;
    const call = /dl\.gradeExercise\('([\w-]+)',\s*(\w+)\)/.exec(source);
    if (!call) continue;
    // The cell as it stands, with the check replaced by returning the learner's function.
    const body = source.replace(/^.*console\.log.*$/gm, '').replace(call[0], `return ${call[2]};`);
    const js = ts.transpileModule(body, { compilerOptions: { target: ts.ScriptTarget.ES2020, module: ts.ModuleKind.None } }).outputText;
    found.push({ id: call[1], fn: new Function('dl', js)(dl) });
  }
  return found;
}

describe('starter code is shown, not counted', () => {
  const starters = notebookStarters();

  it('finds the four exercises of the module notebook', () => {
    expect(starters.map((s) => s.id).sort()).toEqual(['g-counter-merge', 'idempotent-transfer', 'lamport-receive', 'quorum-size']);
  });

  it("the notebook's starter code of every exercise fails as a starter, with its counterexample", () => {
    for (const { id, fn } of starters) {
      const r = dl.gradeExercise(id as dl.ExerciseId, fn as never);
      expect(r.passed, id).toBe(false);
      expect(r.result.starter, id).toBe(true);
      expect(r.toText(), id).toMatch(/^Starter code: .*not counted as an attempt/);
    }
  });

  it('a changed but still wrong function is an attempt, and so is a fix', () => {
    const half = dl.gradeExercise('quorum-size', (n) => Math.floor(n / 2));
    expect(half.passed).toBe(false);
    expect(half.result.starter).toBe(false);
    const lamportMaxOnly = dl.gradeExercise('lamport-receive', (local, message) => Math.max(local, message));
    expect(lamportMaxOnly.result.starter).toBe(false);
    const fixed = dl.gradeExercise('quorum-size', (n) => Math.floor(n / 2) + 1);
    expect(fixed.passed).toBe(true);
    expect(fixed.result.starter).toBe(false);
  });

  it('a function that throws or hangs is an attempt, never a starter', () => {
    const threw = dl.gradeExercise('quorum-size', () => {
      throw new Error('boom');
    });
    expect(threw.result.failure).toBe('threw');
    expect(threw.result.starter).toBe(false);
  });
});
