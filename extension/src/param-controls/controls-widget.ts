// The row of parameter controls drawn above a code cell, built from its // @param lines.
import { Widget } from '@lumino/widgets';
import { editFor, formatNumber, Literal, NumberSpec, ParamControl, ParamRow, parseParams, SEED_MAX, seedFrom } from './grammar';
import { LatestRunner } from './latest-runner';

/** What the controls need from their cell: read and edit its shared source, and run it. */
export interface ControlledCell {
  getSource(): string;
  /** Replace [start, end) in the cell's shared source (one undo step in the cell editor). */
  updateSource(start: number, end: number, text: string): void;
  /** Execute the cell; resolves when the kernel has replied. */
  execute(): Promise<unknown>;
  /** A cell marked not editable keeps its values. */
  readOnly(): boolean;
}

let nextId = 0;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> & { className?: string } = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  Object.assign(node, props);
  for (const child of children) node.append(child);
  return node;
}

function shownNumber(spec: NumberSpec, value: number): string {
  const text = formatNumber(value, spec.decimals);
  if (spec.unit === '') return text;
  return spec.unit === '%' || spec.unit === '°' ? `${text}${spec.unit}` : `${text} ${spec.unit}`;
}

/** Structure of a row: rows with the same key keep their DOM (and focus) when only values change. */
function rowKey(row: ParamRow): string {
  return row.ok ? JSON.stringify([row.name, row.spec]) : JSON.stringify([row.name, row.message]);
}

interface RowView {
  key: string;
  /** Show the value now in the source (unless the learner is typing into this very control). */
  show(row: ParamRow): void;
}

/**
 * Controls for the `// @param` lines of one code cell. The cell's source is the only state:
 * a control writes its literal there, and the controls follow the source when it changes.
 * Plain DOM; no notebook JavaScript runs here, so it works on untrusted notebooks too.
 */
export class ParamControlsWidget extends Widget {
  readonly runner: LatestRunner;
  private autoRun = true;
  private views: RowView[] = [];
  private readonly grid = el('div', { className: 'jp-distlab-params-grid' });
  private readonly autoRunBox = el('input', { type: 'checkbox', checked: true, className: 'jp-distlab-params-autorun' });
  private readonly toggle: HTMLLabelElement;
  /** A slider moved while auto-run was off: its release runs the cell. */
  private movedSinceRun = false;

  constructor(private readonly cell: ControlledCell) {
    super();
    this.addClass('jp-distlab-params');
    this.node.setAttribute('role', 'group');
    this.node.setAttribute('aria-label', 'Parameters of this cell');
    this.node.dataset.runs = '0';
    this.runner = new LatestRunner(async () => {
      this.node.dataset.runs = String(this.runner.started);
      this.node.dataset.busy = 'true';
      try {
        await cell.execute();
      } finally {
        this.node.dataset.busy = 'false';
      }
    }, (error) => console.warn('distlab: a parameter re-run failed', error));
    const toggleId = `distlab-param-${nextId++}`;
    this.autoRunBox.id = toggleId;
    this.autoRunBox.addEventListener('change', () => {
      this.autoRun = this.autoRunBox.checked;
      this.node.dataset.autoRun = String(this.autoRun);
    });
    this.node.dataset.autoRun = 'true';
    const toggle = (this.toggle = el('label', { className: 'jp-distlab-params-toggle', htmlFor: toggleId, title: 'Re-run the cell while a slider moves. Off (for heavy cells): it runs when you release the slider, or on Shift-Enter.' }, this.autoRunBox, 'auto-run'));
    this.node.append(this.grid, toggle);
    // Keys here move the controls, not the notebook (a/b/d/arrows are notebook shortcuts in
    // command mode); Shift/Ctrl-Enter still run the cell as anywhere else.
    this.node.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && (event.shiftKey || event.ctrlKey || event.metaKey)) return;
      event.stopPropagation();
    });
    this.refresh();
  }

  override dispose(): void {
    this.runner.dispose();
    super.dispose();
  }

  /** Re-read the cell's source: rebuild the rows whose structure changed, update values of the others. */
  refresh(): void {
    const rows = parseParams(this.cell.getSource());
    this.node.hidden = rows.length === 0;
    this.node.dataset.controls = String(rows.filter((row) => row.ok).length);
    // Auto-run is about sliders; other controls run on each change anyway.
    this.toggle.hidden = !rows.some((row) => row.ok && row.spec.kind === 'number');
    const sameShape = rows.length === this.views.length && rows.every((row, i) => rowKey(row) === this.views[i].key);
    if (!sameShape) {
      this.grid.replaceChildren();
      this.views = rows.map((row) => this.buildRow(row));
    }
    rows.forEach((row, i) => this.views[i].show(row));
  }

  /** Write `value` into the source; run now (auto-run, or a discrete control) or on release. */
  private set(name: string, value: Literal, when: 'input' | 'commit'): void {
    if (this.cell.readOnly()) {
      this.refresh();
      return;
    }
    const edit = editFor(this.cell.getSource(), name, value);
    if (edit !== null) this.cell.updateSource(edit.start, edit.end, edit.text);
    if (when === 'input') {
      if (edit === null) return;
      if (this.autoRun) this.runner.request();
      else this.movedSinceRun = true;
      return;
    }
    // A commit (a release, a choice, Enter, a click): run if anything changed since the last run.
    const changed = edit !== null || this.movedSinceRun;
    this.movedSinceRun = false;
    if (changed) this.runner.request();
  }

  private buildRow(row: ParamRow): RowView {
    const id = `distlab-param-${nextId++}`;
    const key = rowKey(row);
    const name = row.name ?? '(unnamed)';
    const label = el('label', { className: 'jp-distlab-param-name', htmlFor: id, textContent: name });
    if (!row.ok) {
      const message = el('span', { className: 'jp-distlab-param-problem', id, textContent: row.message });
      message.setAttribute('role', 'note');
      const labelSpan = el('span', { className: 'jp-distlab-param-name', textContent: name });
      const rowNode = el('div', { className: 'jp-distlab-param jp-mod-problem' }, labelSpan, message);
      rowNode.dataset.param = name;
      this.grid.append(rowNode);
      return { key, show: () => undefined };
    }
    const rowNode = el('div', { className: 'jp-distlab-param' }, label);
    rowNode.dataset.param = row.name;
    rowNode.dataset.kind = row.spec.kind;
    this.grid.append(rowNode);
    switch (row.spec.kind) {
      case 'number':
        return { key, show: this.buildSlider(rowNode, id, row, row.spec) };
      case 'choice':
        return { key, show: this.buildChoice(rowNode, id, row, row.spec.options) };
      case 'boolean':
        return { key, show: this.buildCheckbox(rowNode, id, row) };
      case 'seed':
        return { key, show: this.buildSeed(rowNode, id, row) };
    }
  }

  private buildSlider(rowNode: HTMLElement, id: string, row: ParamControl, spec: NumberSpec): RowView['show'] {
    const input = el('input', { type: 'range', id, className: 'jp-distlab-param-slider' });
    input.min = String(spec.min);
    input.max = String(spec.max);
    input.step = String(spec.step);
    input.title = `${formatNumber(spec.min, spec.decimals)}..${formatNumber(spec.max, spec.decimals)} step ${formatNumber(spec.step, spec.decimals)}${spec.unit ? ` ${spec.unit}` : ''}`;
    const output = el('output', { className: 'jp-distlab-param-value' });
    output.setAttribute('for', id);
    // Room for the widest value, so the row does not jitter while dragging.
    const widest = Math.max(shownNumber(spec, spec.min).length, shownNumber(spec, spec.max).length, shownNumber(spec, spec.min + spec.step).length);
    output.style.minWidth = `${widest}ch`;
    const showValue = (value: number) => {
      output.textContent = shownNumber(spec, value);
      input.setAttribute('aria-valuetext', output.textContent);
    };
    input.addEventListener('input', () => {
      showValue(Number(input.value));
      this.set(row.name, Number(input.value), 'input');
    });
    input.addEventListener('change', () => this.set(row.name, Number(input.value), 'commit'));
    rowNode.append(input, output);
    return (current) => {
      if (!current.ok) return;
      const value = current.value as number;
      if (Number(input.value) !== value) input.value = String(value);
      showValue(value);
    };
  }

  private buildChoice(rowNode: HTMLElement, id: string, row: ParamControl, options: (string | number)[]): RowView['show'] {
    const select = el('select', { id, className: 'jp-distlab-param-select' });
    options.forEach((option, index) => select.append(el('option', { value: String(index), textContent: String(option) })));
    select.addEventListener('change', () => this.set(row.name, options[Number(select.value)], 'commit'));
    rowNode.append(select);
    return (current) => {
      if (!current.ok) return;
      const index = options.findIndex((option) => option === current.value);
      if (select.value !== String(index)) select.value = String(index);
    };
  }

  private buildCheckbox(rowNode: HTMLElement, id: string, row: ParamControl): RowView['show'] {
    const box = el('input', { type: 'checkbox', id, className: 'jp-distlab-param-checkbox' });
    const output = el('output', { className: 'jp-distlab-param-value' });
    output.setAttribute('for', id);
    box.addEventListener('change', () => this.set(row.name, box.checked, 'commit'));
    rowNode.append(el('span', { className: 'jp-distlab-param-cell' }, box, output));
    return (current) => {
      if (!current.ok) return;
      box.checked = current.value === true;
      output.textContent = String(current.value);
    };
  }

  private buildSeed(rowNode: HTMLElement, id: string, row: ParamControl): RowView['show'] {
    const field = el('input', { type: 'number', id, className: 'jp-distlab-param-seed' });
    field.min = '0';
    field.max = String(SEED_MAX);
    field.step = '1';
    const button = el('button', { type: 'button', className: 'jp-distlab-param-newseed', textContent: 'new seed' });
    button.setAttribute('aria-label', `new seed for ${row.name}`);
    const note = el('span', { className: 'jp-distlab-param-problem' });
    note.setAttribute('role', 'status');
    let shown = row.value as number;
    field.addEventListener('change', () => {
      const typed = field.value.trim();
      const value = Number(typed);
      if (!/^\d+$/.test(typed) || !Number.isSafeInteger(value)) {
        note.textContent = `a seed is an integer 0..${SEED_MAX}`;
        field.setAttribute('aria-invalid', 'true');
        field.value = String(shown);
        return;
      }
      note.textContent = '';
      field.removeAttribute('aria-invalid');
      this.set(row.name, value, 'commit');
    });
    button.addEventListener('click', () => {
      note.textContent = '';
      this.set(row.name, seedFrom(crypto.getRandomValues(new Uint32Array(1))), 'commit');
    });
    rowNode.append(el('span', { className: 'jp-distlab-param-cell' }, field, button, note));
    return (current) => {
      if (!current.ok) return;
      shown = current.value as number;
      if (document.activeElement !== field) field.value = String(shown);
    };
  }
}
