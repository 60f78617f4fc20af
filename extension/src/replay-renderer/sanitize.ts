// What a plotly output may ask of the page: 2-D charts only, nothing that loads from the network.

/** A plotly figure as JSON, after the checks below. */
export interface PlotlyFigure {
  data: Record<string, unknown>[];
  layout: Record<string, unknown>;
  frames: Record<string, unknown>[];
}

/**
 * Trace types drawn from the data alone. Maps, geo and image traces are left out: they fetch
 * tiles, topojson or images from other sites, and a saved output may come from anyone.
 */
export const ALLOWED_TRACE_TYPES = ['scatter', 'bar', 'histogram', 'histogram2d', 'heatmap', 'contour', 'box', 'violin', 'pie', 'waterfall', 'funnel'];
/** Layout parts that load from elsewhere (images by URL, map styles and tiles). */
const LAYOUT_KEYS_DROPPED = ['images', 'geo', 'map', 'mapbox'];
const TRACES_MAX = 2000;
const FRAMES_MAX = 2000;

export class PlotlyInputError extends Error {}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function checkTraces(traces: unknown, where: string): Record<string, unknown>[] {
  if (!Array.isArray(traces)) throw new PlotlyInputError(`${where} must be an array of traces`);
  if (traces.length > TRACES_MAX) throw new PlotlyInputError(`${where}: ${traces.length} traces (at most ${TRACES_MAX})`);
  return traces.map((trace, i) => {
    if (!isObject(trace)) throw new PlotlyInputError(`${where}[${i}] must be an object`);
    const type = trace.type ?? 'scatter';
    if (typeof type !== 'string' || !ALLOWED_TRACE_TYPES.includes(type)) {
      throw new PlotlyInputError(`${where}[${i}].type ${JSON.stringify(type)} is not drawn here (allowed: ${ALLOWED_TRACE_TYPES.join(', ')})`);
    }
    return trace;
  });
}

function dropRemoteLayout(layout: Record<string, unknown>): Record<string, unknown> {
  for (const key of LAYOUT_KEYS_DROPPED) delete layout[key];
  const template = layout.template;
  if (isObject(template)) {
    if (isObject(template.layout)) dropRemoteLayout(template.layout);
    if (isObject(template.data)) for (const type of Object.keys(template.data)) if (!ALLOWED_TRACE_TYPES.includes(type)) delete template.data[type];
  }
  return layout;
}

/** A deep copy of the output's figure (plotly writes into what it is given), checked. */
export function sanitizeFigure(raw: unknown): PlotlyFigure {
  if (!isObject(raw)) throw new PlotlyInputError('a plotly output must be an object with data, layout and frames');
  const copy = JSON.parse(JSON.stringify(raw)) as Record<string, unknown>;
  const data = checkTraces(copy.data ?? [], 'data');
  const layout = isObject(copy.layout) ? dropRemoteLayout(copy.layout) : {};
  const framesRaw = copy.frames ?? [];
  if (!Array.isArray(framesRaw)) throw new PlotlyInputError('frames must be an array');
  if (framesRaw.length > FRAMES_MAX) throw new PlotlyInputError(`${framesRaw.length} frames (at most ${FRAMES_MAX})`);
  const frames = framesRaw.map((frame, k) => {
    if (!isObject(frame)) throw new PlotlyInputError(`frames[${k}] must be an object`);
    if (frame.data !== undefined) checkTraces(frame.data, `frames[${k}].data`);
    if (isObject(frame.layout)) dropRemoteLayout(frame.layout);
    return frame;
  });
  return { data, layout, frames };
}

/**
 * The page's own plotly settings: no logo, no cloud or share buttons, no zoom (the lanes have a
 * fixed pixel size), no MathJax (a "$100" label is money, not maths), SVG downloads.
 */
export const PLOTLY_CONFIG = {
  displaylogo: false,
  showSendToCloud: false,
  showEditInChartStudio: false,
  responsive: false,
  typesetMath: false,
  scrollZoom: false,
  doubleClick: false,
  displayModeBar: 'hover',
  modeBarButtonsToRemove: ['zoom2d', 'pan2d', 'select2d', 'lasso2d', 'zoomIn2d', 'zoomOut2d', 'autoScale2d', 'resetScale2d'],
  toImageButtonOptions: { format: 'svg' }
};
