// `npm run bench [-- --quick]`: the engine against SimPy, the report export of the module 5.1
// notebook against plain nbconvert, the experiment loop (a control change to the figure drawn,
// in a real lab in Chromium), and a real etcd cluster against the simulation (scripts/bench_etcd.mjs). Progress goes to stderr; the LAST line of stdout is one JSON object
// with every figure.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, VENV_PYTHON, ensureChromium, jupyterEnv, runMain, setup } from './setup.mjs';

/** The commit of kernel-lib before its layout change into engine/, world/, simulation/. */
const ENGINE_BEFORE_LAYOUT = '1b5286b';
const MODULE_NOTEBOOK = join(ROOT, 'notebooks', '5.1-what-makes-systems-distributed.ipynb');

/** Run a benchmark that prints progress then a JSON last line; returns the parsed JSON. */
function runPart(name, command, args) {
  const result = spawnSync(command, args, { cwd: ROOT, env: jupyterEnv({ DISTLAB_PYTHON: VENV_PYTHON }), encoding: 'utf8', maxBuffer: 64 << 20 });
  const lines = (result.stdout ?? '').trim().split('\n');
  for (const line of lines.slice(0, -1)) process.stderr.write(`${line}\n`);
  if (result.status !== 0) return { error: `${name} failed (exit ${result.status}): ${(result.stderr ?? '').trim().split('\n').slice(-3).join(' ')}` };
  try {
    return JSON.parse(lines.at(-1));
  } catch {
    return { error: `${name} printed no JSON last line` };
  }
}

runMain(() => {
  setup();
  ensureChromium();
  const quick = process.argv.includes('--quick');
  // The engine against its build before the layout change (issue 13): DISTLAB_BENCH_AGAINST=<commit>, or '' for none.
  const against = process.env.DISTLAB_BENCH_AGAINST ?? ENGINE_BEFORE_LAYOUT;
  const engine = runPart('engine', process.execPath, [join(ROOT, 'kernel-lib', 'bench', 'run.mjs'), ...(quick ? ['--quick'] : []), ...(against ? ['--against', against] : [])]);
  const report = existsSync(MODULE_NOTEBOOK)
    ? runPart('report', VENV_PYTHON, [join(ROOT, 'scripts', 'bench_report.py'), MODULE_NOTEBOOK])
    : { error: `missing ${MODULE_NOTEBOOK}` };
  const experimentLoop = existsSync(MODULE_NOTEBOOK)
    ? runPart('experimentLoop', process.execPath, [join(ROOT, 'scripts', 'bench_experiment_loop.mjs'), ...(quick ? ['--quick'] : [])])
    : { error: `missing ${MODULE_NOTEBOOK}` };
  const etcd = runPart('etcd', process.execPath, [join(ROOT, 'scripts', 'bench_etcd.mjs'), ...(quick ? ['--quick'] : [])]);
  process.stdout.write(`${JSON.stringify({ engine, report, experimentLoop, etcd })}\n`);
  return engine.error || report.error || experimentLoop.error || etcd.error ? 1 : 0;
});
