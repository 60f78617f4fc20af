import { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { Notification } from '@jupyterlab/apputils';
import { URLExt } from '@jupyterlab/coreutils';
import { IMainMenu } from '@jupyterlab/mainmenu';
import { INotebookTracker } from '@jupyterlab/notebook';
import { ServerConnection } from '@jupyterlab/services';

export const PLUGIN_ID_REPORT_EXPORT = '@distlab/jupyterlab:report-export';
export const COMMAND_EXPORT_REPORT = 'distlab:export-report';

/**
 * The two report formats, exported by the server extension (report_handler.py). They are no
 * nbconvert entry points: JupyterLab would list them a second time under their raw names.
 */
const FORMATS: Record<string, { label: string; what: string }> = {
  html: { label: 'distlab report (HTML)', what: 'HTML report' },
  pdf: { label: 'distlab report (PDF)', what: 'PDF report' }
};

/** What the server is doing, as the learner reads it. */
const PHASES: Record<string, string> = {
  queued: 'waiting for another export to finish',
  converting: 'converting the notebook',
  printing: 'printing the PDF with Chromium',
  saving: 'saving'
};

/** The id JupyterLab gives the File → Save and Export Notebook As submenu. */
const EXPORT_SUBMENU_ID = 'jp-mainmenu-file-notebookexport';
const POLL_MS = 500;

interface Job {
  id: string;
  path: string;
  format: string;
  output: string;
  phase: string;
  elapsed: number;
  seconds?: number;
  error?: string;
  message?: string;
}

async function request(init: RequestInit, query = ''): Promise<{ status: number; job: Job }> {
  const settings = ServerConnection.makeSettings();
  const response = await ServerConnection.makeRequest(URLExt.join(settings.baseUrl, 'distlab', 'report') + query, init, settings);
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`the server answered ${response.status} ${response.statusText}`);
  }
  const job = body as Job & { message?: string };
  if (!response.ok && response.status !== 409) throw new Error(job.message ?? `the server answered ${response.status}`);
  return { status: response.status, job };
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * File → Save and Export Notebook As → "distlab report (HTML|PDF)". The export shows its phase
 * and elapsed time at once, runs once at a time, saves the report next to the notebook, opens
 * it in a tab and offers it for download; a failure says why.
 */
export const reportExportPlugin: JupyterFrontEndPlugin<void> = {
  id: PLUGIN_ID_REPORT_EXPORT,
  description: 'Export a notebook as a distlab report',
  autoStart: true,
  requires: [INotebookTracker, IMainMenu],
  activate: (app: JupyterFrontEnd, tracker: INotebookTracker, mainMenu: IMainMenu) => {
    const running = new Set<string>();

    async function exportReport(formatKey: string): Promise<void> {
      const panel = tracker.currentWidget;
      const format = FORMATS[formatKey];
      if (panel === null || format === undefined) return;
      const key = `${formatKey}:${panel.context.path}`;
      if (running.has(key)) return;
      running.add(key);
      app.commands.notifyCommandChanged(COMMAND_EXPORT_REPORT);
      const name = panel.context.path.split('/').pop() ?? panel.context.path;
      const started = Date.now();
      const id = Notification.emit(`Exporting ${name} as a ${format.what}: saving the notebook…`, 'in-progress', { autoClose: false });
      const show = (phase: string) => {
        const seconds = Math.round((Date.now() - started) / 1000);
        Notification.update({ id, message: `Exporting ${name} as a ${format.what}: ${PHASES[phase] ?? phase}… ${seconds} s`, type: 'in-progress', autoClose: false });
      };
      try {
        // The report is made from the saved file.
        if (panel.context.model.dirty && !panel.context.model.readOnly) await panel.context.save();
        let { job } = await request({ method: 'POST', body: JSON.stringify({ path: panel.context.path, format: formatKey }) });
        while (job.phase !== 'done' && job.phase !== 'failed') {
          show(job.phase);
          await wait(POLL_MS);
          job = (await request({ method: 'GET' }, `?id=${encodeURIComponent(job.id)}`)).job;
        }
        if (job.phase === 'failed') throw new Error(job.error ?? 'unknown error');
        const settings = ServerConnection.makeSettings();
        const fileUrl = URLExt.join(settings.baseUrl, 'files', URLExt.encodeParts(job.output));
        Notification.update({
          id,
          type: 'success',
          message: `${format.what} saved: ${job.output} (${job.seconds ?? job.elapsed} s)`,
          autoClose: 15_000,
          actions: [
            { label: 'Open', callback: () => void app.commands.execute('docmanager:open', { path: job.output }) },
            { label: 'Download', callback: () => window.open(`${fileUrl}?download=1`, '_blank', 'noopener') }
          ]
        });
        await app.commands.execute('docmanager:open', { path: job.output });
      } catch (error) {
        Notification.update({ id, type: 'error', message: `The ${format.what} of ${name} was not exported: ${error instanceof Error ? error.message : String(error)}`, autoClose: false });
      } finally {
        running.delete(key);
        app.commands.notifyCommandChanged(COMMAND_EXPORT_REPORT);
      }
    }

    app.commands.addCommand(COMMAND_EXPORT_REPORT, {
      label: (args) => FORMATS[String(args.format ?? 'html')]?.label ?? 'distlab report',
      isEnabled: (args) => {
        const panel = tracker.currentWidget;
        return panel !== null && !running.has(`${String(args.format ?? 'html')}:${panel.context.path}`);
      },
      execute: (args) => exportReport(String(args.format ?? 'html'))
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
