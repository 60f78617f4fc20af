// Live etcd: where the etcd server binary is, which version it is, and what to do without it.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

/** The etcd that set-up pins (Debian bookworm's etcd-server, unpacked into .venv/etcd). */
export const ETCD_PINNED_VERSION = '3.4.23';

/** Where the etcd server was found, and what it says it is. */
export interface EtcdInstallation {
  /** Absolute path of the etcd binary. */
  path: string;
  /** What `etcd --version` printed as its version, e.g. `3.4.23`. */
  version: string;
  /** How it was found: the DISTLAB_ETCD variable, the project's .venv, or PATH. */
  source: 'DISTLAB_ETCD' | '.venv' | 'PATH';
  /** A known defect of this version that matters in a lab that kills members, or null. */
  warning: string | null;
}

/** Raised when a real-cluster cell runs without etcd; its message says how to get it. */
export class EtcdMissingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EtcdMissingError';
    // The message is the whole story (what to run); a stack of distlab's frames would bury it.
    this.stack = `${this.name}: ${message}`;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `${this.name}: ${this.message}`;
  }
}

/** The words a cell prints without etcd: exactly how to get it, and that the simulation still runs. */
export const ETCD_MISSING_MESSAGE =
  `etcd is not installed, so the real-cluster cells cannot run (the simulated ones still do).\n` +
  `Get it with the project's set-up, from the project folder: npm run setup\n` +
  `(it unpacks Debian's etcd-server ${ETCD_PINNED_VERSION} into .venv/etcd, no root needed; then restart the kernel).\n` +
  `Not on Debian 12? Point DISTLAB_ETCD at an etcd 3.4.22+ or 3.5.3+ server binary before starting JupyterLab.`;

function versionOf(binary: string): string | null {
  const probe = spawnSync(binary, ['--version'], { encoding: 'utf8', timeout: 10_000 });
  if (probe.status !== 0) return null;
  const match = /etcd Version:\s*(\S+)/.exec(probe.stdout ?? '');
  return match ? match[1] : null;
}

/** etcd 3.5.0–3.5.2 may lose applied writes on a member killed under load (etcd issue 13766). */
export function knownDefect(version: string): string | null {
  const m = /^(\d+)\.(\d+)\.(\d+)/.exec(version);
  if (!m) return null;
  const [major, minor, patch] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (major === 3 && minor === 5 && patch <= 2) {
    return `etcd ${version}: a member killed under load may come back without some committed writes (etcd issue 13766, fixed in 3.5.3); use 3.4.22+ or 3.5.3+ for kill experiments`;
  }
  if (major === 3 && minor < 4) return `etcd ${version} is older than the 3.4 the lab is written for`;
  return null;
}

function venvCandidates(): string[] {
  // From kernel-lib/{src,dist}/live/etcd up to the project folder, and from the working directory up.
  const found: string[] = [];
  for (const start of [__dirname, process.cwd()]) {
    let dir = path.resolve(start);
    for (let i = 0; i < 8; i++) {
      found.push(path.join(dir, '.venv', 'etcd', 'usr', 'bin', 'etcd'));
      const parent = path.dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  return found;
}

/** Find etcd: DISTLAB_ETCD, else the project's .venv/etcd, else `etcd` on PATH; null if none runs. */
export function findEtcd(): EtcdInstallation | null {
  const fromEnv = process.env.DISTLAB_ETCD;
  const tries: { path: string; source: EtcdInstallation['source'] }[] = [];
  if (fromEnv) {
    // Named on purpose: that binary or none, so a wrong path is not hidden by another etcd.
    const version = fs.existsSync(fromEnv) ? versionOf(path.resolve(fromEnv)) : null;
    return version === null ? null : { path: path.resolve(fromEnv), version, source: 'DISTLAB_ETCD', warning: knownDefect(version) };
  }
  for (const candidate of venvCandidates()) tries.push({ path: candidate, source: '.venv' });
  for (const dir of (process.env.PATH ?? '').split(path.delimiter).filter(Boolean)) tries.push({ path: path.join(dir, 'etcd'), source: 'PATH' });
  for (const t of tries) {
    if (!fs.existsSync(t.path)) continue;
    const version = versionOf(t.path);
    if (version !== null) return { path: t.path, version, source: t.source, warning: knownDefect(version) };
  }
  return null;
}

/** The installation, or an EtcdMissingError whose message says how to get etcd. */
export function requireEtcd(): EtcdInstallation {
  const found = findEtcd();
  if (found === null) {
    const named = process.env.DISTLAB_ETCD;
    throw new EtcdMissingError(named ? `DISTLAB_ETCD=${named} is not an etcd server that runs (etcd --version failed).\n${ETCD_MISSING_MESSAGE}` : ETCD_MISSING_MESSAGE);
  }
  return found;
}
