// The plugin that puts parameter controls above every code cell with // @param lines, in every notebook.
import { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { Cell, CodeCell } from '@jupyterlab/cells';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import { PanelLayout, Widget } from '@lumino/widgets';
import { ParamControlsWidget } from './controls-widget';

export const PLUGIN_ID_PARAM_CONTROLS = '@distlab/jupyterlab:param-controls';

/** Cheap test before a full parse: most cells have no control at all. */
const MAY_HAVE_PARAM = /@param\b/;

function controlsFor(panel: NotebookPanel, cell: CodeCell): ParamControlsWidget {
  const shared = cell.model.sharedModel;
  return new ParamControlsWidget({
    getSource: () => shared.getSource(),
    // The shared model's own edit: the cell editor sees it, and Ctrl-Z there undoes it.
    updateSource: (start, end, text) => shared.updateSource(start, end, text),
    execute: () => CodeCell.execute(cell, panel.sessionContext),
    readOnly: () => cell.readOnly
  });
}

/** Insert the controls into the cell, above its input (not in the output area: they are not outputs). */
function place(cell: CodeCell, controls: Widget): void {
  const layout = cell.layout as PanelLayout;
  const inputWrapper = cell.inputArea?.parent ?? null;
  const index = inputWrapper ? layout.widgets.indexOf(inputWrapper) : -1;
  if (index >= 0) layout.insertWidget(index, controls);
  else layout.insertWidget(0, controls);
}

export const paramControlsPlugin: JupyterFrontEndPlugin<void> = {
  id: PLUGIN_ID_PARAM_CONTROLS,
  description: 'Sliders, dropdowns, checkboxes and seeds above code cells, from their // @param lines',
  autoStart: true,
  requires: [INotebookTracker],
  activate: (app: JupyterFrontEnd, tracker: INotebookTracker) => {
    const watched = new WeakSet<Cell>();
    const watch = (panel: NotebookPanel, cell: CodeCell) => {
      if (watched.has(cell)) return;
      watched.add(cell);
      let controls: ParamControlsWidget | null = null;
      const sync = () => {
        if (cell.isDisposed) return;
        if (controls === null) {
          if (!MAY_HAVE_PARAM.test(cell.model.sharedModel.getSource())) return;
          const created = (controls = controlsFor(panel, cell));
          // A windowed notebook builds a cell's DOM lazily: place the controls once it exists.
          void cell.ready.then(() => {
            if (!created.isDisposed && !cell.isDisposed) place(cell, created);
          });
        }
        controls.refresh();
      };
      cell.model.contentChanged.connect(sync);
      cell.disposed.connect(() => {
        cell.model.contentChanged.disconnect(sync);
        controls?.dispose();
      });
      sync();
    };
    const scan = (panel: NotebookPanel) => {
      for (const cell of panel.content.widgets) if (cell instanceof CodeCell) watch(panel, cell);
    };
    tracker.widgetAdded.connect((_, panel) => {
      void panel.context.ready.then(() => {
        scan(panel);
        panel.content.model?.cells.changed.connect(() => requestAnimationFrame(() => scan(panel)));
      });
    });
  }
};
