import { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';

/** Plugin ids are constants so settings and tests can name them. */
export const PLUGIN_ID_CORE = '@distlab/jupyterlab:core';

/** Marks the lab as distlab-enabled; later plugins add questions and progress. */
const corePlugin: JupyterFrontEndPlugin<void> = {
  id: PLUGIN_ID_CORE,
  description: 'distlab course features',
  autoStart: true,
  activate: (app: JupyterFrontEnd) => {
    document.body.dataset.distlab = 'ready';
    void app;
  }
};

export default [corePlugin];
