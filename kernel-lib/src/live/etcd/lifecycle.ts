// Live etcd: every etcd process this kernel started, so none outlives it (exit, signals, parent death).
import { spawnSync, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import { listenForSigint } from '../../core/sigint';

const RUNNING = new Set<ChildProcess>();
const CLOSERS = new Set<() => void>();
let installed = false;
let setprivPath: string | null | undefined;

/**
 * util-linux's setpriv, if present: `setpriv --pdeathsig KILL etcd …` makes the kernel SIGKILL
 * the member when the process that started it dies, even by SIGKILL, where no handler runs.
 */
export function setpriv(): string | null {
  if (setprivPath !== undefined) return setprivPath;
  setprivPath = null;
  for (const candidate of ['/usr/bin/setpriv', '/bin/setpriv']) {
    if (fs.existsSync(candidate) && spawnSync(candidate, ['--pdeathsig', 'KILL', 'true']).status === 0) {
      setprivPath = candidate;
      break;
    }
  }
  return setprivPath;
}

function killAll(): void {
  for (const close of CLOSERS) {
    try {
      close();
    } catch {
      // best effort while exiting
    }
  }
  for (const child of RUNNING) {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
}

function onSignal(signal: NodeJS.Signals, code: number): void {
  const listener = () => {
    // tslab's own SIGINT handler interrupts the cell: the experiments listen for that (see
    // `onInterrupt`); here only a process with no other handler (a script, a test) exits.
    if (signal === 'SIGINT' && process.listenerCount('SIGINT') > 1) {
      for (const f of INTERRUPT_LISTENERS) f();
      return;
    }
    killAll();
    if (process.listenerCount(signal) === 1) process.exit(code);
  };
  if (signal === 'SIGINT') listenForSigint(listener);
  else process.on(signal, listener);
}

const INTERRUPT_LISTENERS = new Set<() => void>();

/** Run `f` when the kernel is interrupted (tslab's SIGINT); returns the unsubscribe. */
export function onInterrupt(f: () => void): () => void {
  install();
  INTERRUPT_LISTENERS.add(f);
  return () => INTERRUPT_LISTENERS.delete(f);
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', killAll);
  onSignal('SIGINT', 130);
  onSignal('SIGTERM', 143);
  onSignal('SIGHUP', 129);
}

/** Track a started member until it exits. */
export function track(child: ChildProcess): void {
  install();
  RUNNING.add(child);
  child.once('exit', () => RUNNING.delete(child));
}

/** A synchronous clean-up (remove a data folder) to run if the process exits with the cluster open. */
export function onExit(close: () => void): () => void {
  install();
  CLOSERS.add(close);
  return () => CLOSERS.delete(close);
}

/** How many etcd processes this process started that are still running. */
export function runningEtcdProcesses(): number {
  return RUNNING.size;
}
