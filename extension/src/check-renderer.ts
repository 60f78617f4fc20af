import { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import type { KernelMessage } from '@jupyterlab/services';
import { Widget } from '@lumino/widgets';
import type { CheckMimeType, CheckResultV1 } from 'distlab/dist/exercises/check-result-mime';
import { sha256Hex } from './answers/sha256';
import { KernelRepliesWatcher } from './kernel-replies';
import type { ProgressEvent } from './progress-client';

/** Must equal distlab's MIME_CHECK; the shared type makes a typo a compile error. */
export const MIME_CHECK: CheckMimeType = 'application/vnd.distlab.check.v1+json';

const EXERCISE_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,110}$/;

/**
 * Renders an exercise check (pass/fail, seed, message, counterexample diagram). It only
 * displays: a saved output (an untrusted notebook, a reload) never changes progress; the
 * result of a check run from this page is recorded by LiveCheckRecorder, from the kernel's
 * reply. The diagram is the bundle's own image/svg+xml, shown as an <img>, so no script runs.
 */
export class CheckRenderer extends Widget implements IRenderMime.IRenderer {
  constructor() {
    super();
    this.addClass('jp-distlab-check-output');
  }

  async renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    const result = model.data[MIME_CHECK] as unknown as CheckResultV1;
    const svg = model.data['image/svg+xml'];
    const node = this.node;
    node.replaceChildren();
    if (typeof result !== 'object' || result === null || result.version !== 1) {
      node.textContent = `Unsupported distlab check output (expected version 1): ${JSON.stringify(result)?.slice(0, 200)}`;
      return;
    }
    const text = (value: unknown) => (typeof value === 'string' || typeof value === 'number' ? String(value) : '');
    node.dataset.passed = String(result.passed === true);
    const starter = result.passed !== true && result.starter === true;
    node.dataset.starter = String(starter);
    const head = document.createElement('div');
    head.className = 'jp-distlab-check-head';
    head.textContent = result.passed === true ? `✔ ${text(result.title)}: passed` : starter ? `${text(result.title)}: starter code, not counted` : `✘ ${text(result.title)}: failed`;
    const facts = document.createElement('div');
    facts.className = 'jp-distlab-check-facts';
    facts.textContent = result.passed === true ? `${text(result.runs)} seeded runs, every invariant held.` : `seed ${text(result.seed)} · run ${text(result.runs)} of the check · ${text(result.failure)}`;
    const message = document.createElement('p');
    message.className = 'jp-distlab-check-message';
    message.textContent = text(result.message);
    node.append(head, facts, message);
    if (starter) {
      const next = document.createElement('p');
      next.className = 'jp-distlab-check-next';
      next.textContent = 'This is the deliberately wrong first try, and it is not an attempt. Read the counterexample below, change the function, then run the cell again: that run is checked and recorded.';
      node.append(next);
    }
    if (result.passed !== true && result.replay) {
      const replay = document.createElement('p');
      replay.className = 'jp-distlab-check-replay';
      replay.append('Replay this run: ');
      const code = document.createElement('code');
      code.textContent = text(result.replay);
      replay.append(code);
      node.append(replay);
    }
    if (result.passed !== true && typeof svg === 'string') {
      const figure = document.createElement('figure');
      figure.className = 'jp-distlab-diagram';
      const img = document.createElement('img');
      img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
      img.alt = `Space-time diagram of the counterexample: ${text(result.counterexample?.description) || text(result.message)}`;
      const caption = document.createElement('figcaption');
      caption.textContent = `Counterexample (seed ${text(result.seed)}): ${text(result.counterexample?.description)}`;
      figure.append(img, caption);
      node.append(figure);
    }
  }
}

export function checkRendererFactory(): IRenderMime.IRendererFactory {
  return {
    safe: true,
    mimeTypes: [MIME_CHECK],
    // Ahead of image/svg+xml and text/plain in the same bundle.
    defaultRank: 10,
    createRenderer: () => new CheckRenderer()
  };
}

/**
 * The progress event for one kernel message, or null. Only an output (display_data,
 * execute_result, update_display_data) carrying a distlab check, in reply to a request this
 * page sent (`sentHere(parent msg_id)`), counts; every field is checked, and the stored result
 * is a short digest of the whole result (the same result sent again is not a new attempt).
 */
export function liveCheckEvent(msg: KernelMessage.IMessage, sentHere: (msgId: string) => boolean): ProgressEvent | null {
  const type = msg.header?.msg_type;
  if (msg.channel !== 'iopub' || (type !== 'display_data' && type !== 'execute_result' && type !== 'update_display_data')) return null;
  const parent = (msg.parent_header as Partial<KernelMessage.IHeader> | undefined)?.msg_id;
  if (typeof parent !== 'string' || !sentHere(parent)) return null;
  const data = (msg.content as { data?: Record<string, unknown> }).data;
  const result = data?.[MIME_CHECK] as Partial<CheckResultV1> | undefined;
  if (typeof result !== 'object' || result === null || result.version !== 1) return null;
  if (typeof result.exercise !== 'string' || !EXERCISE_ID.test(result.exercise) || typeof result.passed !== 'boolean') return null;
  // The notebook's starter code, run as handed out: shown, not an attempt.
  if (result.passed === false && result.starter === true) return null;
  const seed = typeof result.seed === 'number' && Number.isSafeInteger(result.seed) ? result.seed : null;
  return { id: `exercise:${result.exercise}`, type: 'exercise', correct: result.passed, seed, result: sha256Hex(JSON.stringify(result)).slice(0, 16) };
}

/** The distlab check among a cell's outputs (the last one), or null: what a run of an exercise cell gave. */
export function checkResultIn(outputs: { readonly length: number; get(index: number): { data: Record<string, unknown> } }): Partial<CheckResultV1> | null {
  for (let i = outputs.length - 1; i >= 0; i--) {
    const result = outputs.get(i).data[MIME_CHECK] as Partial<CheckResultV1> | undefined;
    if (typeof result === 'object' && result !== null && result.version === 1) return result;
  }
  return null;
}

/**
 * Records exercise checks as they arrive from the kernel in reply to execute requests this
 * page sent: the learner ran the check here. Another tab's run, a saved output, a reload or a
 * notebook from someone else never records anything through this page.
 */
export class LiveCheckRecorder extends KernelRepliesWatcher {
  constructor(record: (event: ProgressEvent) => void) {
    super((msg, sentHere) => {
      const event = liveCheckEvent(msg, sentHere);
      if (event) record(event);
    });
  }
}
