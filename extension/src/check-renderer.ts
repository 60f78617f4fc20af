import { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { Widget } from '@lumino/widgets';
import type { CheckMimeType, CheckResultV1 } from 'distlab/dist/exercises/check-result-mime';
import { sha256Hex } from './answers/sha256';
import { ProgressStore } from './progress-client';

/** Must equal distlab's MIME_CHECK; the shared type makes a typo a compile error. */
export const MIME_CHECK: CheckMimeType = 'application/vnd.distlab.check.v1+json';

/**
 * Renders an exercise check (pass/fail, seed, message, counterexample diagram) and records
 * it in the learner's progress. The diagram is the bundle's own image/svg+xml, shown as an
 * <img>, so no script runs: safe on untrusted notebooks.
 */
export class CheckRenderer extends Widget implements IRenderMime.IRenderer {
  constructor(private readonly store: ProgressStore | null) {
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
    node.dataset.passed = String(result.passed);
    const head = document.createElement('div');
    head.className = 'jp-distlab-check-head';
    head.textContent = result.passed ? `✔ ${result.title}: passed` : `✘ ${result.title}: failed`;
    const facts = document.createElement('div');
    facts.className = 'jp-distlab-check-facts';
    facts.textContent = result.passed ? `${result.runs} seeded runs, every invariant held.` : `seed ${result.seed} · run ${result.runs} of the check · ${result.failure}`;
    const message = document.createElement('p');
    message.className = 'jp-distlab-check-message';
    message.textContent = result.message;
    node.append(head, facts, message);
    if (!result.passed && result.replay) {
      const replay = document.createElement('p');
      replay.className = 'jp-distlab-check-replay';
      replay.append('Replay this run: ');
      const code = document.createElement('code');
      code.textContent = result.replay;
      replay.append(code);
      node.append(replay);
    }
    if (!result.passed && typeof svg === 'string') {
      const figure = document.createElement('figure');
      figure.className = 'jp-distlab-diagram';
      const img = document.createElement('img');
      img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
      img.alt = `Space-time diagram of the counterexample: ${result.counterexample?.description ?? result.message}`;
      const caption = document.createElement('figcaption');
      caption.textContent = `Counterexample (seed ${result.seed}): ${result.counterexample?.description ?? ''}`;
      figure.append(img, caption);
      node.append(figure);
    }
    // One record per distinct result: re-rendering the same output (a reload) is not a new attempt.
    if (this.store !== null) {
      await this.store.send([{ id: `exercise:${result.exercise}`, type: 'exercise', correct: result.passed, seed: result.seed, result: sha256Hex(JSON.stringify(result)).slice(0, 16) }]);
    }
  }
}

export function checkRendererFactory(store: ProgressStore | null): IRenderMime.IRendererFactory {
  return {
    safe: true,
    mimeTypes: [MIME_CHECK],
    // Ahead of image/svg+xml and text/plain in the same bundle.
    defaultRank: 10,
    createRenderer: () => new CheckRenderer(store)
  };
}
