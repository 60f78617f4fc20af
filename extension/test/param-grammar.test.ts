import { describe, expect, it } from 'vitest';
import {
  acceptsValue,
  applyEdit,
  decimalsOf,
  editFor,
  formatNumber,
  literalFor,
  ParamControl,
  ParamProblem,
  parseParams,
  SEED_MAX,
  seedFrom
} from '../src/param-controls/grammar';

const controls = (source: string) => parseParams(source).filter((row): row is ParamControl => row.ok);
const problems = (source: string) => parseParams(source).filter((row): row is ParamProblem => !row.ok).map((row) => row.message);
const one = (source: string): ParamControl => {
  const rows = parseParams(source);
  expect(rows).toHaveLength(1);
  expect(rows[0].ok, JSON.stringify(rows[0])).toBe(true);
  return rows[0] as ParamControl;
};
const problem = (source: string): string => {
  const rows = parseParams(source);
  expect(rows).toHaveLength(1);
  expect(rows[0].ok).toBe(false);
  return (rows[0] as ParamProblem).message;
};

describe('the @param grammar: each kind of control', () => {
  it('a slider with range and step', () => {
    const c = one('const dropProbability = 0.1; // @param 0..1 step 0.01');
    expect(c.name).toBe('dropProbability');
    expect(c.value).toBe(0.1);
    expect(c.spec).toEqual({ kind: 'number', min: 0, max: 1, step: 0.01, unit: '', decimals: 2 });
    expect(c.literal).toEqual({ start: 24, end: 27, text: '0.1' });
  });

  it('a slider with a unit, an integer slider, a default step', () => {
    expect(one('const skewMs = 50; // @param 0..500 step 5 ms').spec).toEqual({ kind: 'number', min: 0, max: 500, step: 5, unit: 'ms', decimals: 0 });
    expect(one('const nodes = 3; // @param 1..9 step 1').spec).toMatchObject({ min: 1, max: 9, step: 1, decimals: 0 });
    // No step: integers step by 1, fractions by a hundredth of the range.
    expect(one('const n = 5; // @param 1..9').spec).toMatchObject({ step: 1 });
    expect(one('const p = 0.25; // @param 0..1').spec).toMatchObject({ step: 0.01, decimals: 2 });
    expect(one('const rate = 40; // @param 0..100 %').spec).toMatchObject({ step: 1, unit: '%' });
    expect(one('const load = 120; // @param 10..1000 step 10 req/s').spec).toMatchObject({ unit: 'req/s' });
    expect(one('const offset = -20; // @param -50..50 step 10 ms').spec).toMatchObject({ min: -50, max: 50 });
    expect(one('const drift = 2.5e1; // @param 0..100 step 0.5 ppm').value).toBe(25);
  });

  it('a choice of string literals, keeping a type annotation', () => {
    const source = "const mode: dl.FailureMode = 'omission'; // @param 'none' | 'crash' | 'omission' | 'timing' | 'byzantine'";
    const c = one(source);
    expect(c.spec).toEqual({ kind: 'choice', options: ['none', 'crash', 'omission', 'timing', 'byzantine'] });
    expect(c.value).toBe('omission');
    expect(source.slice(c.literal.start, c.literal.end)).toBe("'omission'");
    expect(one('const replicas = 3; // @param 1 | 3 | 5').spec).toEqual({ kind: 'choice', options: [1, 3, 5] });
    expect(one('const level = "one"; // @param "one" | "quorum" | "all"').value).toBe('one');
  });

  it('a checkbox and a seed', () => {
    expect(one('const requestIds = false; // @param').spec).toEqual({ kind: 'boolean' });
    expect(one('const requestIds = true // @param').value).toBe(true);
    const seed = one('const seed = 7; // @param seed');
    expect(seed.spec).toEqual({ kind: 'seed' });
    expect(seed.value).toBe(7);
  });

  it('finds controls among imports, comments and several const lines at the top, with their lines', () => {
    const source = [
      "import * as dl from 'distlab';",
      '// Try a lossier network.',
      '/* a block',
      '   comment */',
      'const nodes = 5; // @param 1..9',
      'const config = {',
      '  retries: 3',
      '};',
      '',
      "const mode = 'crash'; // @param 'crash' | 'omission'",
      'dl.show(dl.failureModeExperiment({ mode }));'
    ].join('\n');
    expect(controls(source).map((c) => [c.name, c.line])).toEqual([['nodes', 4], ['mode', 9]]);
  });

  it('keeps exact offsets in a CRLF source and on indented lines', () => {
    const source = 'const a = 1; // @param 0..9\r\n  const b = 0.5; // @param 0..1 step 0.1\r\n';
    const [a, b] = controls(source);
    expect(source.slice(a.literal.start, a.literal.end)).toBe('1');
    expect(source.slice(b.literal.start, b.literal.end)).toBe('0.5');
  });
});

describe('the @param grammar: what it refuses, with a message and never a throw', () => {
  it('a literal outside its own range or off its grid', () => {
    expect(problem('const p = 1.5; // @param 0..1 step 0.01')).toBe('p: 1.5 is outside its range 0..1');
    expect(problem('const n = 0; // @param 1..9 step 1')).toBe('n: 0 is outside its range 1..9');
    expect(problem('const x = 0.33; // @param 0..1 step 0.1')).toBe('x: 0.33 is not on the grid 0..1 step 0.1 (nearest: 0.3)');
    expect(problem('const n = 2.5; // @param 1..9 step 1')).toBe('n: 2.5 is not on the grid 1..9 step 1 (nearest: 3)');
    expect(problem("const mode = 'lost'; // @param 'crash' | 'omission'")).toBe("mode: 'lost' is not one of its choices 'crash' | 'omission'");
    expect(problem('const seed = -1; // @param seed')).toBe(`seed: a seed must be an integer 0..${SEED_MAX}, not -1`);
    expect(problem('const seed = 1.5; // @param seed')).toMatch(/a seed must be an integer/);
  });

  it('a literal of the wrong kind', () => {
    expect(problem("const p = 'x'; // @param 0..1")).toBe("p: a slider 0..1 needs a number, not 'x'");
    expect(problem('const flag = 0; // @param')).toBe('flag: a bare @param is a checkbox and needs true or false, not 0');
    expect(problem('const p = 1 + 1; // @param 0..9')).toBe('p: the value must be a number, a quoted string, true or false, not 1 + 1');
    expect(problem('const p = dl.x; // @param 0..9')).toMatch(/the value must be a number/);
    expect(problem('const p = `x`; // @param 0..9')).toMatch(/the value must be a number/);
  });

  it('a comment that does not parse', () => {
    expect(problem('const p = 0.1; // @param 0..1 stp 0.01')).toBe(
      'p: cannot read "@param 0..1 stp 0.01": expected MIN..MAX [step S] [unit], \'a\' | \'b\' | …, seed, or nothing (a checkbox)'
    );
    expect(problem('const p = 0.1; // @param 1..0')).toBe('p: the range 1..0 is empty: MIN must be below MAX');
    expect(problem('const p = 0.1; // @param 0..1 step 0')).toBe('p: step 0 must be above 0');
    expect(problem('const p = 0.1; // @param 0..1 step 2')).toBe('p: step 2 is wider than the range 0..1');
    expect(problem('const p = 0; // @param 0..1 step 0.0000001')).toMatch(/more than 1000000 positions/);
    expect(problem("const m = 'a'; // @param 'a' | b")).toBe('m: cannot read the choice b: each choice is a quoted string or a number');
    expect(problem("const m = 'a'; // @param 'a' | 'a'")).toBe("m: the choice 'a' is listed twice");
    expect(problem("const m = 'a'; // @param 'a' |")).toMatch(/cannot read the choice \(empty\)/);
    expect(problem('const seed = 1; // @param seed 0..9')).toBe('seed: cannot read "@param seed 0..9": a seed control is just "@param seed"');
  });

  it('a let, or a const below the code, is named as such', () => {
    expect(problem('let p = 0.1; // @param 0..1')).toBe('p: only a const line can carry a @param (found let)');
    expect(problem("dl.show(1);\nconst p = 0.1; // @param 0..1")).toBe('p: a @param const must be at the top of the cell, before other code');
  });

  it('ignores @param in comments and in ordinary code', () => {
    expect(parseParams('// const p = 0.1; // @param 0..1\n/* const q = 1; // @param 0..9 */\nconsole.log("// @param");')).toEqual([]);
    expect(parseParams('')).toEqual([]);
    expect(parseParams('const p = 0.1;')).toEqual([]);
  });

  it('never throws on arbitrary text', () => {
    const pieces = ['const ', 'x', ' = ', '0.1', "'a'", '; ', '// @param', ' 0..1', ' step', ' |', ' seed', '\n', '\r\n', '/*', '*/', '{', '}', '"', '`', '..', '-', 'e9', 'ms'];
    let state = 12345;
    const next = () => (state = (state * 1103515245 + 12345) % 2 ** 31);
    for (let i = 0; i < 3000; i++) {
      let text = '';
      for (let j = next() % 30; j > 0; j--) text += pieces[next() % pieces.length];
      expect(() => parseParams(text)).not.toThrow();
    }
  });
});

describe('rewriting a literal', () => {
  it('sets a slider on its grid, in the digits of the grid', () => {
    const source = "import * as dl from 'distlab';\nconst dropProbability = 0.1; // @param 0..1 step 0.01\ndl.show(dropProbability);";
    const edit = editFor(source, 'dropProbability', 0.15)!;
    expect(applyEdit(source, edit)).toBe("import * as dl from 'distlab';\nconst dropProbability = 0.15; // @param 0..1 step 0.01\ndl.show(dropProbability);");
    // A float from a slider (0.1 + 0.2) is written as the grid value.
    expect(applyEdit(source, editFor(source, 'dropProbability', 0.1 + 0.2)!)).toContain('= 0.3;');
    expect(applyEdit(source, editFor(source, 'dropProbability', 1)!)).toContain('= 1;');
    expect(applyEdit(source, editFor(source, 'dropProbability', 0)!)).toContain('= 0;');
  });

  it('keeps the quote style of a choice; writes booleans and seeds plainly', () => {
    const source = 'const level = "one"; // @param "one" | "all"\nconst ids = false; // @param\nconst seed = 7; // @param seed\n';
    let next = applyEdit(source, editFor(source, 'level', 'all')!);
    next = applyEdit(next, editFor(next, 'ids', true)!);
    next = applyEdit(next, editFor(next, 'seed', 4294967295)!);
    expect(next).toBe('const level = "all"; // @param "one" | "all"\nconst ids = true; // @param\nconst seed = 4294967295; // @param seed\n');
  });

  it('changes only that literal, even where the same text appears elsewhere on the line or in the cell', () => {
    const source = "const a = 5; // @param 0..10 step 5\nconst b = 5; // @param 0..10 step 5\nconsole.log(5, a, b);";
    expect(applyEdit(source, editFor(source, 'b', 10)!)).toBe("const a = 5; // @param 0..10 step 5\nconst b = 10; // @param 0..10 step 5\nconsole.log(5, a, b);");
    const choice = "const m: 'a' | 'b' = 'a'; // @param 'a' | 'b'";
    expect(applyEdit(choice, editFor(choice, 'm', 'b')!)).toBe("const m: 'a' | 'b' = 'b'; // @param 'a' | 'b'");
  });

  it('refuses values outside the control, unknown names, and no-op edits', () => {
    const source = "const p = 0.1; // @param 0..1 step 0.01\nconst m = 'a'; // @param 'a' | 'b'\nconst f = false; // @param\nconst seed = 1; // @param seed";
    expect(editFor(source, 'p', 1.01)).toBeNull();
    expect(editFor(source, 'p', -0.01)).toBeNull();
    expect(editFor(source, 'p', Number.NaN)).toBeNull();
    expect(editFor(source, 'p', 'x')).toBeNull();
    expect(editFor(source, 'm', 'c')).toBeNull();
    expect(editFor(source, 'f', 1)).toBeNull();
    expect(editFor(source, 'seed', -1)).toBeNull();
    expect(editFor(source, 'seed', 0.5)).toBeNull();
    expect(editFor(source, 'seed', SEED_MAX + 2)).toBeNull();
    expect(editFor(source, 'nope', 0.2)).toBeNull();
    expect(editFor(source, 'p', 0.1)).toBeNull();
    // A control whose literal is out of its range is a problem, not a control: nothing to edit.
    expect(editFor('const p = 2; // @param 0..1', 'p', 0.5)).toBeNull();
  });

  it('acceptsValue follows each kind', () => {
    const [p, m, f, s] = controls("const p = 0.5; // @param 0..1\nconst m = 3; // @param 1 | 3\nconst f = true; // @param\nconst s = 0; // @param seed");
    expect([acceptsValue(p, 0), acceptsValue(p, 1), acceptsValue(p, 1.5)]).toEqual([true, true, false]);
    expect([acceptsValue(m, 1), acceptsValue(m, '1'), acceptsValue(m, 2)]).toEqual([true, false, false]);
    expect([acceptsValue(f, false), acceptsValue(f, 'false')]).toEqual([true, false]);
    expect([acceptsValue(s, SEED_MAX), acceptsValue(s, SEED_MAX + 1)]).toEqual([true, false]);
    expect(literalFor(m, 1)).toBe('1');
  });
});

describe('numbers and seeds', () => {
  it('counts the decimals a grid needs and formats without float noise', () => {
    expect([decimalsOf(0.01), decimalsOf(5), decimalsOf(0.5), decimalsOf(1e-3), decimalsOf(0.1 + 0.2)]).toEqual([2, 0, 1, 3, 1]);
    expect([formatNumber(0.30000000000000004, 2), formatNumber(1, 2), formatNumber(-0.0001, 2), formatNumber(120, 0)]).toEqual(['0.3', '1', '0', '120']);
  });

  it('a new seed is the page\'s 32 random bits, always a valid seed', () => {
    expect(seedFrom(new Uint32Array([0]))).toBe(0);
    expect(seedFrom(new Uint32Array([4294967295]))).toBe(4294967295);
    const c = one('const seed = 7; // @param seed');
    expect(acceptsValue(c, seedFrom(new Uint32Array([4294967295])))).toBe(true);
  });
});
