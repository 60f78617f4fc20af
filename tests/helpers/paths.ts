import { join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '..', '..');
export const VENV_BIN = join(ROOT, '.venv', 'bin');
export const VENV_PYTHON = join(VENV_BIN, 'python');
export const NOTEBOOKS = join(ROOT, 'notebooks');
export const ARTIFACTS = join(ROOT, 'test-artifacts');
export const CHROMIUM = process.env.DISTLAB_CHROMIUM ?? '/usr/bin/chromium';
