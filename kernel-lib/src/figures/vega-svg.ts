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

/** A few recent entries, the oldest dropped first, bounded in count and in characters held. */
class RecentCache<V> {
  private readonly entries = new Map<string, { value: V; chars: number }>();
  private chars = 0;
  constructor(private readonly countMax: number, private readonly charsMax: number) {}

  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  set(key: string, value: V, valueChars: number): void {
    const chars = key.length + valueChars;
    if (chars > this.charsMax) return;
    const old = this.entries.get(key);
    if (old !== undefined) {
      this.entries.delete(key);
      this.chars -= old.chars;
    }
    this.entries.set(key, { value, chars });
    this.chars += chars;
    for (const [oldest, entry] of this.entries) {
      if (this.entries.size <= this.countMax && this.chars <= this.charsMax) break;
      this.entries.delete(oldest);
      this.chars -= entry.chars;
    }
  }
}

const SLOT = '__distlabDataSlot';

/**
 * The spec with every inline `data.values` replaced by a one-row marker naming its slot, and the
 * values by slot. Equal datasets share a slot, so Vega-Lite merges them as it would the originals.
 * The top-level title's text and subtitle become marker strings the same way.
 */
function cutOutData(spec: VegaLiteSpec): { shape: VegaLiteSpec; slots: unknown[][]; texts: string[] } {
  const slots: unknown[][] = [];
  const slotOf = new Map<string, number>();
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(walk);
    if (node === null || typeof node !== 'object') return node;
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) {
      const values = key === 'data' && value !== null && typeof value === 'object' ? (value as { values?: unknown }).values : undefined;
      if (Array.isArray(values)) {
        const text = JSON.stringify(values);
        let slot = slotOf.get(text);
        if (slot === undefined) {
          slot = slots.length;
          slotOf.set(text, slot);
          slots.push(values);
        }
        out[key] = { ...(value as object), values: [{ [SLOT]: slot }] };
      } else {
        out[key] = walk(value);
      }
    }
    return out;
  };
  const shape = walk(spec) as VegaLiteSpec;
  // Titles carry the parameters ("… (seed 7)"): the top-level title's strings are slots too.
  const texts: string[] = [];
  const marker = (text: unknown) => {
    if (typeof text !== 'string') return text;
    texts.push(text);
    return `${SLOT}${texts.length - 1}`;
  };
  if (typeof shape.title === 'string') shape.title = marker(shape.title);
  else if (shape.title !== null && typeof shape.title === 'object' && !Array.isArray(shape.title)) {
    const title = { ...(shape.title as Record<string, unknown>) };
    for (const key of ['text', 'subtitle']) if (key in title) title[key] = marker(title[key]);
    shape.title = title;
  }
  return { shape, slots, texts };
}

/** Put the title strings back where the compile copied their markers. */
function fillTexts(node: unknown, texts: string[]): unknown {
  if (typeof node === 'string') {
    const match = node.startsWith(SLOT) ? /^__distlabDataSlot(\d+)$/.exec(node) : null;
    return match ? texts[Number(match[1])] : node;
  }
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) node[i] = fillTexts(node[i], texts);
  } else if (node !== null && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) (node as Record<string, unknown>)[key] = fillTexts(value, texts);
  }
  return node;
}

/** Vega specs compiled from spec shapes (data cut out): a re-run whose figure only has new data skips the compile. */
const compiledShapes = new RecentCache<{ data?: { values?: unknown }[] }>(64, 4_000_000);

/** Compile a Vega-Lite spec to a Vega spec. */
export function compileVegaLite(spec: VegaLiteSpec): unknown {
  const { shape, slots, texts } = cutOutData(spec);
  const key = JSON.stringify(shape);
  let compiled = compiledShapes.get(key);
  if (compiled === undefined) {
    compiled = vegaLite.compile(shape as unknown as vegaLite.TopLevelSpec).spec as { data?: { values?: unknown }[] };
    compiledShapes.set(key, compiled, key.length);
  }
  // A fresh copy each time: vega may annotate the spec it parses.
  const vegaSpec = texts.length > 0 ? (fillTexts(structuredClone(compiled), texts) as typeof compiled) : structuredClone(compiled);
  for (const data of vegaSpec.data ?? []) {
    const marker = Array.isArray(data.values) && data.values.length === 1 ? (data.values[0] as Record<string, unknown> | null) : null;
    if (marker !== null && typeof marker === 'object' && typeof marker[SLOT] === 'number') data.values = slots[marker[SLOT] as number];
  }
  return vegaSpec;
}

/** SVGs by their whole spec: re-running a cell whose figure did not change renders nothing. */
const svgBySpec = new RecentCache<string>(32, 16_000_000);

/**
 * Render a Vega-Lite spec to an SVG string in the kernel, synchronously.
 * `view.toSVG()` is async; a cell's output must be sent before the cell ends, so we
 * run the dataflow and the string renderer directly (no data loading, no images).
 */
export function renderVegaLiteSvg(spec: VegaLiteSpec): string {
  const key = JSON.stringify(spec);
  const cached = svgBySpec.get(key);
  if (cached !== undefined) return cached;
  const svg = renderUncached(spec);
  svgBySpec.set(key, svg, svg.length);
  return svg;
}

function renderUncached(spec: VegaLiteSpec): string {
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
