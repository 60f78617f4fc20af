import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const KERNEL_LIB = join(__dirname, '..');
const DEPCRUISE = join(KERNEL_LIB, '..', 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { LAYERS } = require('../layers.cjs') as { LAYERS: { folder: string; imports: string[] }[] };

interface Violation {
  rule: { name: string };
  from: string;
  to: string;
}

function cruise(dir: string): Violation[] {
  const out = execFileSync(process.execPath, [DEPCRUISE, 'src', '--config', '.dependency-cruiser.cjs', '--output-type', 'json'], {
    cwd: dir,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024
  });
  return JSON.parse(out).summary.violations;
}

describe('kernel-lib layers (dependency-cruiser)', () => {
  it('src imports only downwards: no violation, no cycle', () => {
    expect(cruise(KERNEL_LIB).map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`)).toEqual([]);
  });

  it('catches an import against the order', () => {
    const dir = mkdtempSync(join(tmpdir(), 'distlab-layers-'));
    try {
      for (const file of ['.dependency-cruiser.cjs', 'layers.cjs']) copyFileSync(join(KERNEL_LIB, file), join(dir, file));
      writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'commonjs', strict: true } }));
      mkdirSync(join(dir, 'src', 'core'), { recursive: true });
      mkdirSync(join(dir, 'src', 'figures'), { recursive: true });
      writeFileSync(join(dir, 'src', 'core', 'a.ts'), "import { chart } from '../figures/b';\nexport const a = chart;\n");
      writeFileSync(join(dir, 'src', 'figures', 'b.ts'), "import { a } from '../core/a';\nexport const chart = () => a;\n");
      const names = new Set(cruise(dir).map((v) => v.rule.name));
      expect([...names].sort()).toEqual(['core-imports-only-below', 'no-circular']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('every folder of src is a layer, and ARCHITECTURE.md lists the layers in order', () => {
    const folders = readdirSync(join(KERNEL_LIB, 'src'), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
    expect(LAYERS.map((l) => l.folder).sort()).toEqual(folders);
    const doc = readFileSync(join(KERNEL_LIB, 'ARCHITECTURE.md'), 'utf8');
    const listed = [...doc.matchAll(/^\d+\. `([a-z-]+)\/`/gm)].map((m) => m[1]);
    expect(listed).toEqual(LAYERS.map((l) => l.folder));
    // A layer imports only layers listed before it (or itself): the list is an order.
    LAYERS.forEach((layer, index) => {
      const below = LAYERS.slice(0, index).map((l) => l.folder);
      for (const used of layer.imports) expect([...below, layer.folder], `${layer.folder} imports ${used}`).toContain(used);
    });
  });

  it('each source file opens with a line naming what it models', () => {
    const missing: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (entry.name.endsWith('.ts') && !/^(\/\/|\/\*\*?) ?\S/.test(readFileSync(path, 'utf8'))) missing.push(path.slice(KERNEL_LIB.length + 1));
      }
    };
    walk(join(KERNEL_LIB, 'src'));
    expect(missing).toEqual([]);
  });
});
