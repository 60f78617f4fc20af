import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, VENV_BIN } from './helpers/paths';

const env = { ...process.env, PATH: `${VENV_BIN}:${process.env.PATH}`, JUPYTER_PATH: join(ROOT, '.venv', 'share', 'jupyter') };

describe('set-up done by npm start / npm test', () => {
  it('registers the tslab kernelspec inside .venv, pointing at the project tslab', () => {
    const specs = JSON.parse(execFileSync(join(VENV_BIN, 'jupyter'), ['kernelspec', 'list', '--json'], { env, encoding: 'utf8' }));
    const tslab = specs.kernelspecs.tslab;
    expect(tslab, 'tslab kernelspec is listed').toBeDefined();
    expect(realpathSync(tslab.resource_dir)).toBe(realpathSync(join(ROOT, '.venv', 'share', 'jupyter', 'kernels', 'tslab')));
    expect(tslab.spec.argv[0]).toBe(join(ROOT, 'node_modules', 'tslab', 'bin', 'tslab'));
    expect(tslab.spec.display_name).toBe('TypeScript');
  });

  it('pins tslab and JupyterLab to exact versions', () => {
    const tslabVersion = JSON.parse(readFileSync(join(ROOT, 'node_modules', 'tslab', 'package.json'), 'utf8')).version;
    const wanted = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).devDependencies.tslab;
    expect(tslabVersion).toBe(wanted);
    const lab = execFileSync(join(VENV_BIN, 'python'), ['-c', 'import jupyterlab; print(jupyterlab.__version__)'], { encoding: 'utf8' }).trim();
    expect(lab).toMatch(/^4\.6\.\d+$/);
  });

  it('installs the prebuilt distlab extension, enabled', () => {
    const result = spawnSync(join(VENV_BIN, 'jupyter'), ['labextension', 'list'], { env, encoding: 'utf8' });
    expect(result.status).toBe(0);
    // jupyter writes the list to stderr on some versions, stdout on others.
    const listing = `${result.stdout}\n${result.stderr}`.replace(/\x1b\[[0-9;]*m/g, '');
    expect(listing).toMatch(/@distlab\/jupyterlab v\d+\.\d+\.\d+ enabled OK \(python, distlab-jupyterlab\)/);
  });
});
