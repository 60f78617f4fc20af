import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/paths';

function setupWith(env: Record<string, string>) {
  return spawnSync(process.execPath, [join(ROOT, 'scripts', 'setup.mjs')], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env } });
}

/** A stand-in `python` that reports a given version and may lack venv. */
function fakePython(version: string, hasVenv: boolean): string {
  const dir = mkdtempSync(join(tmpdir(), 'distlab-fake-python-'));
  const path = join(dir, 'python3');
  writeFileSync(path, `#!/bin/sh
case "$2" in
  *version_info*) echo ${version} ;;
  *ensurepip*) ${hasVenv ? 'exit 0' : 'echo "No module named ensurepip" >&2; exit 1'} ;;
esac
`);
  chmodSync(path, 0o755);
  return path;
}

describe('set-up stops with a message saying what to install', () => {
  it('when Python is missing', () => {
    const result = setupWith({ DISTLAB_PYTHON: '/nonexistent/python3' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('Python 3 was not found: distlab needs Python 3.10 or newer');
    expect(result.stderr).toContain('apt install python3 python3-venv');
  });

  it('when Python is older than 3.10', () => {
    const result = setupWith({ DISTLAB_PYTHON: fakePython('3.9', true) });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/Python 3\.9 \(.*\) is too old: distlab needs Python 3\.10 or newer/);
  });

  it('when the venv module is missing', () => {
    const result = setupWith({ DISTLAB_PYTHON: fakePython('3.11', false) });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('has no working venv module');
    expect(result.stderr).toContain('apt install python3-venv');
  });
});
