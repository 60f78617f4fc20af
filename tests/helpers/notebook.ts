import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { NO_ETCD, ROOT, VENV_PYTHON } from './paths';

export interface NotebookOutput {
  output_type: string;
  data?: Record<string, unknown>;
  text?: string | string[];
  name?: string;
  ename?: string;
  evalue?: string;
}
export interface NotebookCell {
  cell_type: string;
  source: string | string[];
  outputs?: NotebookOutput[];
  metadata?: Record<string, unknown>;
}
export interface Notebook {
  cells: NotebookCell[];
  metadata: Record<string, unknown>;
}

/**
 * Execute a notebook file headless through the real tslab kernel; returns the executed notebook.
 * `withoutEtcd`: the kernel finds no etcd (see NO_ETCD).
 */
export function executeNotebook(path: string, timeoutS = 120, options: { withoutEtcd?: boolean } = {}): Notebook {
  const out = join(mkdtempSync(join(tmpdir(), 'distlab-nb-')), basename(path));
  execFileSync(VENV_PYTHON, [join(ROOT, 'tests', 'helpers', 'execute_notebook.py'), path, out, '--timeout', String(timeoutS)], {
    cwd: ROOT,
    stdio: 'pipe',
    env: options.withoutEtcd ? { ...process.env, DISTLAB_ETCD: NO_ETCD } : process.env
  });
  return JSON.parse(readFileSync(out, 'utf8')) as Notebook;
}

/**
 * Execute cells given as source strings in a scratch notebook. It lives inside the project
 * (under .distlab/) so that `require('distlab')` resolves as it does from notebooks/.
 */
export function executeCells(sources: string[]): Notebook {
  const dir = join(ROOT, '.distlab');
  mkdirSync(dir, { recursive: true });
  const nb = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: 'tslab', display_name: 'TypeScript', language: 'typescript' } },
    cells: sources.map((source, i) => ({ id: `c${i}`, cell_type: 'code', source, metadata: {}, outputs: [], execution_count: null }))
  };
  const scratch = mkdtempSync(join(dir, '.scratch-'));
  const path = join(scratch, 'scratch.ipynb');
  writeFileSync(path, JSON.stringify(nb));
  try {
    return executeNotebook(path);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Text of every error output and every stderr stream, cell by cell. */
export function errorOutputs(nb: Notebook): string[] {
  const errors: string[] = [];
  nb.cells.forEach((cell, index) => {
    for (const output of cell.outputs ?? []) {
      if (output.output_type === 'error') errors.push(`cell ${index}: ${output.ename}: ${output.evalue}`);
      if (output.output_type === 'stream' && output.name === 'stderr') {
        errors.push(`cell ${index} (stderr): ${Array.isArray(output.text) ? output.text.join('') : output.text}`);
      }
    }
  });
  return errors;
}

export function cellSource(cell: NotebookCell): string {
  return Array.isArray(cell.source) ? cell.source.join('') : cell.source;
}
