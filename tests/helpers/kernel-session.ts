// Cells run one after another in one real tslab kernel, through kernel_session.py.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, VENV_PYTHON } from './paths';

export interface KernelMessage {
  t: number;
  type: string;
  content: { name?: string; text?: string; ename?: string; evalue?: string; data?: Record<string, unknown>; transient?: { display_id?: string } };
}
export interface StepResult {
  messages: KernelMessage[];
  interruptAtS: number | null;
  idleAtS: number | null;
  status: string | null;
}
export interface Step {
  code: string;
  /** Interrupt the kernel once this text has been output (or after interruptAfterS). */
  interruptOnText?: string;
  interruptAfterS?: number;
  timeoutS?: number;
}

/** Run steps through one real tslab kernel (cwd inside the project, so `distlab` resolves). */
export function kernelSession(steps: Step[], timeoutMs = 600_000): StepResult[] {
  const base = join(ROOT, '.distlab');
  mkdirSync(base, { recursive: true });
  const cwd = mkdtempSync(join(base, '.kernel-'));
  try {
    const out = join(cwd, 'steps.json');
    execFileSync(VENV_PYTHON, [join(ROOT, 'tests', 'helpers', 'kernel_session.py'), cwd, out], {
      input: JSON.stringify(steps),
      stdio: ['pipe', 'inherit', 'inherit'],
      timeout: timeoutMs
    });
    return (JSON.parse(readFileSync(out, 'utf8')) as { steps: StepResult[] }).steps;
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}

/** What a step printed on one stream. */
export const streamText = (step: StepResult, name: 'stdout' | 'stderr'): string =>
  step.messages.filter((m) => m.type === 'stream' && m.content.name === name).map((m) => m.content.text ?? '').join('');
