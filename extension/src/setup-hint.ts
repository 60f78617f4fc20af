// After a kernel restart, a cell run from the middle of a notebook fails with "Cannot find
// namespace 'dl'": say that the set-up cell must run first, and offer to run it.
import { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { Notification } from '@jupyterlab/apputils';
import { Cell, CodeCell } from '@jupyterlab/cells';
import { INotebookTracker, NotebookActions, NotebookPanel } from '@jupyterlab/notebook';

export const PLUGIN_ID_SETUP_HINT = '@distlab/jupyterlab:setup-hint';

/** tslab's compile error when `dl` was never imported in this kernel. */
const MISSING_DL = /Cannot find (namespace|name) 'dl'/;
const SETUP_CELL = /^\s*import\s+\*\s+as\s+dl\s+from\s+['"]distlab['"]/m;

/** Whether a cell's outputs hold the missing-`dl` error. */
export function missesSetup(outputs: readonly { output_type?: string; ename?: string; evalue?: string; traceback?: string[]; text?: string | string[] }[]): boolean {
  return outputs.some((o) => {
    const text = [o.ename, o.evalue, ...(o.traceback ?? []), ...(Array.isArray(o.text) ? o.text : [o.text ?? ''])].join('\n');
    return (o.output_type === 'error' || o.output_type === 'stream') && MISSING_DL.test(text);
  });
}

function setupCellOf(panel: NotebookPanel): { index: number; cell: Cell } | null {
  const index = panel.content.widgets.findIndex((c) => c.model.type === 'code' && SETUP_CELL.test(c.model.sharedModel.getSource()));
  return index < 0 ? null : { index, cell: panel.content.widgets[index] };
}

export const setupHintPlugin: JupyterFrontEndPlugin<void> = {
  id: PLUGIN_ID_SETUP_HINT,
  description: "Explains a cell that ran before the notebook's set-up cell",
  autoStart: true,
  requires: [INotebookTracker],
  activate: (_app: JupyterFrontEnd, tracker: INotebookTracker) => {
    NotebookActions.executed.connect((_, { notebook, cell, success }) => {
      if (success || cell.model.type !== 'code') return;
      const outputs = (cell as CodeCell).model.outputs.toJSON() as Parameters<typeof missesSetup>[0];
      if (!missesSetup(outputs)) return;
      const panel = tracker.find((p) => p.content === notebook);
      const setup = panel ? setupCellOf(panel) : null;
      const where = setup ? `cell ${setup.index + 1}, the one with import * as dl from 'distlab'` : "a cell with import * as dl from 'distlab'";
      Notification.warning(
        `This cell uses dl, which the notebook's set-up cell defines (${where}). The kernel has not run it since it started: run that cell first, then this one.`,
        {
          autoClose: false,
          actions: setup && panel
            ? [{ label: 'Run the set-up cell', callback: () => void CodeCell.execute(setup.cell as CodeCell, panel.sessionContext) }]
            : []
        }
      );
    });
  }
};
