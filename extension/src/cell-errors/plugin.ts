// Adds the cell's own line numbers to the frames of a distlab error, in every notebook.
import { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import type { ICodeCellModel } from '@jupyterlab/cells';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import { numberCellLines, type CodeCellSource } from './line-numbers';

export const PLUGIN_ID_CELL_ERROR_LINES = '@distlab/jupyterlab:cell-error-lines';

/** Whether a stream's text may hold a frame to number (cheap test before the real one). */
interface StreamOutput {
  output_type: string;
  name?: string;
  text?: string | string[];
}

const MAY_HOLD_FRAME = /in (this cell|an earlier cell): /;

function codeSources(panel: NotebookPanel): CodeCellSource[] {
  const sources: CodeCellSource[] = [];
  const cells = panel.content.model?.cells;
  if (!cells) return sources;
  for (let i = 0; i < cells.length; i += 1) {
    const cell = cells.get(i);
    if (cell.type === 'code') sources.push({ source: cell.sharedModel.getSource(), executionCount: (cell as ICodeCellModel).executionCount ?? null });
  }
  return sources;
}

function numberOutputs(panel: NotebookPanel, model: ICodeCellModel): void {
  const outputs = model.outputs;
  for (let i = 0; i < outputs.length; i += 1) {
    const output = outputs.get(i).toJSON() as unknown as StreamOutput;
    if (output.output_type !== 'stream' || output.name !== 'stderr') continue;
    const text = Array.isArray(output.text) ? output.text.join('') : (output.text ?? '');
    if (!MAY_HOLD_FRAME.test(text)) continue;
    const numbered = numberCellLines(text, { own: model.sharedModel.getSource(), all: codeSources(panel) });
    if (numbered !== text) outputs.set(i, { ...output, text: numbered } as never);
  }
}

function watchCell(panel: NotebookPanel, model: ICodeCellModel): void {
  let pending = false;
  model.outputs.changed.connect(() => {
    if (pending) return;
    pending = true;
    // After the output area has taken the change (streams are merged as they arrive).
    void Promise.resolve().then(() => {
      pending = false;
      if (!model.isDisposed) numberOutputs(panel, model);
    });
  });
}

export const cellErrorLinesPlugin: JupyterFrontEndPlugin<void> = {
  id: PLUGIN_ID_CELL_ERROR_LINES,
  description: "Numbers the cell lines of a distlab error's frames",
  autoStart: true,
  requires: [INotebookTracker],
  activate: (_app: JupyterFrontEnd, tracker: INotebookTracker) => {
    tracker.widgetAdded.connect((_, panel) => {
      void panel.context.ready.then(() => {
        const cells = panel.content.model?.cells;
        if (!cells) return;
        const watched = new WeakSet<object>();
        const watchAll = () => {
          for (let i = 0; i < cells.length; i += 1) {
            const cell = cells.get(i);
            if (cell.type !== 'code' || watched.has(cell)) continue;
            watched.add(cell);
            watchCell(panel, cell as ICodeCellModel);
          }
        };
        watchAll();
        cells.changed.connect(watchAll);
      });
    });
  }
};
