import type { Message } from '@lumino/messaging';
import { Widget } from '@lumino/widgets';
import type { CheckResultV1 } from 'distlab/dist/exercises/check-result-mime';
import { answerToStore, itemsOfPlaceholderTable, optionTextsOfList, storedAnswer } from './answers/answer-store';
import { checkResponse, openReveal } from './answers/matching';
import type { Question, Response } from './answers/question-types';
import { validateQuestionMetadata } from './answers/validate-metadata';
import { progressKey, ProgressEvent, ProgressStore, QuestionState } from './progress-client';
import { buildChecklist, buildResponse, KindView, QuestionLookup } from './response-widgets';

const STATE_TEXT: Record<QuestionState, string> = {
  unanswered: 'Not answered yet',
  correct: 'Correct',
  incorrect: 'Not yet right: try again',
  hinted: 'Hint taken',
  revealed: 'Answer shown',
  answered: 'Answered'
};

/** An attempt keeps the learner's answer, so a reload can show it. */
interface AttemptEvent extends ProgressEvent {
  answer?: Response;
}

/** Marks a markdown list that repeats the options the widget shows: hidden in the lab (CSS), kept in the notebook. */
export const OPTIONS_SHOWN_BY_WIDGET = 'jp-distlab-options-in-widget';

/** What a run of the exercise cell gave: its check result, or null (an error, no check). */
export type RunExercise = () => Promise<Partial<CheckResultV1> | null>;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> & { className?: string } = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  Object.assign(node, props);
  for (const child of children) node.append(child);
  return node;
}

/**
 * The interactive part of a question cell, below its rendered markdown: inputs, an
 * always-visible Check button, hints, give-up, and feedback in an aria-live region.
 * Plain DOM, no JavaScript from the notebook: it works on untrusted notebooks.
 */
export class QuestionWidget extends Widget {
  private question: Question | null = null;
  private readonly feedbackNode = el('div', { className: 'jp-distlab-feedback' });
  private readonly stateNode = el('span', { className: 'jp-distlab-state' });
  private readonly hintsNode = el('ol', { className: 'jp-distlab-hints' });
  private readonly revealNode = el('div', { className: 'jp-distlab-reveal' });
  private hintButton: HTMLButtonElement | null = null;
  private hintsShown = 0;
  private readResponse: () => Response = () => '';
  private writeResponse: (response: Response) => void = () => undefined;
  /** The answer came from progress (a reload) or the learner: restore it only before either. */
  private answerSettled = false;
  /** The run of the exercise cell this widget started last; an older run's end says nothing. */
  private exerciseRun = 0;
  private markdownObserver: MutationObserver | null = null;
  /** The view of an ungraded kind (response, checklist), which keeps its own state. */
  private kindView: KindView | null = null;

  constructor(private readonly store: ProgressStore, private readonly runExercise: RunExercise, private readonly lookup: QuestionLookup = () => null) {
    super();
    this.addClass('jp-distlab-question');
    this.feedbackNode.setAttribute('role', 'status');
    this.feedbackNode.setAttribute('aria-live', 'polite');
    store.changed.connect(this.showState, this);
  }

  override dispose(): void {
    this.store.changed.disconnect(this.showState, this);
    this.markdownObserver?.disconnect();
    super.dispose();
  }

  protected override onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    // The cell re-renders its markdown (an edit, a windowed notebook): mark the list again each time.
    const cellNode = this.parent?.node;
    if (!cellNode || this.markdownObserver) return;
    this.markdownObserver = new MutationObserver(() => this.markOptionList());
    this.markdownObserver.observe(cellNode, { childList: true, subtree: true });
    this.markOptionList();
  }

  protected override onBeforeDetach(msg: Message): void {
    this.markdownObserver?.disconnect();
    this.markdownObserver = null;
    super.onBeforeDetach(msg);
  }

  private showOptionText(id: string, text: string): void {
    const span = this.node.querySelector(`[data-option="${CSS.escape(id)}"]`);
    const wanted = this.question?.kind === 'classification' ? text : `${id}. ${text}`;
    if (span && span.textContent !== wanted) span.textContent = wanted;
  }

  /** Hide (by a class) the cell's markdown list, or placeholder table, that lists exactly the options or items the widget shows. */
  private markOptionList(): void {
    const q = this.question;
    const cellNode = this.parent?.node;
    if (!cellNode) return;
    const options = q !== null && (q.kind === 'single' || q.kind === 'multiple') ? q.options : q?.kind === 'classification' ? q.items : [];
    for (const list of Array.from(cellNode.querySelectorAll('.jp-RenderedMarkdown ul, .jp-RenderedMarkdown ol'))) {
      if (this.node.contains(list)) continue;
      const items = Array.from(list.children).filter((c) => c.tagName === 'LI').map((li) => li.textContent ?? '');
      const texts = optionTextsOfList(items, options);
      if (list.classList.contains(OPTIONS_SHOWN_BY_WIDGET) !== (texts !== null)) list.classList.toggle(OPTIONS_SHOWN_BY_WIDGET, texts !== null);
      // The list says more than the labels: the widget shows what it says (as text), so nothing is lost.
      if (texts !== null) texts.forEach((text, i) => this.showOptionText(options[i].id, text));
    }
    // A classification's table of its items with "?" to fill in: the widget's rows are that table.
    for (const table of Array.from(cellNode.querySelectorAll('.jp-RenderedMarkdown table'))) {
      if (this.node.contains(table)) continue;
      const rows = Array.from(table.querySelectorAll('tbody tr')).map((tr) => Array.from(tr.children).map((td) => td.textContent ?? ''));
      const items = q?.kind === 'classification' ? itemsOfPlaceholderTable(rows) : null;
      const texts = items === null ? null : optionTextsOfList(items, options);
      if (table.classList.contains(OPTIONS_SHOWN_BY_WIDGET) !== (texts !== null)) table.classList.toggle(OPTIONS_SHOWN_BY_WIDGET, texts !== null);
      if (texts !== null) texts.forEach((text, i) => this.showOptionText(options[i].id, text));
    }
  }

  /** A note about the last run of the cell that fills this response (the cell's rows not kept, say). */
  notice(text: string): void {
    this.kindView?.notice?.(text);
  }

  /** (Re)build from the cell's metadata.distlab; malformed metadata shows an author error here only. */
  setMetadata(meta: unknown): void {
    const errors = validateQuestionMetadata(meta);
    this.node.replaceChildren();
    this.hintsShown = 0;
    this.hintsNode.replaceChildren();
    this.revealNode.replaceChildren();
    this.say('');
    this.answerSettled = false;
    this.kindView = null;
    delete this.node.dataset.kind;
    if (errors.length > 0) {
      this.question = null;
      this.node.dataset.state = 'error';
      this.node.append(
        el('div', { className: 'jp-distlab-author-error', role: 'alert' } as Partial<HTMLDivElement>,
          el('strong', {}, 'distlab question metadata is invalid (for the notebook author): '),
          el('ul', {}, ...errors.map((e) => el('li', {}, e))),
          el('span', {}, 'Fix the answer key and run npm run quiz. The rest of the notebook is unaffected.'))
      );
      return;
    }
    const q = (meta as { question: Question }).question;
    this.question = q;
    this.node.dataset.questionId = q.id;
    this.node.dataset.kind = q.kind;
    if (q.kind === 'response' || q.kind === 'checklist') {
      this.kindView = q.kind === 'response' ? buildResponse(this.node, q, this.store) : buildChecklist(this.node, q, this.store, this.lookup);
      return;
    }
    const form = el('form', { className: 'jp-distlab-form' });
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.check();
    });
    // Keys typed here are the learner's answer, not notebook shortcuts; Enter checks from any input.
    form.addEventListener('keydown', (event) => {
      event.stopPropagation();
      if (event.key === 'Enter' && (event.target as HTMLElement).tagName !== 'BUTTON') {
        event.preventDefault();
        this.check();
      }
    });
    form.append(this.buildInputs(q));
    const actions = el('div', { className: 'jp-distlab-actions' });
    const checkButton = el('button', { type: 'submit', className: 'jp-distlab-check jp-mod-styled jp-mod-accept', textContent: q.kind === 'code' ? 'Run check' : 'Check' });
    checkButton.setAttribute('aria-label', `Check answer: ${q.title}`);
    actions.append(checkButton);
    const hints = q.hints ?? [];
    if (hints.length > 0) {
      this.hintButton = el('button', { type: 'button', className: 'jp-distlab-hint jp-mod-styled' });
      this.hintButton.addEventListener('click', () => this.showHint());
      actions.append(this.hintButton);
    }
    const giveUp = el('button', { type: 'button', className: 'jp-distlab-giveup jp-mod-styled', textContent: 'Show answer' });
    giveUp.addEventListener('click', () => this.giveUp());
    actions.append(giveUp, this.stateNode);
    form.append(actions);
    this.node.append(form, this.feedbackNode, this.hintsNode, this.revealNode);
    this.updateHintButton();
    this.showState();
    this.markOptionList();
  }

  private buildInputs(q: Question): HTMLElement {
    const box = el('div', { className: 'jp-distlab-inputs' });
    const name = `distlab-${q.id}-${Math.floor(performance.now() * 1000)}`;
    switch (q.kind) {
      case 'single':
      case 'multiple': {
        const fieldset = el('fieldset', {}, el('legend', { className: 'jp-distlab-sr' }, q.title));
        for (const option of q.options) {
          const input = el('input', { type: q.kind === 'single' ? 'radio' : 'checkbox', name, value: option.id });
          const text = el('span', {}, `${option.id}. ${option.label}`);
          text.dataset.option = option.id;
          fieldset.append(el('label', { className: 'jp-distlab-option' }, input, text));
        }
        box.append(fieldset);
        this.readResponse = () => {
          const chosen = Array.from(fieldset.querySelectorAll('input')).filter((i) => i.checked).map((i) => i.value);
          return q.kind === 'single' ? chosen[0] ?? '' : chosen;
        };
        this.writeResponse = (response) => {
          const chosen = Array.isArray(response) ? response : [response];
          for (const input of Array.from(fieldset.querySelectorAll('input'))) input.checked = chosen.includes(input.value);
        };
        break;
      }
      case 'numeric':
      case 'text': {
        const input = el('input', { type: 'text', className: 'jp-distlab-answer jp-mod-styled', autocomplete: 'off', spellcheck: false });
        input.setAttribute('aria-label', `Your answer: ${q.title}`);
        input.placeholder = q.kind === 'numeric' ? (q.unit ? `a number, e.g. 12 ${q.unit}` : 'a number') : 'your answer';
        box.append(input);
        this.readResponse = () => input.value;
        this.writeResponse = (response) => (input.value = typeof response === 'string' ? response : '');
        break;
      }
      case 'classification': {
        const table = el('div', { className: 'jp-distlab-classify' });
        const selects: Record<string, HTMLSelectElement> = {};
        for (const item of q.items) {
          const select = el('select', { className: 'jp-mod-styled' });
          select.setAttribute('aria-label', `Category of ${item.label}`);
          select.append(el('option', { value: '', textContent: 'choose…' }), ...q.categories.map((c) => el('option', { value: c.id, textContent: c.label })));
          selects[item.id] = select;
          const text = el('span', {}, item.label);
          text.dataset.option = item.id;
          table.append(el('label', { className: 'jp-distlab-item' }, text, select));
        }
        box.append(table);
        this.readResponse = () => Object.fromEntries(Object.entries(selects).map(([id, s]) => [id, s.value]));
        this.writeResponse = (response) => {
          const placed = typeof response === 'object' && !Array.isArray(response) ? response : {};
          for (const [id, select] of Object.entries(selects)) select.value = placed[id] ?? '';
        };
        break;
      }
      case 'code':
        box.append(el('p', { className: 'jp-distlab-code-note' }, `Write your function in the code cell below and run it (or press Run check): distlab's check of “${q.exercise}” is recorded here.`));
        break;
    }
    // Once the learner touches an input, progress no longer fills it in.
    box.addEventListener('input', () => (this.answerSettled = true));
    box.addEventListener('change', () => (this.answerSettled = true));
    return box;
  }

  /** The one writer of the feedback: each message replaces the one before; say('') clears it. */
  private say(kind: 'correct' | 'incorrect' | 'info' | '', ...lines: string[]): void {
    if (kind === '') delete this.feedbackNode.dataset.kind;
    else this.feedbackNode.dataset.kind = kind;
    this.feedbackNode.replaceChildren(...lines.map((line) => el('p', {}, line)));
  }

  /** The feedback a right answer gets: now, or after a reload. */
  private sayCorrect(q: Question): void {
    const reveal = openReveal(q);
    this.say('correct', 'Correct!', ...(reveal?.explanation ? [reveal.explanation] : []));
  }

  private async checkExercise(q: Question & { kind: 'code' }): Promise<void> {
    const run = ++this.exerciseRun;
    this.say('info', 'Running the exercise cell below…');
    let result: Partial<CheckResultV1> | null = null;
    let failed: string | null = null;
    try {
      result = await this.runExercise();
    } catch (error) {
      failed = (error as Error).message;
    }
    if (run !== this.exerciseRun || this.isDisposed) return;
    const text = (value: unknown) => (typeof value === 'string' || typeof value === 'number' ? String(value) : '');
    if (result === null || result.exercise !== q.exercise) {
      this.say('incorrect', failed ? `The exercise cell could not run: ${failed}` : `The exercise cell ran without a check of “${q.exercise}”: read its output for an error, fix it and run again.`);
    } else if (result.passed === true) {
      this.say('correct', `Check passed: ${text(result.runs)} seeded runs, every invariant held.`);
    } else if (result.starter === true) {
      this.say('info', 'That is the starter code, not counted: read the counterexample below, change the function and run again.');
    } else {
      this.say('incorrect', `Check failed on seed ${text(result.seed)}: the counterexample is below the cell.`);
    }
  }

  check(): void {
    const q = this.question;
    if (q === null) return;
    if (q.kind === 'code') {
      void this.checkExercise(q);
      return;
    }
    const response = this.readResponse();
    const empty = response === '' || (Array.isArray(response) && response.length === 0) || (typeof response === 'object' && !Array.isArray(response) && Object.values(response).some((v) => v === ''));
    if (empty) {
      this.say('info', q.kind === 'classification' ? 'Choose a category for every item first.' : 'Give an answer first.');
      return;
    }
    const outcome = checkResponse(q, response);
    if (outcome.unreadable) {
      this.say('info', `Could not read that: ${outcome.unreadable}.`);
      return;
    }
    this.answerSettled = true;
    if (outcome.correct) {
      this.sayCorrect(q);
    } else {
      const lines = ['Not quite.', ...outcome.feedback];
      if (outcome.misplaced && outcome.misplaced.length > 0 && q.kind === 'classification') {
        lines.push(`${outcome.misplaced.length} of ${q.items.length} items are in the wrong category.`);
      }
      if ((q.hints ?? []).length > this.hintsShown) lines.push('A hint may help: press Hint.');
      this.say('incorrect', ...lines);
    }
    const event: AttemptEvent = { id: q.id, type: 'attempt', correct: outcome.correct };
    const kept = answerToStore(response);
    if (kept !== undefined) event.answer = kept;
    void this.store.send([event]);
  }

  private showHint(): void {
    const q = this.question;
    const hints = q?.hints ?? [];
    if (q === null || this.hintsShown >= hints.length) return;
    this.hintsNode.append(el('li', {}, hints[this.hintsShown]));
    this.hintsShown += 1;
    this.updateHintButton();
    void this.store.send([{ id: progressKey(q), type: 'hint', hint: this.hintsShown }]);
  }

  private updateHintButton(): void {
    if (this.hintButton === null || this.question === null) return;
    const left = (this.question.hints ?? []).length - this.hintsShown;
    this.hintButton.textContent = left > 0 ? `Hint (${left} left)` : 'No more hints';
    this.hintButton.disabled = left === 0;
  }

  private giveUp(): void {
    const q = this.question;
    if (q === null) return;
    const reveal = openReveal(q);
    // The answer replaces whatever was said before (a "Could not read that", a "Not quite").
    this.say('');
    this.revealNode.replaceChildren(
      ...(reveal?.answer ? [el('p', {}, el('strong', {}, 'Answer: '), reveal.answer)] : []),
      ...(reveal?.explanation ? [el('p', {}, reveal.explanation)] : [])
    );
    void this.store.send([{ id: progressKey(q), type: 'giveup' }]);
  }

  private showState(): void {
    if (this.question === null) return;
    if (this.kindView !== null) return this.kindView.refresh();
    const state = this.store.stateOf(progressKey(this.question));
    // Reset from the progress panel: the question starts over on screen too.
    if (state === 'unanswered' && this.node.dataset.state !== undefined && this.node.dataset.state !== 'unanswered') this.startOver();
    this.node.dataset.state = state;
    this.stateNode.textContent = STATE_TEXT[state];
    this.restoreAnswer();
  }

  /** Forget what the question showed: feedback, hints, the answer shown, the learner's answer. */
  private startOver(): void {
    this.exerciseRun += 1;
    this.say('');
    this.hintsShown = 0;
    this.hintsNode.replaceChildren();
    this.updateHintButton();
    this.revealNode.replaceChildren();
    this.writeResponse('');
    this.answerSettled = false;
  }

  /**
   * After a reload: the answer the learner gave, as input values (a progress file may come from
   * someone else: nothing of it is read as markup), and for a right answer the explanation.
   * Only displays: it sends no event.
   */
  private restoreAnswer(): void {
    const q = this.question;
    if (q === null || this.answerSettled || q.kind === 'code') return;
    const record = this.store.records[progressKey(q)];
    if (record === undefined) return;
    this.answerSettled = true;
    const answer = storedAnswer(q, (record as { answer?: unknown }).answer);
    if (answer !== null) this.writeResponse(answer);
    // The explanation follows the badge; a stored answer that does not check is not called right.
    if (record.state === 'correct' && (answer === null || checkResponse(q, answer).correct)) this.sayCorrect(q);
  }
}

