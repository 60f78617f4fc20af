// `npm test`: set up what is missing (Chromium included), then run every test:
// unit tests, notebooks through the real kernel, JupyterLab in Chromium, reports.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT, jupyterEnv, runMain, setup } from './setup.mjs';

runMain(() => {
  const started = process.hrtime.bigint();
  setup({ browser: true });
  const vitest = join(ROOT, 'node_modules', 'vitest', 'vitest.mjs');
  const result = spawnSync(process.execPath, [vitest, 'run', ...process.argv.slice(2)], {
    cwd: ROOT,
    env: jupyterEnv(),
    stdio: 'inherit'
  });
  const seconds = (Number(process.hrtime.bigint() - started) / 1e9).toFixed(0);
  const ok = result.status === 0;
  process.stdout.write(`\n[distlab] npm test: ${ok ? 'all tests passed' : 'FAILED'} in ${seconds} s (screenshots and reports in test-artifacts/)\n`);
  return ok ? 0 : 1;
});
