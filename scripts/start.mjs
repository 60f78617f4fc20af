// `npm start`: set up what is missing, then open JupyterLab on the course notebooks.
// Extra arguments pass through to JupyterLab: `npm start -- --no-browser --port 8899`.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROOT, VENV_BIN, jupyterEnv, runMain, setup } from './setup.mjs';

/** The notebook the lab opens first, relative to notebooks/. */
export const START_NOTEBOOK = '00-start-here.ipynb';

/** The value the learner gives an option (`--name=value` or `--name value`), or undefined. */
function optionValue(args, pattern) {
  for (let i = 0; i < args.length; i += 1) {
    const match = pattern.exec(args[i]);
    if (match) return args[i].includes('=') ? args[i].slice(args[i].indexOf('=') + 1) : args[i + 1];
  }
  return undefined;
}

const ROOT_DIR_OPTION = /^--(?:ServerApp\.root[-_]dir|notebook-dir)(?:=|$)/;

/**
 * The arguments `npm start` gives `jupyter`. The default URL (the one JupyterLab prints, opens
 * in the browser and redirects / to) is the start notebook, so a first visit lands there and not
 * on the Launcher; a saved layout is restored around it. The learner's own arguments come last;
 * one that sets the same option as a default here replaces that default (Jupyter refuses an
 * option given twice), e.g. `npm start -- --ip 0.0.0.0` or `--LabApp.default_url=/lab`. A folder
 * of their own without the start notebook opens on JupyterLab's usual page.
 */
export function labArgs(userArgs = [], { root = ROOT, asRoot = process.getuid?.() === 0 } = {}) {
  const ownRoot = optionValue(userArgs, ROOT_DIR_OPTION);
  const startHere = ownRoot === undefined || existsSync(resolve(ownRoot, START_NOTEBOOK));
  const defaults = [
    { arg: `--ServerApp.root_dir=${join(root, 'notebooks')}`, setBy: ROOT_DIR_OPTION },
    { arg: '--ServerApp.ip=localhost', setBy: /^--(?:ServerApp\.)?ip(?:=|$)/ },
    ...(startHere ? [{ arg: `--LabApp.default_url=/lab/tree/${START_NOTEBOOK}`, setBy: /^--(?:LabApp|ServerApp)\.default[-_]url(?:=|$)/ }] : []),
    // Jupyter refuses to run as root without this flag; containers and CI often are root.
    ...(asRoot ? [{ arg: '--allow-root', setBy: /^--(?:ServerApp\.)?allow[-_]root(?:=|$)/ }] : [])
  ];
  const kept = defaults.filter((d) => !userArgs.some((a) => d.setBy.test(a))).map((d) => d.arg);
  return ['lab', ...kept, ...userArgs];
}

function portFromArgs(args) {
  for (let i = 0; i < args.length; i += 1) {
    const match = /^--(?:ServerApp\.)?port(?:=(\d+))?$/.exec(args[i]);
    if (match) return Number(match[1] ?? args[i + 1]);
  }
  return 8888;
}

function portIsFree(port) {
  return new Promise((resolvePort) => {
    const server = createServer();
    server.once('error', () => resolvePort(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolvePort(true)));
  });
}

async function main() {
  setup();
  const args = process.argv.slice(2);
  const port = portFromArgs(args);
  if (!(await portIsFree(port))) {
    process.stderr.write(`[distlab] port ${port} is busy; JupyterLab will take the next free port (see the URL below). Choose one with: npm start -- --port <port>\n`);
  }
  const lab = spawn(join(VENV_BIN, 'jupyter'), labArgs(args), {
    cwd: ROOT,
    env: jupyterEnv(),
    stdio: 'inherit'
  });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => lab.kill(signal));
  return new Promise((resolveExit) => lab.on('exit', (code) => resolveExit(code ?? 0)));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) runMain(main);
