import { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { PageConfig } from '@jupyterlab/coreutils';
import { IMainMenu } from '@jupyterlab/mainmenu';
import { INotebookTracker } from '@jupyterlab/notebook';

export const PLUGIN_ID_REPORT_EXPORT = '@distlab/jupyterlab:report-export';
export const COMMAND_EXPORT_REPORT = 'distlab:export-report';

/** nbconvert exporters registered by the Python package (see exporter.py). */
const FORMATS: Record<string, { exporter: string; label: string }> = {
  html: { exporter: 'distlab_report', label: 'distlab report (HTML)' },
  pdf: { exporter: 'distlab_report_pdf', label: 'distlab report (PDF)' }
};

/** The id JupyterLab gives the File → Save and Export Notebook As submenu. */
const EXPORT_SUBMENU_ID = 'jp-mainmenu-file-notebookexport';

/**
 * File → Save and Export Notebook As → "distlab report (HTML|PDF)". JupyterLab already lists
 * every nbconvert exporter under its raw name ("Distlab_report"); these entries name it
 * clearly and come first.
 */
export const reportExportPlugin: JupyterFrontEndPlugin<void> = {
  id: PLUGIN_ID_REPORT_EXPORT,
  description: 'Export a notebook as a distlab report',
  autoStart: true,
  requires: [INotebookTracker, IMainMenu],
  activate: (app: JupyterFrontEnd, tracker: INotebookTracker, mainMenu: IMainMenu) => {
    app.commands.addCommand(COMMAND_EXPORT_REPORT, {
      label: (args) => FORMATS[String(args.format ?? 'html')]?.label ?? 'distlab report',
      isEnabled: () => tracker.currentWidget !== null,
      execute: async (args) => {
        const panel = tracker.currentWidget;
        const format = FORMATS[String(args.format ?? 'html')];
        if (panel === null || format === undefined) return;
        // The report is made from the saved file, as nbconvert reads it from disk.
        if (panel.context.model.dirty && !panel.context.model.readOnly) await panel.context.save();
        const url = PageConfig.getNBConvertURL({ format: format.exporter, download: true, path: panel.context.path });
        window.open(url, '_blank', 'noopener');
      }
    });
    const items = Object.keys(FORMATS).map((format) => ({ command: COMMAND_EXPORT_REPORT, args: { format } }));
    // Menus declared in settings are built once the lab is restored.
    void app.restored.then(() => {
      const exportMenu = mainMenu.fileMenu.items.find((item) => item.type === 'submenu' && item.submenu?.id === EXPORT_SUBMENU_ID)?.submenu;
      if (exportMenu) {
        [...items].reverse().forEach((item) => exportMenu.insertItem(0, item));
      } else {
        mainMenu.fileMenu.addGroup(items, 100);
      }
    });
  }
};
