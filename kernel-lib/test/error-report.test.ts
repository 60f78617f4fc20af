// How distlab's errors print in a notebook cell: tslab runs a cell through node:vm and prints a
// thrown error with console.error, that is util.inspect.
import { inspect } from 'node:util';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import * as dl from '../src/index';

/** Run `code` as tslab runs a cell (vm, evalmachine) and return what console.error would print. */
function printedByCell(code: string): { printed: string; stack: string } {
  (globalThis as any).__dlTest = dl;
  try {
    vm.runInThisContext(`(function(exports) { ${code}\n})({})`);
  } catch (error) {
    // Frames below the cell are this test's and vitest's (in the kernel: tslab's, which are dropped).
    return { printed: inspect(error).split('\n    at printedByCell')[0], stack: String((error as Error).stack) };
  } finally {
    delete (globalThis as any).__dlTest;
  }
  throw new Error('the cell did not throw');
}

describe('a distlab error as a notebook cell prints it', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['a bad option', 'const sim = __dlTest.simulation({ seed: -1 });', /^DistlabInputError: invalid seed: -1 \(expected an integer 0\.\.\d+\)/],
    ['an unknown option', '__dlTest.simulation({ sead: 1 });', /^DistlabInputError: unknown option in simulation: sead/],
    [
      "a handler's error",
      "const sim = __dlTest.simulation({ seed: 4 });\nsim.node('a', { start: () => { throw new TypeError('boom'); } });\nsim.run({ untilMs: 10 });",
      /^DistlabHandlerError: node a in start threw at t=0 ms: TypeError: boom \(seed=4\)/
    ]
  ];
  for (const [what, code, message] of cases) {
    it(`${what}: the message first, then only the cell's own frames, with no library path, caret or converted line number`, () => {
      const { printed, stack } = printedByCell(`\n\nfunction make() {\n  ${code.split('\n').join('\n  ')}\n}\nmake();`);
      expect(printed).toMatch(message);
      expect(printed).not.toMatch(/kernel-lib|[\\/]dist[\\/]|node_modules|^\s*\^\s*$/m);
      expect(printed).not.toMatch(/evalmachine/);
      expect(printed).toContain('at make (in this cell)');
      // What Node alone would print names the converted script's positions.
      expect(stack).toMatch(/evalmachine\.<anonymous>:\d+:\d+/);
    });
  }

  it('the same shape for a run past its bound and for a Monte Carlo run that threw', () => {
    const bound = printedByCell("const sim = __dlTest.simulation({ seed: 2 });\nsim.node('a', { start: (ctx) => ctx.setTimer('t', 1), onTimer: (ctx) => ctx.setTimer('t', 1) });\nsim.run({ untilMs: 1000, eventsMax: 5 });");
    expect(bound.printed).toMatch(/^DistlabLimitError: .*eventsMax.*\(seed=2\)/);
    expect(bound.printed).not.toMatch(/kernel-lib|evalmachine/);
  });
});
