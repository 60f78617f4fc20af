import { join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '..', '..');
export const VENV_BIN = join(ROOT, '.venv', 'bin');
export const VENV_PYTHON = join(VENV_BIN, 'python');
export const NOTEBOOKS = join(ROOT, 'notebooks');
export const ARTIFACTS = join(ROOT, 'test-artifacts');
export const CHROMIUM = process.env.DISTLAB_CHROMIUM ?? '/usr/bin/chromium';
/**
 * Where `DISTLAB_ETCD` points for a run without etcd: the real-etcd cells print how to get it and
 * their simulated halves still run. Tests of something else (reports, controls) run module 5.1
 * this way to spare its real clusters; the etcd tests and the full runs of the notebook keep them.
 */
export const NO_ETCD = join(ROOT, '.distlab', 'no-etcd-here');

