/**
 * The two ungraded kinds, built into a QuestionWidget's node: a free response (text area or
 * small table editor) saved to the server progress, and a checklist whose items tick from
 * the progress of the questions they name, or by hand. Plain DOM, no notebook JavaScript.
 */
import type { ChecklistQuestion, ResponseQuestion, ResponseValue } from './answers/question-types';
import { checklistTicks, cleanResponse, DEFAULT_RESPONSE_ROWS, isEmptyResponse, MAX_RESPONSE_ROWS, responseProblem, storedResponse } from './answers/responses';
import { ProgressStore } from './progress-client';

function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> & { className?: string } = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  Object.assign(node, props);
  for (const child of children) node.append(child);
  return node;
}

/** "**Bold** rest" → <strong>Bold</strong> rest: the only markup a label may use; no HTML is parsed. */
function labelNodes(label: string): (Node | string)[] {
  return label.split('**').map((part, i) => (i % 2 === 1 ? el('strong', {}, part) : part));
}

export interface KindView {
  /** Progress changed on the server (another save, a reset, a reload). */
  refresh(): void;
  /** Say something about the last run of the cell that fills this response ('' clears it). */
  notice?(text: string): void;
}

/** Wait this long after the last keystroke before saving. */
const AUTOSAVE_MS = 800;

export function buildResponse(host: HTMLElement, q: ResponseQuestion, store: ProgressStore): KindView {
  if (q.fromRun === true && q.columns !== undefined) return buildRunResponse(host, q, q.columns, store);
  const form = el('form', { className: 'jp-distlab-form jp-distlab-response' });
  const status = el('span', { className: 'jp-distlab-state' });
  const message = el('div', { className: 'jp-distlab-feedback' });
  message.setAttribute('role', 'status');
  message.setAttribute('aria-live', 'polite');
  let read: () => ResponseValue;
  let write: (value: ResponseValue) => void;
  let edited = false;
  let timer: number | undefined;
  let saving: Promise<void> | null = null;
  let again = false;

  const say = (kind: 'info' | 'incorrect' | '', text: string) => {
    message.dataset.kind = kind;
    message.replaceChildren(...(text ? [el('p', {}, text)] : []));
  };
  const showState = () => {
    const answered = store.stateOf(q.id) === 'answered';
    host.dataset.state = answered ? 'answered' : 'unanswered';
    status.textContent = edited ? 'Unsaved changes' : answered ? 'Response saved' : 'Not answered yet';
  };
  const save = async (): Promise<void> => {
    window.clearTimeout(timer);
    if (saving) {
      // One save in flight per response, so replies cannot arrive out of order; the latest text follows.
      again = true;
      return saving;
    }
    const value = cleanResponse(q, read());
    const problem = responseProblem(value);
    if (problem) {
      say('incorrect', problem);
      return;
    }
    status.textContent = 'Saving…';
    const sent = JSON.stringify(value);
    saving = store.send([{ id: q.id, type: 'response', response: value }]);
    await saving;
    saving = null;
    if (store.error) say('incorrect', `Not saved: ${store.error}`);
    else {
      if (JSON.stringify(cleanResponse(q, read())) === sent) edited = false;
      say('', '');
    }
    showState();
    if (again) {
      again = false;
      await save();
    }
  };
  const changed = () => {
    edited = true;
    showState();
    window.clearTimeout(timer);
    timer = window.setTimeout(() => void save(), AUTOSAVE_MS);
  };

  if (q.columns === undefined) {
    const area = el('textarea', { className: 'jp-distlab-response-text jp-mod-styled', rows: 6, spellcheck: true });
    area.setAttribute('aria-label', `Your response: ${q.title}`);
    if (q.placeholder) area.placeholder = q.placeholder;
    area.addEventListener('input', changed);
    form.append(area);
    read = () => area.value;
    write = (value) => (area.value = typeof value === 'string' ? value : '');
  } else {
    const columns = q.columns;
    const table = el('table', { className: 'jp-distlab-response-table' });
    table.append(el('caption', { className: 'jp-distlab-sr' }, q.title));
    const headRow = el('tr', {}, ...columns.map((c) => el('th', { scope: 'col' }, c.label)), el('th', {}, el('span', { className: 'jp-distlab-sr' }, 'Remove')));
    const body = el('tbody');
    table.append(el('thead', {}, headRow), body);
    const renumber = () =>
      Array.from(body.rows).forEach((tr, r) => {
        tr.querySelectorAll('input').forEach((input, c) => input.setAttribute('aria-label', `Row ${r + 1}, ${columns[c].label}`));
        tr.querySelector('button')?.setAttribute('aria-label', `Remove row ${r + 1}`);
      });
    const addRow = (row: Record<string, string> = {}) => {
      const tr = el('tr');
      for (const column of columns) {
        const input = el('input', { type: 'text', className: 'jp-mod-styled', value: row[column.id] ?? '', autocomplete: 'off' });
        input.dataset.column = column.id;
        // The example shows in the first row only, so an empty table reads as a template.
        if (column.placeholder && body.rows.length === 0) input.placeholder = column.placeholder;
        input.addEventListener('input', changed);
        tr.append(el('td', {}, input));
      }
      const remove = el('button', { type: 'button', className: 'jp-distlab-remove-row jp-mod-styled', textContent: '×' });
      remove.addEventListener('click', () => {
        const next = tr.nextElementSibling ?? tr.previousElementSibling;
        tr.remove();
        renumber();
        changed();
        (next?.querySelector('input') as HTMLInputElement | null)?.focus();
      });
      tr.append(el('td', {}, remove));
      body.append(tr);
      renumber();
      return tr;
    };
    const addButton = el('button', { type: 'button', className: 'jp-distlab-add-row jp-mod-styled', textContent: '+ Add row' });
    addButton.addEventListener('click', () => {
      if (body.rows.length >= MAX_RESPONSE_ROWS) return say('info', `At most ${MAX_RESPONSE_ROWS} rows.`);
      addRow().querySelector('input')?.focus();
    });
    form.append(table, addButton);
    read = () => Array.from(body.rows).map((tr) => Object.fromEntries(Array.from(tr.querySelectorAll('input')).map((i) => [i.dataset.column!, i.value])));
    write = (value) => {
      body.replaceChildren();
      const rows = Array.isArray(value) ? value : [];
      for (const row of rows) addRow(row);
      while (body.rows.length < Math.max(q.rows ?? DEFAULT_RESPONSE_ROWS, rows.length + 1)) addRow();
    };
  }
  write(q.columns === undefined ? '' : []);

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void save();
  });
  form.addEventListener('focusout', (event) => {
    // Leaving the response saves at once (no wait for the timer).
    if (edited && !form.contains(event.relatedTarget as Node | null)) void save();
  });
  // Keys typed here are the learner's text, not notebook shortcuts. Ctrl/Cmd+Enter saves;
  // Enter saves from a table cell, and makes a new line in the text area.
  form.addEventListener('keydown', (event) => {
    event.stopPropagation();
    const target = event.target as HTMLElement;
    if (event.key === 'Enter' && ((event.ctrlKey || event.metaKey) || target.tagName === 'INPUT')) {
      event.preventDefault();
      void save();
    }
  });
  const saveButton = el('button', { type: 'submit', className: 'jp-distlab-check jp-distlab-save jp-mod-styled jp-mod-accept', textContent: 'Save' });
  saveButton.setAttribute('aria-label', `Save response: ${q.title}`);
  form.append(el('div', { className: 'jp-distlab-actions' }, saveButton, el('span', { className: 'jp-distlab-note' }, 'Saved as you type · not graded'), status));
  host.append(form, message);

  const view: KindView = {
    refresh: () => {
      if (!edited && saving === null) {
        const stored = storedResponse(q, store.records[q.id]?.response);
        const current = cleanResponse(q, read());
        if (stored !== null && JSON.stringify(stored) !== JSON.stringify(current)) write(stored);
        // A reset (or a response cleared elsewhere) empties the editor too.
        if (stored === null && !isEmptyResponse(current)) write(q.columns === undefined ? '' : []);
      }
      showState();
    }
  };
  view.refresh();
  return view;
}

/**
 * A table response whose rows are typed once, in the code cell below: running it keeps the rows
 * (LiveResponseRecorder), and this view shows what is kept, read-only, so nothing is typed twice.
 */
function buildRunResponse(host: HTMLElement, q: ResponseQuestion, columns: NonNullable<ResponseQuestion['columns']>, store: ProgressStore): KindView {
  const status = el('span', { className: 'jp-distlab-state' });
  const message = el('div', { className: 'jp-distlab-feedback' });
  message.setAttribute('role', 'status');
  message.setAttribute('aria-live', 'polite');
  const table = el('table', { className: 'jp-distlab-response-table jp-distlab-response-recorded' });
  table.append(el('caption', { className: 'jp-distlab-sr' }, `${q.title}: your rows, from the cell below`));
  const body = el('tbody');
  table.append(el('thead', {}, el('tr', {}, ...columns.map((c) => el('th', { scope: 'col' }, c.label)))), body);
  const note = el('span', { className: 'jp-distlab-note' }, 'Type your rows in the cell below and run it: they are kept here · not graded');
  host.append(el('div', { className: 'jp-distlab-form jp-distlab-response' }, table, el('div', { className: 'jp-distlab-actions' }, note, status)), message);
  const say = (text: string) => {
    message.dataset.kind = text ? 'info' : '';
    message.replaceChildren(...(text ? [el('p', {}, text)] : []));
  };
  const view: KindView = {
    refresh: () => {
      const stored = storedResponse(q, store.records[q.id]?.response);
      const rows = Array.isArray(stored) && !isEmptyResponse(stored) ? stored : [];
      // Text only, never markup: the rows come from code and from a progress file.
      body.replaceChildren(...(rows.length > 0
        ? rows.map((row) => el('tr', {}, ...columns.map((c) => el('td', {}, row[c.id] ?? ''))))
        : [el('tr', {}, el('td', { className: 'jp-distlab-response-empty', colSpan: columns.length }, 'Nothing kept yet: run the cell below with your rows.'))]));
      host.dataset.state = store.stateOf(q.id) === 'answered' ? 'answered' : 'unanswered';
      status.textContent = host.dataset.state === 'answered' ? 'Response saved' : 'Not answered yet';
      if (store.error) say(`Not saved: ${store.error}`);
    },
    notice: say
  };
  view.refresh();
  return view;
}

/** How the checklist finds a question named by an item: its progress key and title, or null if not in this notebook. */
export type QuestionLookup = (id: string) => { key: string; title: string } | null;

export function buildChecklist(host: HTMLElement, q: ChecklistQuestion, store: ProgressStore, lookup: QuestionLookup): KindView {
  const summary = el('span', { className: 'jp-distlab-state' });
  const list = el('ul', { className: 'jp-distlab-checklist' });
  list.setAttribute('aria-label', q.title);
  const rows = q.items.map((item) => {
    const box = el('input', { type: 'checkbox' });
    const proof = el('span', { className: 'jp-distlab-proof', id: `distlab-proof-${q.id}-${item.id}-${Math.floor(performance.now() * 1000)}` });
    box.setAttribute('aria-describedby', proof.id);
    box.addEventListener('change', () => void store.send([{ id: q.id, type: 'tick', item: item.id, ticked: box.checked }]));
    box.addEventListener('keydown', (event) => event.stopPropagation());
    // Proven items show a plain green mark instead of a greyed-out disabled checkbox.
    const mark = el('span', { className: 'jp-distlab-automark', textContent: '✔' });
    mark.setAttribute('role', 'img');
    mark.setAttribute('aria-label', 'ticked by your answers');
    const li = el('li', {}, el('label', {}, box, mark, el('span', { className: 'jp-distlab-item-label' }, ...labelNodes(item.label))), proof);
    li.dataset.item = item.id;
    list.append(li);
    return { item, li, box, proof };
  });
  host.append(list, el('div', { className: 'jp-distlab-actions' }, el('span', { className: 'jp-distlab-note' }, 'Ticks itself when you answer the questions named; tick the others by hand.'), summary));

  const stateOf = (id: string) => {
    const found = lookup(id);
    return found === null ? 'unanswered' : store.stateOf(found.key);
  };
  const view: KindView = {
    refresh: () => {
      const ticks = checklistTicks(q.items, store.records[q.id]?.ticked ?? [], stateOf);
      ticks.forEach((tick, i) => {
        const { item, li, box, proof } = rows[i];
        li.dataset.ticked = String(tick.ticked);
        li.dataset.auto = String(tick.auto);
        box.checked = tick.ticked;
        // Proven by answers: nothing to untick by hand.
        box.disabled = tick.auto;
        const done = item.questions.filter((id) => ['correct', 'answered'].includes(stateOf(id))).length;
        const names = item.questions.map((id) => lookup(id)?.title ?? id);
        proof.textContent = item.questions.length === 0 ? '' : tick.auto ? `Shown by your answers: ${names.join(', ')}` : `Ticks itself when these are done (${done}/${names.length}): ${names.join(', ')}`;
        box.title = tick.auto ? 'Ticked by your answers' : '';
      });
      const ticked = ticks.filter((t) => t.ticked).length;
      summary.textContent = `${ticked} of ${ticks.length} ticked`;
      host.dataset.state = ticked === ticks.length ? 'correct' : ticked > 0 ? 'answered' : 'unanswered';
    }
  };
  view.refresh();
  return view;
}
