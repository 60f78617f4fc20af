/**
 * Okabe–Ito palette: distinguishable under the common colour-vision deficiencies,
 * and mid-toned enough to read on JupyterLab's light and dark themes.
 */
export const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#F0E442', '#999999'] as const;

/** Neutral grey for axes and text: legible on white and on near-black backgrounds. */
export const INK = '#8a8a8a';

/** Vega-Lite config shared by every figure: transparent background, grey ink. */
export const FIGURE_CONFIG = {
  background: 'transparent',
  font: 'sans-serif',
  title: { color: INK, fontSize: 14, anchor: 'start', subtitleColor: INK },
  // Limit 0: a label is never cut to "…"; the figure grows to fit it (a report scales it to the page).
  axis: { labelColor: INK, titleColor: INK, domainColor: INK, tickColor: INK, gridColor: INK, gridOpacity: 0.25, labelLimit: 0 },
  legend: { labelColor: INK, titleColor: INK, labelLimit: 0, titleLimit: 0 },
  header: { labelColor: INK, titleColor: INK },
  view: { stroke: null },
  range: { category: [...PALETTE] },
  text: { color: INK }
} as const;

/** Colour of each kind of trace event, the same in the space-time diagram and its replay. */
export const EVENT_COLOURS: Record<string, string> = {
  send: PALETTE[0],
  deliver: PALETTE[5],
  drop: PALETTE[3],
  timer: PALETTE[1],
  local: PALETTE[2],
  crash: PALETTE[3],
  restart: PALETTE[2],
  pause: PALETTE[1],
  resume: PALETTE[2],
  partition: INK,
  heal: INK
};
