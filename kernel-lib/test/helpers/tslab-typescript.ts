// Type-checking a notebook cell as tslab does: its TypeScript 5.0 fork, CommonJS, node resolution.
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

export const repoRoot = resolve(__dirname, '..', '..', '..');
const require = createRequire(import.meta.url);

/** tslab type-checks cells with this TypeScript 5.0 fork. */
export const ts = require(join(repoRoot, 'node_modules', '@tslab', 'typescript-for-tslab')) as typeof import('typescript');

/** Files below `dir` whose names end with `suffix`, depth first. */
export function filesUnder(dir: string, suffix: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path, suffix) : name.endsWith(suffix) ? [path] : [];
  });
}

/**
 * Write `source` as `cell.ts` in `cellDir` and type-check it with tslab's compiler options, where
 * `import … from 'distlab'` resolves to `declarationsDir/index.d.ts`. Returns the diagnostics of
 * the cell and of those declarations (not of TypeScript's lib files or @types/node), as
 * `file: message` lines: an empty list is a clean compile.
 */
export function typeCheckCell(source: string, cellDir: string, declarationsDir: string): string[] {
  const cell = join(cellDir, 'cell.ts');
  writeFileSync(cell, source);
  const declarations = filesUnder(declarationsDir, '.d.ts');
  const program = ts.createProgram([cell, ...declarations], {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2019,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.NodeJs,
    esModuleInterop: true,
    skipLibCheck: false,
    baseUrl: cellDir,
    paths: { distlab: [join(declarationsDir, 'index.d.ts')] },
    typeRoots: [join(repoRoot, 'node_modules', '@types')],
    types: ['node']
  });
  const checked = new Set([cell, ...declarations].map((path) => resolve(path)));
  return ts
    .getPreEmitDiagnostics(program)
    .filter((d) => !d.file || checked.has(resolve(d.file.fileName)))
    .map((d) => `${d.file?.fileName ?? ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
}
