// The mime extension that draws plotly outputs, and distlab's space-time replays with their player.
import type { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { MIME_PLOTLY, ReplayRenderer } from './widget';

/** Ahead of Vega-Lite (57) and the static SVG (80) in the same bundle: the lab shows the replay. */
export const REPLAY_RANK = 40;

export const replayRendererFactory: IRenderMime.IRendererFactory = {
  // Outputs are data only: no script runs, and sanitizeFigure keeps traces that load nothing from elsewhere.
  safe: true,
  mimeTypes: [MIME_PLOTLY],
  defaultRank: REPLAY_RANK,
  createRenderer: (options) => new ReplayRenderer(options)
};

const extension: IRenderMime.IExtension = {
  id: '@distlab/jupyterlab:plotly-replay',
  description: 'Renders plotly figures, and distlab space-time diagrams as replays with causal highlighting',
  rendererFactory: replayRendererFactory,
  rank: REPLAY_RANK,
  dataType: 'json'
};

export default extension;
