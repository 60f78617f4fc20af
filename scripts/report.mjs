// `npm run report -- <notebook…> [--out DIR] [--no-execute]`: notebooks to self-contained reports.
import { spawnSync } from 'node:child_process';
import { ROOT, VENV_PYTHON, jupyterEnv, runMain, setup } from './setup.mjs';

runMain(() => {
  setup();
  const result = spawnSync(VENV_PYTHON, ['-m', 'distlab_jupyterlab.report', ...process.argv.slice(2)], {
    cwd: process.env.INIT_CWD ?? ROOT,
    env: jupyterEnv(),
    stdio: 'inherit'
  });
  return result.status ?? 1;
});
