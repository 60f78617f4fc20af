import { Dialog, showDialog } from '@jupyterlab/apputils';
import { LabIcon } from '@jupyterlab/ui-components';
import { Widget } from '@lumino/widgets';
import { checklistTicks, isGraded } from './answers/responses';
import { ModuleQuestions, progressKey, ProgressNotice, ProgressStore, QuestionState } from './progress-client';

const STATE_LABEL: Record<QuestionState, string> = {
  unanswered: 'unanswered',
  correct: 'correct',
  incorrect: 'incorrect',
  hinted: 'hinted',
  revealed: 'answer shown',
  answered: 'answered'
};

/**
 * Marks are inline SVG (24x24 paths, coloured by the row's state through currentColor): a text
 * glyph depends on the fonts of the learner's machine, and an emoji without an emoji font is an
 * empty box (the eye of "answer shown" was one on Debian's Chromium).
 */
const svg = (path: string) => `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" width="16" height="16"><path fill="currentColor" d="${path}"/></svg>`;
const markIcon = (name: string, path: string) => new LabIcon({ name: `distlab:mark-${name}`, svgstr: svg(path) });
const STATE_MARK: Record<QuestionState | 'ticked' | 'unticked', LabIcon> = {
  unanswered: markIcon('unanswered', 'M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20zm0 18a8 8 0 1 1 0-16 8 8 0 0 1 0 16z'),
  correct: markIcon('correct', 'M9 16.2 4.8 12l-1.4 1.4L9 19 21 7l-1.4-1.4z'),
  incorrect: markIcon('incorrect', 'M19 6.41 17.59 5 12 10.59 6.41 5 5 6.41 10.59 12 5 17.59 6.41 19 12 13.41 17.59 19 19 17.59 13.41 12z'),
  hinted: markIcon(
    'hinted',
    'M11 18h2v-2h-2v2zm1-16a10 10 0 1 0 0 20 10 10 0 0 0 0-20zm0 18a8 8 0 1 1 0-16 8 8 0 0 1 0 16zm0-14a4 4 0 0 0-4 4h2a2 2 0 1 1 4 0c0 2-3 1.75-3 5h2c0-2.25 3-2.5 3-5a4 4 0 0 0-4-4z'
  ),
  revealed: markIcon(
    'revealed',
    'M12 4.5C7 4.5 2.73 7.61 1 12c1.73 4.39 6 7.5 11 7.5s9.27-3.11 11-7.5c-1.73-4.39-6-7.5-11-7.5zM12 17a5 5 0 1 1 0-10 5 5 0 0 1 0 10zm0-8a3 3 0 1 0 0 6 3 3 0 0 0 0-6z'
  ),
  answered: markIcon('answered', 'M3 17.25V21h3.75L17.81 9.94l-3.75-3.75L3 17.25zM20.71 7.04a1 1 0 0 0 0-1.41l-2.34-2.34a1 1 0 0 0-1.41 0l-1.83 1.83 3.75 3.75 1.83-1.83z'),
  ticked: markIcon('ticked', 'M19 3H5a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h14a2 2 0 0 0 2-2V5a2 2 0 0 0-2-2zm-9 14-5-5 1.41-1.41L10 14.17l7.59-7.59L19 8l-9 9z'),
  unticked: markIcon('unticked', 'M19 5v14H5V5h14m0-2H5a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h14a2 2 0 0 0 2-2V5a2 2 0 0 0-2-2z')
};
const resetIcon = markIcon('reset', 'M12 5V1L7 6l5 5V7a6 6 0 1 1-6 6H4a8 8 0 1 0 8-8z');

type Listed = ModuleQuestions['questions'][number];

/** State, mark and label of one row; responses and checklists are listed but not scored. */
function rowOf(store: ProgressStore, module: ModuleQuestions, q: Listed): { state: QuestionState; mark: LabIcon; label: string } {
  if (q.kind === 'checklist') {
    const keyOf = (id: string) => {
      const named = module.questions.find((other) => other.id === id);
      return named ? progressKey(named) : id;
    };
    const ticks = checklistTicks(q.items ?? [], store.records[q.id]?.ticked ?? [], (id) => store.stateOf(keyOf(id)));
    const ticked = ticks.filter((t) => t.ticked).length;
    const state: QuestionState = ticked === ticks.length && ticked > 0 ? 'correct' : ticked > 0 ? 'answered' : 'unanswered';
    return { state, mark: STATE_MARK[ticked > 0 ? 'ticked' : 'unticked'], label: `${ticked}/${ticks.length} ticked` };
  }
  const state = store.stateOf(progressKey(q));
  return { state, mark: STATE_MARK[state], label: q.kind === 'response' && state === 'unanswered' ? 'no response yet' : STATE_LABEL[state] };
}

/** Left-sidebar panel: every question of every module (found by the server), state and score. */
export class ProgressPanel extends Widget {
  private modules: ModuleQuestions[] = [];
  private loadError: string | null = null;

  constructor(
    private readonly store: ProgressStore,
    private readonly open: (path: string) => void,
    private readonly reset: () => void,
    /** Open the module and bring the question's cell into view. */
    private readonly jump: (path: string, questionId: string) => void = (path) => open(path)
  ) {
    super();
    this.id = 'distlab-progress';
    this.addClass('jp-distlab-progress');
    this.title.caption = 'Course progress';
    store.changed.connect(() => this.render());
  }

  async reload(): Promise<void> {
    try {
      this.modules = await this.store.modules();
      this.loadError = null;
    } catch (error) {
      this.loadError = (error as Error).message;
    }
    await this.store.refresh();
  }

  protected override onAfterShow(): void {
    void this.reload();
  }

  /** A recovered progress file: what happened, and the set-aside file's path to copy. */
  private noticeNode(notice: ProgressNotice): HTMLElement {
    const box = document.createElement('div');
    box.className = 'jp-distlab-panel-notice';
    box.setAttribute('role', 'alert');
    box.dataset.noticeId = notice.id;
    const title = document.createElement('strong');
    title.textContent = 'Your progress file was repaired';
    const message = document.createElement('p');
    message.textContent = notice.message;
    box.append(title, message);
    if (notice.damagedFile) {
      const where = document.createElement('p');
      where.append('Old file: ');
      const path = document.createElement('code');
      path.className = 'jp-distlab-damaged-path';
      path.textContent = notice.damagedFile;
      where.append(path);
      box.append(where);
    }
    const dismiss = document.createElement('button');
    dismiss.className = 'jp-mod-styled jp-distlab-notice-dismiss';
    dismiss.textContent = 'Dismiss';
    dismiss.title = 'Hide this message (the old file stays where it is)';
    dismiss.addEventListener('click', () => void this.store.dismissNotices());
    box.append(dismiss);
    return box;
  }

  /** Forget this one question (after a confirm); the panel and the question's widget follow the store. */
  private resetButton(q: Listed): HTMLButtonElement {
    const button = document.createElement('button');
    button.className = 'jp-distlab-qreset';
    button.title = `Reset "${q.title}": forget its answers and hints`;
    button.setAttribute('aria-label', button.title);
    resetIcon.element({ container: button });
    button.addEventListener('click', async () => {
      const answer = await showDialog({
        title: 'Reset this question?',
        body: `Your answers, hints and results for "${q.title}" are forgotten; the other questions stay as they are.`,
        buttons: [Dialog.cancelButton(), Dialog.warnButton({ label: 'Reset question' })]
      });
      if (answer.button.accept) await this.store.resetQuestion(progressKey(q));
    });
    return button;
  }

  private render(): void {
    const node = this.node;
    node.replaceChildren();
    const header = document.createElement('header');
    const h2 = document.createElement('h2');
    h2.textContent = 'Course progress';
    const all = this.modules.flatMap((m) => m.questions).filter(isGraded);
    const correct = all.filter((q) => this.store.stateOf(progressKey(q)) === 'correct').length;
    const total = document.createElement('div');
    total.className = 'jp-distlab-total';
    total.textContent = `${correct} / ${all.length} correct`;
    const resetButton = document.createElement('button');
    resetButton.className = 'jp-mod-styled jp-distlab-reset';
    resetButton.textContent = 'Reset progress…';
    resetButton.addEventListener('click', () => this.reset());
    header.append(h2, total, resetButton);
    node.append(header);
    for (const notice of this.store.notices) node.append(this.noticeNode(notice));
    for (const message of [this.loadError, this.store.error]) {
      if (message) {
        const p = document.createElement('p');
        p.className = 'jp-distlab-panel-error';
        p.setAttribute('role', 'alert');
        p.textContent = message;
        node.append(p);
      }
    }
    for (const module of this.modules) {
      const section = document.createElement('section');
      section.className = 'jp-distlab-module';
      section.dataset.path = module.path;
      const h3 = document.createElement('h3');
      const title = document.createElement('button');
      title.className = 'jp-distlab-module-title';
      title.textContent = module.title;
      title.title = `Open ${module.path}`;
      title.addEventListener('click', () => this.open(module.path));
      const graded = module.questions.filter(isGraded);
      const score = graded.filter((q) => this.store.stateOf(progressKey(q)) === 'correct').length;
      const scoreNode = document.createElement('span');
      scoreNode.className = 'jp-distlab-score';
      scoreNode.textContent = `${score}/${graded.length}`;
      scoreNode.title = 'Questions correct (free responses and checklists are not scored)';
      h3.append(title, scoreNode);
      const list = document.createElement('ul');
      for (const q of module.questions) {
        const { state, mark: icon, label: stateLabel } = rowOf(this.store, module, q);
        const li = document.createElement('li');
        li.dataset.questionId = q.id;
        li.dataset.kind = q.kind;
        li.dataset.state = state;
        const mark = icon.element({ tag: 'span', className: 'jp-distlab-mark' });
        mark.setAttribute('aria-hidden', 'true');
        const label = document.createElement('button');
        label.className = 'jp-distlab-qtitle';
        label.textContent = q.title;
        // The title may be cut to two lines; the tooltip always has all of it.
        label.title = `${q.title}\n(go to this question in ${module.path})`;
        label.addEventListener('click', () => this.jump(module.path, q.id));
        const stateText = document.createElement('span');
        stateText.className = 'jp-distlab-qstate';
        stateText.textContent = stateLabel;
        li.append(mark, label, stateText);
        if (this.store.records[progressKey(q)] !== undefined) li.append(this.resetButton(q));
        list.append(li);
      }
      section.append(h3, list);
      node.append(section);
    }
    if (this.modules.length === 0 && !this.loadError) {
      const p = document.createElement('p');
      p.textContent = 'No questions found in the notebooks under the lab root.';
      node.append(p);
    }
  }
}
