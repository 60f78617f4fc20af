import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as dl from 'distlab';
import { declaredOptionSets, type OptionControl } from '../src/core/options';
import { parseParams, type ParamControl } from '../../extension/src/param-controls/grammar';

// The parameter controls of the notebooks against the library's own option declarations: a
// control may only offer values the option it feeds accepts, in the option's unit.

const notebooks = resolve(__dirname, '..', '..', 'notebooks');

interface Cell {
  notebook: string;
  index: number;
  source: string;
}

function codeCells(): Cell[] {
  const cells: Cell[] = [];
  for (const name of readdirSync(notebooks).filter((n) => n.endsWith('.ipynb')).sort()) {
    const nb = JSON.parse(readFileSync(join(notebooks, name), 'utf8'));
    nb.cells.forEach((cell: { cell_type: string; source: string | string[] }, index: number) => {
      if (cell.cell_type !== 'code') return;
      cells.push({ notebook: name, index, source: Array.isArray(cell.source) ? cell.source.join('') : cell.source });
    });
  }
  return cells;
}

/** The `dl.fn({ … })` calls of a cell with the argument object's text (balanced braces). */
function optionCalls(source: string): { fn: string; args: string }[] {
  const calls: { fn: string; args: string }[] = [];
  const start = /\bdl\.([A-Za-z]\w*)\(\s*\{/g;
  for (let m = start.exec(source); m !== null; m = start.exec(source)) {
    let depth = 0;
    let end = m.index + m[0].length - 1;
    for (; end < source.length; end++) {
      if (source[end] === '{') depth++;
      else if (source[end] === '}' && --depth === 0) break;
    }
    calls.push({ fn: m[1], args: source.slice(m.index + m[0].length, end) });
  }
  return calls;
}

/** Which declared option a const feeds: `{ name }` or `{ key: name }` at the top level of the call's object. */
function optionsFed(source: string, name: string): { fn: string; key: string }[] {
  const fed: { fn: string; key: string }[] = [];
  for (const call of optionCalls(source)) {
    if (!declaredOptionSets().has(call.fn)) continue;
    // Shorthand `{ a, name }`, not the value of `key: name` (that is the keyed case below).
    const shorthand = new RegExp(String.raw`(^|[{,])\s*${name}\s*(,|$)`);
    if (shorthand.test(call.args)) fed.push({ fn: call.fn, key: name });
    const keyed = new RegExp(String.raw`(\w+)\s*:\s*${name}\b(?!\s*[.(\[])`, 'g');
    for (let m = keyed.exec(call.args); m !== null; m = keyed.exec(call.args)) {
      // Inside a nested object (`clocks: { offsetMsMax: x }`) the option belongs to that object's declaration.
      const parent = enclosingKey(call.args, m.index);
      fed.push(parent === null ? { fn: call.fn, key: m[1] } : { fn: parent, key: m[1] });
    }
  }
  return fed;
}

/** The key whose object literal holds position `at` of `args` (null at the top level). */
function enclosingKey(args: string, at: number): string | null {
  let depth = 0;
  for (let i = at - 1; i >= 0; i--) {
    if (args[i] === '}') depth++;
    else if (args[i] === '{') {
      if (depth === 0) return /(\w+)\s*:\s*$/.exec(args.slice(0, i))?.[1] ?? null;
      depth--;
    }
  }
  return null;
}

function problemsOf(control: ParamControl, declared: OptionControl, where: string): string[] {
  const spec = control.spec;
  const problems: string[] = [];
  if (spec.kind === 'number') {
    if (declared.kind !== 'range') return [`${where}: a slider, but the option is ${declared.kind}`];
    if (spec.min < declared.min || spec.max > declared.max) problems.push(`${where}: slider ${spec.min}..${spec.max} outside the option's ${declared.min}..${declared.max}`);
    if (declared.integer && (!Number.isInteger(spec.min) || !Number.isInteger(spec.step))) problems.push(`${where}: the option takes integers, the slider steps by ${spec.step} from ${spec.min}`);
    if (spec.unit !== declared.unit) problems.push(`${where}: slider unit '${spec.unit}', the option's unit '${declared.unit}'`);
  } else if (spec.kind === 'choice') {
    if (declared.kind !== 'choice') return [`${where}: a dropdown, but the option is ${declared.kind}`];
    for (const option of spec.options) if (!declared.values.includes(String(option))) problems.push(`${where}: offers ${option}, not one of ${declared.values.join(', ')}`);
  } else if (spec.kind === 'boolean') {
    if (declared.kind !== 'boolean') problems.push(`${where}: a checkbox, but the option is ${declared.kind}`);
  } else if (spec.kind === 'seed') {
    if (declared.kind !== 'seed') problems.push(`${where}: a seed field, but the option is ${declared.kind}`);
  }
  return problems;
}

describe('parameter controls in the notebooks', () => {
  const cells = codeCells();
  expect(Object.keys(dl).length).toBeGreaterThan(0); // loads every declaration

  it('every @param line parses', () => {
    const problems = cells.flatMap((cell) =>
      parseParams(cell.source).flatMap((row) => (row.ok ? [] : [`${cell.notebook} cell ${cell.index}: ${row.message}`]))
    );
    expect(problems).toEqual([]);
  });

  it("every control offers only values the option it feeds accepts, in the option's unit", () => {
    const problems: string[] = [];
    let checked = 0;
    for (const cell of cells) {
      for (const row of parseParams(cell.source)) {
        if (!row.ok) continue;
        for (const { fn, key } of optionsFed(cell.source, row.name)) {
          const spec = declaredOptionSets().get(fn)?.specs[key];
          if (!spec) {
            problems.push(`${cell.notebook} cell ${cell.index}: ${row.name} feeds ${fn}'s ${key}, which ${fn} does not declare`);
            continue;
          }
          checked++;
          problems.push(...problemsOf(row, spec.control, `${cell.notebook} cell ${cell.index}: ${row.name} → ${fn}.${key}`));
        }
      }
    }
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThan(0);
  });

  it('the checker finds a control that offers more than its option accepts', () => {
    const source = "const dropProbability = 0.2; // @param 0..2 step 0.1\nconst mode = 'crash'; // @param 'crash' | 'melt'\ndl.failureModeExperiment({ dropProbability, mode });";
    const problems = parseParams(source).flatMap((row) =>
      row.ok ? optionsFed(source, row.name).flatMap(({ fn, key }) => problemsOf(row, declaredOptionSets().get(fn)!.specs[key].control, row.name)) : []
    );
    expect(problems).toEqual([
      "dropProbability: slider 0..2 outside the option's 0..1",
      'mode: offers melt, not one of none, crash, omission, timing, byzantine'
    ]);
  });
});
