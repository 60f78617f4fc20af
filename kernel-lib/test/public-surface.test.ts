import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as dl from 'distlab';
import { filesUnder as files, repoRoot, ts, typeCheckCell } from './helpers/tslab-typescript';

// The public surface on purpose: src/index.ts names what it exports, test/public-names.txt is
// the committed list, and the built declarations carry no internals and compile under tslab's
// TypeScript 5.0. Adding or removing a public name means changing the list in the same commit.

const kernelLib = join(repoRoot, 'kernel-lib');
const require = createRequire(import.meta.url);

const RUNTIME_NAMES_MAX = 120;

const listed = readFileSync(join(__dirname, 'public-names.txt'), 'utf8')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line !== '' && !line.startsWith('#'));
const listedValues = listed.filter((line) => !line.startsWith('type '));
const listedTypes = listed.filter((line) => line.startsWith('type ')).map((line) => line.slice('type '.length));

const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const sorted = (names: Iterable<string>) => [...names].sort(byCodePoint);

// A build of its own with the package's tsconfig (outDir aside), so it never races another
// test that rebuilds kernel-lib/dist. It sits under node_modules so its require('vega') resolves.
let out = '';

describe('public surface', () => {
  beforeAll(() => {
    const cache = join(repoRoot, 'node_modules', '.cache');
    mkdirSync(cache, { recursive: true });
    out = mkdtempSync(join(cache, 'distlab-surface-'));
    execFileSync(
      process.execPath,
      [join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(kernelLib, 'tsconfig.json'), '--outDir', out],
      { stdio: 'pipe' }
    );
  }, 120_000);

  afterAll(() => {
    if (out !== '') rmSync(out, { recursive: true, force: true });
  });

  it('lists its exports by name: no `export *` in src/index.ts', () => {
    const index = readFileSync(join(kernelLib, 'src', 'index.ts'), 'utf8');
    expect(index).not.toMatch(/export\s+(type\s+)?\*/);
  });

  it('the list is sorted and has no duplicates', () => {
    expect(listedValues).toEqual([...new Set(sorted(listedValues))]);
    expect(listedTypes).toEqual([...new Set(sorted(listedTypes))]);
  });

  it(`runtime names are the committed list, well under ${RUNTIME_NAMES_MAX}`, () => {
    expect(sorted(Object.keys(dl))).toEqual(listedValues);
    // What tslab gets: require() of the CommonJS build.
    expect(sorted(Object.keys(require(join(out, 'index.js'))))).toEqual(listedValues);
    expect(listedValues.length).toBeLessThan(RUNTIME_NAMES_MAX);
  });

  it('type names of the built index.d.ts are the committed list', () => {
    const indexDts = join(out, 'index.d.ts');
    const program = ts.createProgram([indexDts], { noEmit: true, types: ['node'], typeRoots: [join(repoRoot, 'node_modules', '@types')] });
    const checker = program.getTypeChecker();
    const moduleSymbol = checker.getSymbolAtLocation(program.getSourceFile(indexDts)!)!;
    const exported = checker.getExportsOfModule(moduleSymbol).map((symbol) => symbol.name);
    const values = new Set(listedValues);
    expect(sorted(exported.filter((name) => values.has(name)))).toEqual(listedValues);
    expect(sorted(exported.filter((name) => !values.has(name)))).toEqual(listedTypes);
  });

  it('the declarations carry no @internal member', () => {
    // Every member tagged @internal in the source, as `file: Class.member`.
    const tagged: string[] = [];
    for (const path of files(join(kernelLib, 'src'), '.ts')) {
      const source = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
      const visit = (node: import('typescript').Node, owner: string) => {
        const name = (node as { name?: import('typescript').Node }).name;
        const named = name !== undefined && (ts.isIdentifier(name) || ts.isPrivateIdentifier(name)) ? name.text : undefined;
        if (named !== undefined && ts.getJSDocTags(node).some((tag) => tag.tagName.text === 'internal')) {
          tagged.push(`${relative(join(kernelLib, 'src'), path).replace(/\.ts$/, '')}: ${owner}${named}`);
        }
        const inner = ts.isClassDeclaration(node) || ts.isInterfaceDeclaration(node) ? `${named}.` : owner;
        ts.forEachChild(node, (child) => visit(child, inner));
      };
      visit(source, '');
    }
    expect(tagged).toContain('simulation/simulation: Simulation._send');

    const declared: string[] = [];
    for (const path of files(out, '.d.ts')) {
      const text = readFileSync(path, 'utf8');
      expect(text, path).not.toContain('@internal');
      const source = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
      const visit = (node: import('typescript').Node, owner: string) => {
        const name = (node as { name?: import('typescript').Node }).name;
        const named = name !== undefined && ts.isIdentifier(name) ? name.text : undefined;
        if (named !== undefined) declared.push(`${relative(out, path).replace(/\.d\.ts$/, '')}: ${owner}${named}`);
        const inner = ts.isClassDeclaration(node) || ts.isInterfaceDeclaration(node) ? `${named}.` : owner;
        ts.forEachChild(node, (child) => visit(child, inner));
      };
      visit(source, '');
    }
    expect(declared).toContain('simulation/simulation: Simulation.run');
    expect(tagged.filter((member) => declared.includes(member))).toEqual([]);
  });

  it('every public name resolves in the declarations under TypeScript 5.0', () => {
    expect(ts.version).toMatch(/^5\.0\./);
    const cell = [
      "import * as dl from 'distlab';",
      `const values = [${listedValues.map((name) => `dl.${name}`).join(', ')}];`,
      ...listedTypes.map((name, i) => `type T${i} = dl.${name}${name === 'Exercise' ? '<unknown>' : ''};`),
      // What a learner annotates in a cell.
      "const mode: dl.FailureMode = dl.FAILURE_MODES[0];",
      "const points: dl.AvailabilityPoint[] = [{ nodeCount: 3, nodeAvailability: 0.9, availability: 0.97, low: 0.95, high: 0.98 }];",
      'console.log(values.length, mode, points.length);'
    ].join('\n');
    const text = typeCheckCell(cell, mkdtempSync(join(out, 'cell-')), out);
    expect(text).toEqual([]);
  });
});
