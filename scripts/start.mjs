// `npm start`: set up what is missing, then open JupyterLab on the course notebooks.
// Extra arguments pass through to JupyterLab: `npm start -- --no-browser --port 8899`.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { ROOT, VENV_BIN, jupyterEnv, runMain, setup } from './setup.mjs';

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
  // Jupyter refuses to run as root without this flag; containers and CI often are root.
  const rootFlag = process.getuid?.() === 0 ? ['--allow-root'] : [];
  const lab = spawn(join(VENV_BIN, 'jupyter'), ['lab', `--ServerApp.root_dir=${join(ROOT, 'notebooks')}`, '--ServerApp.ip=localhost', ...rootFlag, ...args], {
    cwd: ROOT,
    env: jupyterEnv(),
    stdio: 'inherit'
  });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => lab.kill(signal));
  return new Promise((resolveExit) => lab.on('exit', (code) => resolveExit(code ?? 0)));
}

runMain(main);
