// Figure: a Vega-Lite spec, its kernel-rendered SVG and a text summary in one bundle.
import { Displayable, MimeBundle, MIME_SVG, MIME_TEXT, MIME_VEGALITE, inspectDisplayable } from '../core/mime';
import { FIGURE_CONFIG } from './theme';
import { renderVegaLiteSvg, VegaLiteSpec } from './vega-svg';
import { inspect } from 'util';

const EMBED_OPTIONS = { renderer: 'svg', actions: { export: true, source: true, compiled: false, editor: false } };

/**
 * A chart: a Vega-Lite spec for the lab, a static SVG rendered in the kernel for
 * reports and GitHub, and a short text summary. `show(figure)` sends all three in one output;
 * a figure that is a cell's last expression displays the same way.
 */
export class Figure implements Displayable {
  readonly spec: VegaLiteSpec;
  readonly summary: string;
  private svgCache: string | null = null;

  constructor(spec: VegaLiteSpec, summary: string) {
    this.spec = { $schema: 'https://vega.github.io/schema/vega-lite/v5.json', config: FIGURE_CONFIG, ...spec };
    this.summary = summary;
  }

  /** The static SVG, rendered once and cached. */
  svg(): string {
    if (this.svgCache === null) this.svgCache = renderVegaLiteSvg(this.spec);
    return this.svgCache;
  }

  toMimeBundle(): MimeBundle {
    return {
      data: { [MIME_VEGALITE]: this.spec, [MIME_SVG]: this.svg(), [MIME_TEXT]: this.summary },
      // JupyterLab's Vega renderer reads embed options here: SVG keeps text in the DOM
      // (searchable, accessible); the editor action would link to an online site.
      metadata: { [MIME_VEGALITE]: { embed_options: EMBED_OPTIONS } }
    };
  }

  /** A cell's last expression is printed with console.log; this displays the bundle instead. */
  [inspect.custom](depth: number, options: { depth?: number | null }): string {
    return inspectDisplayable(this, this.summary, depth, options);
  }

  toString(): string {
    return this.summary;
  }
}
