// `npm run report -- <notebook…|glob> [--out DIR] [--no-execute] [--hide-code] [--name NAME]`:
// notebooks to self-contained HTML and PDF reports (see extension/distlab_jupyterlab/report.py).
import { spawnSync } from 'node:child_process';
import { ROOT, SetupError, VENV_PYTHON, ensureChromium, jupyterEnv, runMain, setup } from './setup.mjs';

runMain(() => {
  setup();
  const args = process.argv.slice(2);
  if (!args.includes('--no-pdf')) {
    try {
      ensureChromium();
    } catch (error) {
      if (!(error instanceof SetupError)) throw error;
      process.stderr.write(`[distlab] PDF reports need Debian's chromium and it could not be installed:\n${error.message}\n[distlab] writing HTML only.\n`);
      args.push('--no-pdf');
    }
  }
  // npm runs scripts from the project root; INIT_CWD is where the user typed the command.
  const result = spawnSync(VENV_PYTHON, ['-m', 'distlab_jupyterlab.report', ...args], {
    cwd: process.env.INIT_CWD ?? ROOT,
    env: jupyterEnv(),
    stdio: 'inherit'
  });
  return result.status ?? 1;
});
