// Long Monte Carlo runs in steps, with a progress bar in the cell output that ends as the result.
import vm from 'vm';
import { table } from '../figures/table';
import { MonteCarloOptions, MonteCarloResult, MonteCarloRunner, TrialOutcome } from '../experiments/montecarlo';
import { invalid } from '../core/options';
import { HTML_NO_MATH_CLASS, MIME_HTML, MIME_TEXT } from '../core/mime';
import { findDisplayWriter } from './kernel';
import { listenForSigint } from '../core/sigint';

export interface MonteCarloAsyncOptions extends MonteCarloOptions {
  /** Show a progress bar (done, runs/s, time left) in the cell output, which ends as the result's table. Default true. */
  progress?: boolean;
}

/** Wall-clock time of one step between yields, where the bar is redrawn and an interrupt heard. */
const STEP_MS = 50;
/** The bar is redrawn at most this often. */
const REDRAW_MS = 250;

let displayCount = 0;

/** Seconds as a learner reads them: `42 s`, `3 min 20 s`, `1 h 05 min`. */
function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '…';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}

const count = (n: number) => Math.round(n).toLocaleString('en-US');

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The bar's text: `[#####-----]  50%  500,000 / 1,000,000 runs  20,000 runs/s  25 s left`. */
function barText(done: number, total: number, elapsedS: number): string {
  const width = 30;
  const filled = Math.floor((width * done) / total);
  const rate = elapsedS > 0 && done > 0 ? done / elapsedS : NaN;
  const left = rate > 0 ? (total - done) / rate : Infinity;
  const percent = Math.floor((100 * done) / total);
  return (
    `Monte Carlo [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(percent).padStart(3)}%  ` +
    `${count(done)} / ${count(total)} runs  ${Number.isFinite(rate) ? count(rate) : '…'} runs/s  ${duration(left)} left`
  );
}

/**
 * The bar as one display output with a `display_id`, updated in place (`update_display_data`).
 * Each update goes out from its own turn of the event loop: tslab sends without waiting, and
 * zeromq refuses a second send while a deferred one is pending.
 */
class ProgressBar {
  private readonly displayId = `distlab-progress-${process.pid}-${++displayCount}`;
  private readonly startedNs = process.hrtime.bigint();
  private lastDrawNs = -Infinity;
  private shown = false;
  private broken = false;
  /** The writer of the cell that started the run (a later cell has its own). */
  private readonly writer = findDisplayWriter();

  constructor(private readonly total: number) {}

  elapsedS(): number {
    return Number(process.hrtime.bigint() - this.startedNs) / 1e9;
  }

  draw(done: number, force = false): void {
    const nowNs = Number(process.hrtime.bigint() - this.startedNs);
    if (!force && nowNs - this.lastDrawNs < REDRAW_MS * 1e6) return;
    this.lastDrawNs = nowNs;
    const text = barText(done, this.total, nowNs / 1e9);
    const html =
      `<div class="distlab-progress ${HTML_NO_MATH_CLASS}"><progress value="${done}" max="${this.total}" style="width: 20em"></progress> ` +
      `<code>${escapeHtml(text.replace(/^Monte Carlo \[[#-]*\] /, ''))}</code></div>`;
    this.send({ [MIME_HTML]: html, [MIME_TEXT]: text });
  }

  /** Replace the bar by its last state: the result, or where it stopped. */
  finish(data: Record<string, unknown>): void {
    this.send(data);
  }

  private send(data: Record<string, unknown>): void {
    const writer = this.writer;
    if (this.broken || writer === null) return;
    try {
      writer({ data, metadata: {}, transient: { display_id: this.displayId } }, this.shown);
      this.shown = true;
    } catch (error) {
      // The bar is a courtesy: if the kernel cannot send it, the run goes on without it.
      this.broken = true;
      process.stderr.write(`distlab: progress bar stopped: ${(error as Error).message}\n`);
    }
  }
}

/** Yield to the event loop for one full turn (timers, I/O, immediates), so queued sends go out. */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

// How a step hears an interrupt. Node's breakOnSigint swaps the process's SIGINT handler on the way
// in and out of each call, and a signal that lands during a swap kills the process or is lost
// (about 1 interrupt in 8 with 5 ms steps). So a step runs under vm's `timeout` watchdog, which
// touches no signal handler: an interrupt waits in the event loop for the step's end, at most
// WATCHED_STEP_MS away. A step that outlives the watchdog is stopped, what it made is kept, and
// the run it was in is made again from its start under breakOnSigint, which stops even a run that
// never returns; steps stay there while runs are slow, where the swaps are rare.
const STEP_KEY = Symbol.for('distlab.monteCarloStep');
const stepScript = new vm.Script(`globalThis[Symbol.for('distlab.monteCarloStep')]()`, { filename: 'distlab-monte-carlo-step' });
/** The watchdog of a step: an interrupt is heard within about this long. */
const WATCHED_STEP_MS = 150;

/** Run `step`; false when the watchdog stopped it. */
function runStep(step: () => void, breakOnSigint: boolean): boolean {
  const global = globalThis as unknown as Record<symbol, unknown>;
  global[STEP_KEY] = step;
  try {
    stepScript.runInThisContext(breakOnSigint ? { breakOnSigint: true } : { timeout: WATCHED_STEP_MS });
    return true;
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') return false;
    throw error;
  } finally {
    delete global[STEP_KEY];
  }
}

/** The error of an interrupted run: where it stopped, and the seed it was on. */
export class MonteCarloInterrupted extends Error {
  constructor(readonly runsDone: number, readonly runsTotal: number, readonly seed: number) {
    super(`Monte Carlo interrupted after ${count(runsDone)} of ${count(runsTotal)} runs (seed=${seed})`);
    this.name = 'MonteCarloInterrupted';
  }
}

/**
 * `monteCarlo` for long runs: the same options and result, run in steps of about 50 ms between
 * which the kernel sends output and hears an interrupt. In a kernel a progress bar (done, runs/s,
 * time left) updates in place in the cell output and ends as the result's table. Await it in a
 * cell: `const result = await dl.monteCarloAsync({ ... })`. Interrupting the kernel stops it
 * within 0.15 s, even in a run that never returns, and rejects with `MonteCarloInterrupted`.
 * A run that takes longer than 0.15 s is stopped once and made again from its start.
 */
export async function monteCarloAsync(options: MonteCarloAsyncOptions): Promise<MonteCarloResult> {
  const runner = new MonteCarloRunner(options, 'monteCarloAsync', ['progress']);
  const progress = options.progress ?? true;
  if (typeof progress !== 'boolean') invalid('progress', progress, 'true or false');
  const bar = progress ? new ProgressBar(runner.runsTotal) : null;
  let interrupted = false;
  const onSigint = () => {
    interrupted = true;
  };
  const stopListening = listenForSigint(onSigint);
  try {
    bar?.draw(0, true);
    let runsPerStep = 1;
    let breakOnSigint = false;
    const outcomes: TrialOutcome[] = [];
    for (;;) {
      await nextTurn();
      if (interrupted) throw new MonteCarloInterrupted(runner.runsDone, runner.runsTotal, runner.currentSeed);
      const startedNs = process.hrtime.bigint();
      outcomes.length = 0;
      let finished: boolean;
      try {
        finished = runStep(() => runner.collect(runsPerStep, outcomes), breakOnSigint);
      } finally {
        runner.record(outcomes);
      }
      const stepMs = Number(process.hrtime.bigint() - startedNs) / 1e6;
      if (runner.done) break;
      bar?.draw(runner.runsDone);
      if (!finished) {
        breakOnSigint = true;
        runsPerStep = 1;
        continue;
      }
      const made = outcomes.length;
      // Back under the watchdog once a run takes well under its limit.
      if (breakOnSigint && stepMs / made < WATCHED_STEP_MS / 4) breakOnSigint = false;
      // Size the next step from this one's rate: about STEP_MS of work, at most 4× more runs.
      runsPerStep = Math.max(1, Math.min(4 * runsPerStep, Math.floor((made * STEP_MS) / Math.max(stepMs, 0.01))));
    }
  } catch (caught) {
    // breakOnSigint stops a step with its own error: report it as the interrupt it is.
    const error =
      (caught as { code?: string }).code === 'ERR_SCRIPT_EXECUTION_INTERRUPTED'
        ? new MonteCarloInterrupted(runner.runsDone, runner.runsTotal, runner.currentSeed)
        : caught;
    // An interrupt's message says where it stopped already; the kernel's own interrupt error may be what the cell shows.
    const stopped =
      error instanceof MonteCarloInterrupted
        ? error.message
        : `Monte Carlo stopped after ${count(runner.runsDone)} of ${count(runner.runsTotal)} runs (seed=${runner.currentSeed}): ${(error as Error).message}`;
    bar?.finish({ [MIME_TEXT]: stopped });
    if (bar) await nextTurn();
    throw error;
  } finally {
    stopListening();
  }
  const result = runner.result();
  if (bar) {
    const elapsedS = bar.elapsedS();
    const rate = elapsedS > 0 ? result.runs / elapsedS : NaN;
    const caption = `${count(result.runs)} runs in ${duration(elapsedS)}${Number.isFinite(rate) ? ` (${count(rate)} runs/s)` : ''}`;
    bar.finish(resultTable(result, caption).toMimeBundle().data);
    // One more turn, so the last update is sent before the cell's own output and its idle status.
    await nextTurn();
  }
  return result;
}

/** The result as a table: one row per grid point and metric. */
function resultTable(result: MonteCarloResult, caption: string) {
  const paramKeys = result.rows.length > 0 ? Object.keys(result.rows[0].params) : [];
  const rows = result.rows.map((r) => {
    const row: Record<string, string | number | boolean> = {};
    for (const k of paramKeys) row[k] = typeof r.params[k] === 'object' ? JSON.stringify(r.params[k]) : r.params[k];
    row.metric = r.metric;
    row.n = r.n;
    row.mean = r.mean;
    row.ci = `${round(r.ciLow)} .. ${round(r.ciHigh)}`;
    if (r.kind === 'number') {
      row.p50 = r.p50;
      row.p99 = r.p99;
    }
    return row;
  });
  const columns = [...paramKeys, 'metric', 'n', 'mean', 'ci', ...(result.rows.some((r) => r.kind === 'number') ? ['p50', 'p99'] : [])];
  const confidence = result.rows[0]?.confidence ?? 0.95;
  return table(rows, { columns, headers: { ci: `${Math.round(confidence * 100)}% interval` }, title: 'Monte Carlo', caption, rowsMax: 50 });
}

function round(x: number): string {
  return Number.isFinite(x) ? String(Number(x.toPrecision(4))) : String(x);
}
