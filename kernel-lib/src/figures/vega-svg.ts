// Renders a Vega-Lite spec to SVG in the kernel (vega's headless renderer).
import * as vegaLite from 'vega-lite';

/** A Vega-Lite v5 specification (kept loose: specs are plain JSON). */
export type VegaLiteSpec = Record<string, unknown>;

/** The slice of vega's runtime used here; its shipped typings omit the string renderer. */
interface VegaView {
  run(): VegaView;
  padding(): { left: number; right: number; top: number; bottom: number };
  loader(): unknown;
  background(): unknown;
  scenegraph(): { root: unknown };
  finalize(): void;
  _viewWidth: number;
  _viewHeight: number;
  _origin: [number, number];
}
interface SvgStringRenderer {
  initialize(el: null, width: number, height: number, origin: [number, number], scaleFactor: number): SvgStringRenderer;
  background(color: unknown): SvgStringRenderer;
  render(scene: unknown): SvgStringRenderer;
  svg(): string;
}
interface VegaRuntime {
  View: new (runtime: unknown, options: { renderer: 'none' }) => VegaView;
  parse(spec: unknown): unknown;
  SVGStringRenderer: new (loader: unknown) => SvgStringRenderer;
}
// eslint-disable-next-line @typescript-eslint/no-var-requires
const vega: VegaRuntime = require('vega');

/** Compile a Vega-Lite spec to a Vega spec. */
export function compileVegaLite(spec: VegaLiteSpec): unknown {
  return vegaLite.compile(spec as unknown as vegaLite.TopLevelSpec).spec;
}

/**
 * Render a Vega-Lite spec to an SVG string in the kernel, synchronously.
 * `view.toSVG()` is async; a cell's output must be sent before the cell ends, so we
 * run the dataflow and the string renderer directly (no data loading, no images).
 */
export function renderVegaLiteSvg(spec: VegaLiteSpec): string {
  const view = new vega.View(vega.parse(compileVegaLite(spec)), { renderer: 'none' });
  view.run();
  const padding = view.padding();
  const width = Math.max(0, view._viewWidth + padding.left + padding.right);
  const height = Math.max(0, view._viewHeight + padding.top + padding.bottom);
  const origin: [number, number] = [padding.left + view._origin[0], padding.top + view._origin[1]];
  const renderer = new vega.SVGStringRenderer(view.loader());
  renderer.initialize(null, width, height, origin, 1).background(view.background());
  renderer.render(view.scenegraph().root);
  const svg = renderer.svg();
  view.finalize();
  return svg;
}
