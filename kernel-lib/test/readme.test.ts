import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it, vi } from 'vitest';
import * as distlab from 'distlab';

const readme = readFileSync(resolve(__dirname, '..', 'README.md'), 'utf8');
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);

/** Run a README block as a CommonJS module whose `require('distlab')` is the package under test. */
function runBlock(source: string): string[] {
  const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020 } }).outputText;
  const printed: string[] = [];
  const log = vi.fn((...args: unknown[]) => printed.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ')));
  const requireShim = (name: string) => {
    if (name !== 'distlab') throw new Error(`README block requires ${name}`);
    return distlab;
  };
  new Function('require', 'exports', 'console', js)(requireShim, {}, { log });
  return printed;
}

describe('README API tour', () => {
  it('has code blocks', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(6);
  });

  blocks.forEach((block, i) => {
    it(`block ${i + 1} runs and prints`, () => {
      const printed = runBlock(block);
      expect(printed.length).toBeGreaterThan(0);
      if (block.includes("latency: 'cross-country'") && i === 0) {
        const rtts = JSON.parse(printed[0]) as number[];
        expect(rtts.length).toBe(1);
        expect(rtts[0]).toBeGreaterThan(20);
        expect(rtts[0]).toBeLessThan(40);
      }
      if (block.includes('checkSeeds')) expect(printed[0]).toMatch(/^FAILED one leader per term: .*\(seed=\d+\)$/);
      if (block.includes('compareVectors')) expect(printed[0]).toMatch(/ before$/);
      if (block.includes('monteCarlo')) expect(printed.length).toBe(2);
    });
  });
});
