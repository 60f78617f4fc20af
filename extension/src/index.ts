import { ILayoutRestorer, JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { Dialog, ICommandPalette, Notification, showDialog } from '@jupyterlab/apputils';
import { Cell, CodeCell, MarkdownCell } from '@jupyterlab/cells';
import { INotebookTracker, NotebookActions, NotebookPanel } from '@jupyterlab/notebook';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { LabIcon } from '@jupyterlab/ui-components';
import { Token } from '@lumino/coreutils';
import { PanelLayout } from '@lumino/widgets';
import { QUESTION_METADATA_KEY, type ResponseQuestion } from './answers/question-types';
import { asQuestion } from './answers/validate-metadata';
import { checkRendererFactory, checkResultIn, LiveCheckRecorder } from './check-renderer';
import { progressKey, ProgressStore } from './progress-client';
import { ProgressPanel } from './progress-panel';
import { QuestionWidget } from './question-widget';
import { LiveResponseRecorder } from './response-recorder';
import { paramControlsPlugin } from './param-controls/plugin';
import { reportExportPlugin } from './report-export-menu';
import { setupHintPlugin } from './setup-hint';
import { cellErrorLinesPlugin } from './cell-errors/plugin';

/** Plugin and command ids are constants so settings and tests can name them. */
export const PLUGIN_ID_CORE = '@distlab/jupyterlab:core';
export const PLUGIN_ID_QUESTIONS = '@distlab/jupyterlab:questions';
export const PLUGIN_ID_PROGRESS_PANEL = '@distlab/jupyterlab:progress-panel';
export const PLUGIN_ID_CHECK_RENDERER = '@distlab/jupyterlab:check-renderer';
export const PLUGIN_ID_KERNEL_WATCH = '@distlab/jupyterlab:kernel-watch';
export const COMMAND_RESET_PROGRESS = 'distlab:reset-progress';
export const COMMAND_SHOW_PROGRESS = 'distlab:show-progress';

export const IDistlabProgress = new Token<ProgressStore>('@distlab/jupyterlab:IDistlabProgress', 'The learner progress store');

const ICON_SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><path class="jp-icon3" fill="#616161" d="M9 16.2 4.8 12l-1.4 1.4L9 19 21 7l-1.4-1.4z"/></svg>';
const progressIcon = new LabIcon({ name: 'distlab:progress', svgstr: ICON_SVG });

/** The progress store (one per lab), and the reset command with its confirmation. */
const corePlugin: JupyterFrontEndPlugin<ProgressStore> = {
  id: PLUGIN_ID_CORE,
  description: 'distlab course features: learner progress kept on the server',
  autoStart: true,
  provides: IDistlabProgress,
  activate: (app: JupyterFrontEnd) => {
    const store = new ProgressStore();
    // A damaged progress file was recovered: say so once per notice (the panel keeps it until dismissed).
    const told = new Set<string>();
    store.changed.connect(() => {
      for (const notice of store.notices) {
        if (told.has(notice.id)) continue;
        told.add(notice.id);
        Notification.warning(`distlab: your progress file was repaired. ${notice.message}`, {
          autoClose: false,
          actions: [{ label: 'Show progress', callback: () => void app.commands.execute(COMMAND_SHOW_PROGRESS) }]
        });
      }
    });
    void store.refresh();
    app.commands.addCommand(COMMAND_RESET_PROGRESS, {
      label: 'Reset Course progress…',
      execute: async () => {
        const answer = await showDialog({
          title: 'Reset your Course progress?',
          body: 'Every answer, hint and exercise result of every module is forgotten. This cannot be undone.',
          buttons: [Dialog.cancelButton(), Dialog.warnButton({ label: 'Reset' })]
        });
        if (answer.button.accept) await store.reset();
      }
    });
    document.body.dataset.distlab = 'ready';
    return store;
  }
};

function isQuestionCell(cell: Cell): boolean {
  return cell.model.type === 'markdown' && cell.model.getMetadata(QUESTION_METADATA_KEY) !== undefined;
}

/** Attach a QuestionWidget under every markdown cell with distlab metadata, in every notebook. */
const questionsPlugin: JupyterFrontEndPlugin<void> = {
  id: PLUGIN_ID_QUESTIONS,
  description: 'Checked questions in markdown cells',
  autoStart: true,
  requires: [INotebookTracker, IDistlabProgress],
  activate: (app: JupyterFrontEnd, tracker: INotebookTracker, store: ProgressStore) => {
    const widgets = new WeakMap<Cell, QuestionWidget>();
    const attach = (panel: NotebookPanel, cell: Cell) => {
      const existing = widgets.get(cell);
      if (!isQuestionCell(cell)) {
        if (existing) {
          existing.dispose();
          widgets.delete(cell);
        }
        return;
      }
      let widget = existing;
      if (widget === undefined) {
        const runExercise = async () => {
          const cells = panel.content.widgets;
          const next = cells.slice(cells.indexOf(cell) + 1).find((c) => c.model.type === 'code') as CodeCell | undefined;
          if (!next) return null;
          await CodeCell.execute(next, panel.sessionContext);
          return checkResultIn(next.model.outputs);
        };
        // Checklist items name questions of the same notebook; code questions record under their exercise.
        const lookup = (id: string) => {
          for (const c of panel.content.widgets) {
            const q = (c.model.getMetadata(QUESTION_METADATA_KEY) as { question?: { id?: string; kind: string; title?: string; exercise?: string } } | undefined)?.question;
            if (q?.id === id) return { key: progressKey({ ...q, id }), title: q.title ?? id };
          }
          return null;
        };
        const created = (widget = new QuestionWidget(store, runExercise, lookup));
        widgets.set(cell, widget);
        // A windowed notebook builds a cell's DOM lazily: attach once it exists, after its input.
        void cell.ready.then(() => {
          if (!created.isDisposed && !cell.isDisposed) (cell.layout as PanelLayout).addWidget(created);
        });
        cell.model.metadataChanged.connect(() => widget?.setMetadata(cell.model.getMetadata(QUESTION_METADATA_KEY)));
        cell.disposed.connect(() => widget?.dispose());
      }
      widget.setMetadata(cell.model.getMetadata(QUESTION_METADATA_KEY));
    };
    const scan = (panel: NotebookPanel) => {
      for (const cell of panel.content.widgets) if (cell instanceof MarkdownCell) attach(panel, cell);
    };
    // A table response typed once, in its code cell: a run from this page keeps the rows it sends.
    const responseOf = (panel: NotebookPanel) => (id: string): ResponseQuestion | null => {
      for (const c of panel.content.widgets) {
        const q = c.model.type === 'markdown' ? asQuestion(c.model.getMetadata(QUESTION_METADATA_KEY)) : null;
        if (q?.id === id && q.kind === 'response') return q;
      }
      return null;
    };
    tracker.widgetAdded.connect((_, panel) => {
      const recorder = new LiveResponseRecorder(responseOf(panel), (result) => {
        const widget = panel.content.widgets.map((c) => widgets.get(c)).find((w) => w?.node.dataset.questionId === result.question);
        if ('problem' in result) return widget?.notice(result.problem);
        widget?.notice('');
        void store.send([result.event]);
      });
      recorder.watchSession(panel.sessionContext);
      void panel.context.ready.then(() => {
        scan(panel);
        panel.content.model?.cells.changed.connect(() => requestAnimationFrame(() => scan(panel)));
      });
    });
  }
};

/** Left-sidebar progress panel. */
const progressPanelPlugin: JupyterFrontEndPlugin<void> = {
  id: PLUGIN_ID_PROGRESS_PANEL,
  description: 'Progress of every question of every module',
  autoStart: true,
  requires: [IDistlabProgress],
  optional: [ILayoutRestorer, ICommandPalette],
  activate: (app: JupyterFrontEnd, store: ProgressStore, restorer: ILayoutRestorer | null, palette: ICommandPalette | null) => {
    const panel = new ProgressPanel(
      store,
      (path) => void app.commands.execute('docmanager:open', { path }),
      () => void app.commands.execute(COMMAND_RESET_PROGRESS),
      (path, questionId) => void jumpToQuestion(app, path, questionId)
    );
    panel.title.icon = progressIcon;
    app.shell.add(panel, 'left', { rank: 700 });
    restorer?.add(panel, panel.id);
    void panel.reload();
    app.commands.addCommand(COMMAND_SHOW_PROGRESS, {
      label: 'Show Course progress',
      execute: () => app.shell.activateById(panel.id)
    });
    for (const command of [COMMAND_SHOW_PROGRESS, COMMAND_RESET_PROGRESS]) palette?.addItem({ command, category: 'distlab' });
  }
};

/**
 * Renders application/vnd.distlab.check.v1+json (exercise checks), and records the checks run
 * from this page as their results arrive from the kernel. A saved output only displays.
 */
const checkRendererPlugin: JupyterFrontEndPlugin<void> = {
  id: PLUGIN_ID_CHECK_RENDERER,
  description: 'Renderer for distlab exercise checks',
  autoStart: true,
  requires: [IRenderMimeRegistry, IDistlabProgress, INotebookTracker],
  activate: (app: JupyterFrontEnd, registry: IRenderMimeRegistry, store: ProgressStore, tracker: INotebookTracker) => {
    registry.addFactory(checkRendererFactory(), 10);
    const recorder = new LiveCheckRecorder((event) => void store.send([event]));
    tracker.forEach((panel) => recorder.watchSession(panel.sessionContext));
    tracker.widgetAdded.connect((_, panel) => recorder.watchSession(panel.sessionContext));
  }
};

const CHECK_CALL = /gradeExercise\s*\(/;

/** Open a module and select, scroll to and show the cell that holds question `questionId`. */
async function jumpToQuestion(app: JupyterFrontEnd, path: string, questionId: string): Promise<void> {
  const widget = (await app.commands.execute('docmanager:open', { path })) as NotebookPanel | undefined;
  if (!widget || !(widget instanceof NotebookPanel)) return;
  await widget.context.ready;
  await widget.revealed;
  const notebook = widget.content;
  const index = notebook.widgets.findIndex(
    (c) => (c.model.getMetadata(QUESTION_METADATA_KEY) as { question?: { id?: string } } | undefined)?.question?.id === questionId
  );
  if (index < 0) return;
  notebook.activeCellIndex = index;
  await notebook.scrollToItem(index, 'center');
}

/** A kernel that dies or restarts during an exercise check gets a clear message. */
const kernelWatchPlugin: JupyterFrontEndPlugin<void> = {
  id: PLUGIN_ID_KERNEL_WATCH,
  description: 'Explains a kernel lost during a distlab check',
  autoStart: true,
  requires: [INotebookTracker],
  activate: (app: JupyterFrontEnd, tracker: INotebookTracker) => {
    const running = new Set<Cell>();
    NotebookActions.executionScheduled.connect((_, { cell }) => {
      if (cell.model.type === 'code' && CHECK_CALL.test(cell.model.sharedModel.getSource())) running.add(cell);
    });
    NotebookActions.executed.connect((_, { cell }) => running.delete(cell));
    tracker.widgetAdded.connect((_, panel) => {
      panel.sessionContext.statusChanged.connect((_, status) => {
        if (status !== 'dead' && status !== 'restarting' && status !== 'autorestarting') return;
        const lost = [...running].filter((cell) => panel.content.widgets.includes(cell));
        if (lost.length === 0) return;
        lost.forEach((cell) => running.delete(cell));
        const where = panel.content.widgets.indexOf(lost[0]) + 1;
        Notification.error(
          `The kernel stopped while a distlab exercise check was running (cell ${where} of ${panel.context.path}). ` +
            'Your code is safe; nothing was recorded for this run. When the kernel is back, re-run the cells above it, then the check.',
          { autoClose: false }
        );
      });
    });
  }
};

export default [corePlugin, questionsPlugin, progressPanelPlugin, checkRendererPlugin, kernelWatchPlugin, reportExportPlugin, paramControlsPlugin, setupHintPlugin, cellErrorLinesPlugin];
