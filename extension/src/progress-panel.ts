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
const STATE_MARK: Record<QuestionState, string> = { unanswered: '○', correct: '✔', incorrect: '✘', hinted: '?', revealed: '👁', answered: '✎' };

type Listed = ModuleQuestions['questions'][number];

/** State, mark and label of one row; responses and checklists are listed but not scored. */
function rowOf(store: ProgressStore, module: ModuleQuestions, q: Listed): { state: QuestionState; mark: string; label: string } {
  if (q.kind === 'checklist') {
    const keyOf = (id: string) => {
      const named = module.questions.find((other) => other.id === id);
      return named ? progressKey(named) : id;
    };
    const ticks = checklistTicks(q.items ?? [], store.records[q.id]?.ticked ?? [], (id) => store.stateOf(keyOf(id)));
    const ticked = ticks.filter((t) => t.ticked).length;
    const state: QuestionState = ticked === ticks.length && ticked > 0 ? 'correct' : ticked > 0 ? 'answered' : 'unanswered';
    return { state, mark: ticked > 0 ? '☑' : '☐', label: `${ticked}/${ticks.length} ticked` };
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
        const { state, mark: markText, label: stateLabel } = rowOf(this.store, module, q);
        const li = document.createElement('li');
        li.dataset.questionId = q.id;
        li.dataset.kind = q.kind;
        li.dataset.state = state;
        const mark = document.createElement('span');
        mark.className = 'jp-distlab-mark';
        mark.setAttribute('aria-hidden', 'true');
        mark.textContent = markText;
        const label = document.createElement('button');
        label.className = 'jp-distlab-qtitle';
        label.textContent = q.title;
        label.title = `Go to this question in ${module.path}`;
        label.addEventListener('click', () => this.jump(module.path, q.id));
        const stateText = document.createElement('span');
        stateText.className = 'jp-distlab-qstate';
        stateText.textContent = stateLabel;
        li.append(mark, label, stateText);
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
