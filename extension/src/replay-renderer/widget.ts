// The replay renderer: a plotly figure with a player (play/pause, speed, scrubber) and causal highlighting on click.
import type { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { Widget } from '@lumino/widgets';
import { causalSets, CausalStamps } from './causal';
import { PLOTLY_CONFIG, PlotlyFigure, sanitizeFigure } from './sanitize';
import '../../style/replay.css';

export const MIME_PLOTLY = 'application/vnd.plotly.v1+json';

/** The block distlab's spaceTimeReplay puts in `layout.meta.distlabReplay` (version 1). */
export interface ReplayMeta {
  version: number;
  off: string | null;
  axis: 'time' | 'lamport' | 'order';
  axisTitle: string;
  unit: string;
  lanes: string[];
  frameTimes: number[];
  framesPerSecond: number;
  speeds: number[];
  traces: {
    events: number[];
    arrows: number[];
    arrowHeads: number;
    labels: number;
    litArrows: number;
    past: number;
    focus: number;
    future: number;
    curtain: number;
    cursor: number;
    moving: number;
    stateText: number;
  };
  causal: CausalStamps & { vectorNodes: string[] };
  messages: number[][];
  focusSeq: number | null;
}

/** The parts of plotly.js this renderer calls, typed loosely: figures arrive as plain JSON. */
interface PlotlyApi {
  newPlot(root: HTMLElement, data: unknown[], layout: unknown, config: unknown): Promise<unknown>;
  addFrames(root: HTMLElement, frames: unknown[]): Promise<unknown>;
  animate(root: HTMLElement, frames: string[], options: unknown): Promise<void>;
  restyle(root: HTMLElement, update: Record<string, unknown>, traces: number[]): Promise<unknown>;
  relayout(root: HTMLElement, update: Record<string, unknown>): Promise<unknown>;
  purge(root: HTMLElement): void;
}

interface GraphDiv extends HTMLElement {
  on(event: string, handler: (data: any) => void): void;
  data: Record<string, any>[];
}

let plotlyPromise: Promise<PlotlyApi> | null = null;

/** plotly.js is a chunk of this extension, loaded from the lab server on first use (never a CDN). */
export function loadPlotly(): Promise<PlotlyApi> {
  if (plotlyPromise === null) {
    plotlyPromise = import(/* webpackChunkName: "plotly" */ 'plotly.js-dist-min').then((m: any) => (m.default ?? m) as PlotlyApi);
  }
  return plotlyPromise;
}

const FADED = 0.12;
const STILL = { frame: { duration: 0, redraw: false }, transition: { duration: 0 }, mode: 'immediate' };

/** Theme colours from JupyterLab's CSS variables, with light-theme fallbacks. */
function themeColours(): { background: string; ink: string; inkSoft: string; grid: string; panel: string; border: string } {
  const style = getComputedStyle(document.body);
  const read = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  return {
    background: read('--jp-layout-color0', '#ffffff'),
    panel: read('--jp-layout-color1', '#ffffff'),
    ink: read('--jp-ui-font-color1', 'rgba(0,0,0,0.87)'),
    inkSoft: read('--jp-ui-font-color2', 'rgba(0,0,0,0.54)'),
    grid: read('--jp-border-color2', '#e0e0e0'),
    border: read('--jp-border-color1', '#bdbdbd')
  };
}

export function replayMetaOf(figure: PlotlyFigure): ReplayMeta | null {
  const meta = (figure.layout.meta as { distlabReplay?: ReplayMeta } | undefined)?.distlabReplay;
  return meta && meta.version === 1 ? meta : null;
}

function formatTime(meta: ReplayMeta, t: number): string {
  if (meta.axis === 'time') return `t = ${Number(t.toFixed(t < 10 ? 2 : 1))} ms`;
  return meta.axis === 'lamport' ? `Lamport ${Number(t.toFixed(1))}` : `event ${Number(t.toFixed(1))}`;
}

/**
 * Renders `application/vnd.plotly.v1+json`. A distlab replay gets the player above the plot and
 * the causal highlight on click; any other plotly figure is drawn as it is (2-D traces only).
 */
export class ReplayRenderer extends Widget implements IRenderMime.IRenderer {
  private plot: GraphDiv | null = null;
  private meta: ReplayMeta | null = null;
  private frame = 0;
  private speed = 1;
  private playing = false;
  private rafId = 0;
  private playFrom = { wallMs: 0, frame: 0 };
  private focus: number | null = null;
  private themeObserver: MutationObserver | null = null;
  private attached: Promise<void>;
  private resolveAttached: () => void = () => undefined;
  private controls: { play: HTMLButtonElement; speed: HTMLSelectElement; scrubber: HTMLInputElement; time: HTMLOutputElement; status: HTMLElement } | null = null;
  /** Frames drawn since rendering: the fps measurement reads it. */
  framesDrawn = 0;

  constructor(_options?: IRenderMime.IRendererOptions) {
    super();
    this.addClass('jp-distlab-replay');
    this.node.dataset.mimeType = MIME_PLOTLY;
    this.attached = new Promise((resolve) => (this.resolveAttached = resolve));
  }

  protected override onAfterAttach(): void {
    this.resolveAttached();
  }

  async renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    this.teardown();
    let figure: PlotlyFigure;
    try {
      figure = sanitizeFigure(model.data[MIME_PLOTLY]);
    } catch (error) {
      this.node.replaceChildren(this.message(`This plotly output is not drawn: ${(error as Error).message}`));
      return;
    }
    const meta = replayMetaOf(figure);
    this.meta = meta;
    if (meta?.off) {
      this.node.replaceChildren(this.message(`No replay: ${meta.off}.`));
      return;
    }
    const plot = document.createElement('div') as unknown as GraphDiv;
    plot.className = 'jp-distlab-replay-plot';
    const parts: HTMLElement[] = [];
    if (meta) parts.push(...this.buildControls(meta));
    parts.push(plot);
    this.node.replaceChildren(...parts);
    const Plotly = await loadPlotly();
    // Plotly measures text as it lays out: draw once the output is in the page.
    await Promise.race([this.attached, new Promise((resolve) => setTimeout(resolve, 1000))]);
    if (this.isDisposed) return;
    const layout = { ...figure.layout };
    if (meta) {
      // The player above replaces plotly's own slider and buttons (kept for other plotly viewers).
      delete layout.sliders;
      delete layout.updatemenus;
    }
    this.applyTheme(layout, figure.data, meta);
    const config = meta ? { ...PLOTLY_CONFIG } : { ...PLOTLY_CONFIG, doubleClick: 'reset+autosize', modeBarButtonsToRemove: [] };
    await Plotly.newPlot(plot, figure.data, layout, config);
    if (figure.frames.length) await Plotly.addFrames(plot, figure.frames);
    this.plot = plot;
    if (!meta) return;
    this.frame = meta.frameTimes.length - 1;
    this.showTime();
    plot.on('plotly_animatingframe', (event: { name?: string }) => this.frameDrawn(String(event.name)));
    plot.on('plotly_click', (event: { points?: { curveNumber: number; customdata?: unknown }[] }) => {
      const point = event.points?.[0];
      const seq = Array.isArray(point?.customdata) ? point?.customdata[0] : undefined;
      if (!point || !meta.traces.events.includes(point.curveNumber) || typeof seq !== 'number') return;
      void this.highlight(this.focus === seq ? null : seq);
    });
    this.node.addEventListener('keydown', (event) => {
      if (event.key === 'Escape' && this.focus !== null) void this.highlight(null);
    });
    this.themeObserver = new MutationObserver(() => void this.retheme());
    this.themeObserver.observe(document.body, { attributes: true, attributeFilter: ['data-jp-theme-light', 'data-jp-theme-name'] });
    if (meta.focusSeq !== null) await this.highlight(meta.focusSeq);
    this.node.dataset.ready = 'true';
  }

  private message(text: string): HTMLElement {
    const p = document.createElement('p');
    p.className = 'jp-distlab-replay-message';
    p.textContent = text;
    return p;
  }

  private buildControls(meta: ReplayMeta): HTMLElement[] {
    const bar = document.createElement('div');
    bar.className = 'jp-distlab-replay-toolbar';
    bar.setAttribute('role', 'toolbar');
    bar.setAttribute('aria-label', 'Replay');
    const play = document.createElement('button');
    play.type = 'button';
    play.className = 'jp-distlab-replay-play jp-Button';
    const speed = document.createElement('select');
    speed.className = 'jp-distlab-replay-speed';
    speed.setAttribute('aria-label', 'Replay speed');
    for (const s of meta.speeds) {
      const option = document.createElement('option');
      option.value = String(s);
      option.textContent = `${s}×`;
      option.selected = s === 1;
      speed.append(option);
    }
    const scrubber = document.createElement('input');
    scrubber.type = 'range';
    scrubber.className = 'jp-distlab-replay-scrubber';
    scrubber.min = '0';
    scrubber.max = String(meta.frameTimes.length - 1);
    scrubber.step = '1';
    scrubber.value = scrubber.max;
    scrubber.setAttribute('aria-label', `Time (${meta.axisTitle})`);
    const time = document.createElement('output');
    time.className = 'jp-distlab-replay-time';
    const status = document.createElement('div');
    status.className = 'jp-distlab-replay-status';
    status.setAttribute('aria-live', 'polite');
    status.textContent = 'Click an event to light up its causal past and future.';
    const speedLabel = document.createElement('label');
    speedLabel.className = 'jp-distlab-replay-speed-label';
    speedLabel.append('speed ', speed);
    bar.append(play, speedLabel, scrubber, time);
    // Arrow keys move the scrubber, not the notebook's selection; Shift/Ctrl-Enter still run cells.
    bar.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && (event.shiftKey || event.ctrlKey || event.metaKey)) return;
      event.stopPropagation();
    });
    play.addEventListener('click', () => (this.playing ? this.pause() : this.play()));
    speed.addEventListener('change', () => this.setSpeed(Number(speed.value)));
    scrubber.addEventListener('input', () => {
      this.pause();
      this.requestFrame(Number(scrubber.value));
    });
    this.controls = { play, speed, scrubber, time, status };
    this.setPlayingState(false);
    return [bar, status];
  }

  private setPlayingState(playing: boolean): void {
    this.playing = playing;
    this.node.dataset.playing = String(playing);
    if (!this.controls) return;
    this.controls.play.textContent = playing ? '❚❚ Pause' : '▶ Play';
    this.controls.play.setAttribute('aria-label', playing ? 'Pause the replay' : 'Play the replay');
  }

  /** Play from the current frame (from the start when at the end), at the chosen speed. */
  play(): void {
    const meta = this.meta;
    if (!meta || !this.plot) return;
    if (this.frame >= meta.frameTimes.length - 1) this.requestFrame(0);
    this.playFrom = { wallMs: performance.now(), frame: this.frame };
    this.setPlayingState(true);
    const tick = (now: number) => {
      if (!this.playing) return;
      // A frame's timestamp may precede the click that started playing: never step backwards.
      const elapsedMs = Math.max(0, now - this.playFrom.wallMs);
      const target = Math.min(meta.frameTimes.length - 1, this.playFrom.frame + Math.floor((elapsedMs / 1000) * meta.framesPerSecond * this.speed));
      if (target !== this.frame) this.requestFrame(target);
      if (target >= meta.frameTimes.length - 1) {
        this.setPlayingState(false);
        return;
      }
      this.rafId = requestAnimationFrame(tick);
    };
    this.rafId = requestAnimationFrame(tick);
  }

  pause(): void {
    cancelAnimationFrame(this.rafId);
    this.setPlayingState(false);
  }

  setSpeed(speed: number): void {
    this.speed = speed;
    if (this.controls) this.controls.speed.value = String(speed);
    // Keep the replay where it is: the new pace starts from the current frame.
    this.playFrom = { wallMs: performance.now(), frame: this.frame };
  }

  /**
   * Show frame k. Plotly applies it on its next animation frame; a newer request replaces one not
   * yet applied ('immediate'), so a slow page skips frames instead of queueing them.
   */
  requestFrame(k: number): void {
    const plot = this.plot;
    if (!plot || !this.meta || !plotlyPromise) return;
    k = Math.max(0, Math.min(this.meta.frameTimes.length - 1, Math.round(k)));
    this.frame = k;
    this.showTime();
    void plotlyPromise.then((p) => p.animate(plot, [String(k)], STILL)).catch(() => undefined);
  }

  /** plotly_animatingframe: a frame was drawn (the fps measurement and the tests count these). */
  private frameDrawn(name: string): void {
    this.framesDrawn++;
    this.node.dataset.framesDrawn = String(this.framesDrawn);
    this.node.dataset.drawnFrame = name;
  }

  private showTime(): void {
    const meta = this.meta;
    if (!meta) return;
    const t = meta.frameTimes[this.frame];
    this.node.dataset.frame = String(this.frame);
    this.node.dataset.time = String(t);
    if (!this.controls) return;
    this.controls.scrubber.value = String(this.frame);
    this.controls.time.textContent = formatTime(meta, t);
    this.controls.scrubber.setAttribute('aria-valuetext', formatTime(meta, t));
  }

  /** Light up the causal past and future of the event `seq` and fade the rest; null clears. */
  async highlight(seq: number | null): Promise<void> {
    const meta = this.meta;
    const plot = this.plot;
    if (!meta || !plot) return;
    const Plotly = await loadPlotly();
    const t = meta.traces;
    this.focus = seq;
    this.node.dataset.focus = seq === null ? '' : String(seq);
    const sets = seq === null ? null : causalSets(meta.causal, seq);
    const lit = (s: number) => sets === null || s === seq || sets.past.has(s) || sets.future.has(s);
    // An event's customdata starts with its seq.
    const seqsOf = (i: number) => (plot.data[i].customdata as unknown[][]).map((c) => c[0] as number);
    await Plotly.restyle(plot, { 'marker.opacity': t.events.map((i) => seqsOf(i).map((s) => (lit(s) ? 1 : FADED))) }, t.events);
    const background = [...t.arrows, t.arrowHeads, t.labels];
    await Plotly.restyle(plot, { opacity: background.map(() => (sets === null ? 1 : FADED)) }, background);
    const where = new Map<number, [number, number]>();
    for (const i of t.events) {
      const trace = plot.data[i];
      seqsOf(i).forEach((s, j) => where.set(s, [trace.x[j], trace.y[j]]));
    }
    const ring = (of: Iterable<number>) => {
      const points = [...of].map((s) => where.get(s)).filter((p): p is [number, number] => p !== undefined);
      return { x: points.map((p) => p[0]), y: points.map((p) => p[1]) };
    };
    const chainX: (number | null)[] = [];
    const chainY: (number | null)[] = [];
    if (sets !== null) {
      for (const [send, end, x1, lane1, x2, lane2] of meta.messages) {
        if (lit(send) && (end < 0 || lit(end))) chainX.push(x1, x2, null), chainY.push(lane1, lane2, null);
      }
    }
    const past = ring(sets?.past ?? []);
    const future = ring(sets?.future ?? []);
    const focus = ring(seq === null ? [] : [seq]);
    await Plotly.restyle(plot, { x: [chainX, past.x, focus.x, future.x], y: [chainY, past.y, focus.y, future.y] }, [t.litArrows, t.past, t.focus, t.future]);
    if (this.controls) {
      this.controls.status.textContent = sets === null
        ? 'Click an event to light up its causal past and future.'
        : `Event #${seq}: ${sets.past.size} events happened before it (purple rings), ${sets.future.size} after it (blue rings); ` +
          `${sets.concurrent.size} are concurrent with it (faded). Click it again or press Esc to clear.`;
    }
  }

  private applyTheme(layout: Record<string, any>, data: Record<string, any>[], meta: ReplayMeta | null): void {
    const c = themeColours();
    layout.font = { ...(layout.font ?? {}), color: c.ink };
    layout.hoverlabel = { bgcolor: c.panel, bordercolor: c.border, font: { color: c.ink } };
    for (const axis of ['xaxis', 'yaxis']) {
      if (layout[axis]) layout[axis] = { ...layout[axis], gridcolor: c.grid, color: c.ink };
    }
    if (!meta) return;
    const t = meta.traces;
    const curtain = data[t.curtain];
    if (curtain) curtain.fillcolor = c.background, curtain.line = { ...(curtain.line ?? {}), color: c.background };
    const moving = data[t.moving];
    if (moving) moving.marker = { ...moving.marker, line: { ...(moving.marker?.line ?? {}), color: c.background } };
    const labels = data[t.labels];
    if (labels) labels.textfont = { ...(labels.textfont ?? {}), color: c.inkSoft };
  }

  private async retheme(): Promise<void> {
    const plot = this.plot;
    const meta = this.meta;
    if (!plot || !meta) return;
    const Plotly = await loadPlotly();
    const c = themeColours();
    await Plotly.relayout(plot, {
      'font.color': c.ink, 'hoverlabel.bgcolor': c.panel, 'hoverlabel.bordercolor': c.border, 'hoverlabel.font.color': c.ink,
      'xaxis.gridcolor': c.grid, 'xaxis.color': c.ink, 'yaxis.color': c.ink
    });
    await Plotly.restyle(plot, { fillcolor: c.background, 'line.color': c.background }, [meta.traces.curtain]);
    await Plotly.restyle(plot, { 'marker.line.color': c.background }, [meta.traces.moving]);
    await Plotly.restyle(plot, { 'textfont.color': c.inkSoft }, [meta.traces.labels]);
  }

  private teardown(): void {
    this.pause();
    this.themeObserver?.disconnect();
    this.themeObserver = null;
    if (this.plot && plotlyPromise) {
      const plot = this.plot;
      void plotlyPromise.then((p) => p.purge(plot));
    }
    this.plot = null;
    this.controls = null;
    this.focus = null;
  }

  override dispose(): void {
    if (this.isDisposed) return;
    this.teardown();
    super.dispose();
  }
}
