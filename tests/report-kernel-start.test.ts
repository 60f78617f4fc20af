import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, VENV_PYTHON } from './helpers/paths';

// A tslab kernel can lose its shell socket as it starts and then never answer: the report's
// execution gives such a start up and runs the notebook in another kernel. Here the kernel's
// first start is one that never answers (a process that only sleeps), the next the real tslab.

const scratch = mkdtempSync(join(tmpdir(), 'distlab-kernel-start-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A kernelspec whose starts are logged; the first `silentStarts` never answer, later ones exec tslab. */
function flakyKernel(silentStarts: number): { jupyterPath: string; startsLog: string } {
  const jupyterPath = join(scratch, `jupyter-${silentStarts}`);
  const spec = join(jupyterPath, 'kernels', 'flaky-tslab');
  mkdirSync(spec, { recursive: true });
  const startsLog = join(jupyterPath, 'starts.log');
  const tslab = (JSON.parse(readFileSync(join(ROOT, '.venv', 'share', 'jupyter', 'kernels', 'tslab', 'kernel.json'), 'utf8')) as { argv: string[] }).argv;
  writeFileSync(
    join(spec, 'kernel.py'),
    [
      'import os, sys, time',
      `log = ${JSON.stringify(startsLog)}`,
      'with open(log, "a") as f: f.write("start\\n")',
      `if sum(1 for _ in open(log)) <= ${silentStarts}:`,
      '    time.sleep(600)',
      `argv = [a.replace("{connection_file}", sys.argv[1]) for a in ${JSON.stringify(tslab)}]`,
      'os.execv(argv[0], argv)'
    ].join('\n')
  );
  writeFileSync(join(spec, 'kernel.json'), JSON.stringify({ argv: [VENV_PYTHON, join(spec, 'kernel.py'), '{connection_file}'], display_name: 'flaky', language: 'typescript' }));
  return { jupyterPath, startsLog };
}

/** Run report.execute on a two-cell notebook in the flaky kernel, with a 5 s start-up timeout. */
function executeInFlakyKernel(silentStarts: number) {
  const { jupyterPath, startsLog } = flakyKernel(silentStarts);
  const script = [
    'import json, pathlib, sys, nbformat',
    'from distlab_jupyterlab import report',
    'report.KERNEL_STARTUP_TIMEOUT_S = 5',
    'nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "flaky-tslab", "display_name": "flaky", "language": "typescript"}})',
    'nb.cells = [nbformat.v4.new_code_cell("const x: number = 6 * 7;"), nbformat.v4.new_code_cell("console.log(`answer ${x}`);")]',
    `problem = report.execute(nb, pathlib.Path(${JSON.stringify(scratch)}), 60)`,
    'texts = [o.get("text", "") for c in nb.cells for o in c.get("outputs", [])]',
    'print(json.dumps({"problem": problem, "texts": texts}))'
  ].join('\n');
  const out = spawnSync(VENV_PYTHON, ['-c', script], { cwd: ROOT, encoding: 'utf8', timeout: 180_000, env: { ...process.env, JUPYTER_PATH: jupyterPath } });
  const lines = out.stdout.trim().split('\n');
  return {
    result: JSON.parse(lines[lines.length - 1] ?? '{}') as { problem: string | null; texts: string[] },
    stderr: out.stderr,
    starts: existsSync(startsLog) ? readFileSync(startsLog, 'utf8').trim().split('\n').length : 0
  };
}

describe('report execution: a kernel that never answers its start is replaced', () => {
  it('a silent first start: the notebook runs in the second kernel', () => {
    const { result, stderr, starts } = executeInFlakyKernel(1);
    expect(result.problem).toBeNull();
    expect(result.texts.join('')).toContain('answer 42');
    expect(starts).toBe(2);
    expect(stderr).toContain('did not answer within 5 s; starting another');
  }, 180_000);

  it('three silent starts: a problem that says so, no output', () => {
    const { result, starts } = executeInFlakyKernel(3);
    expect(result.problem).toBe('the flaky-tslab kernel did not answer within 5 s, 3 starts in a row');
    expect(result.texts).toEqual([]);
    expect(starts).toBe(3);
  }, 180_000);
});
