// Checks and helpers shared by figures: sizes, titles, traces as figures accept them, text tables.
import { checkInteger, checkNumber, checkString, invalid } from '../core/options';
import { maxOf } from '../core/numbers';
import { TraceEvent } from '../trace/event';

/** A trace as figures accept it: an event array, `{ events: [...] }`, or the engine's `Trace` (with `events()`). */
export type TraceInput = readonly TraceEvent[] | { readonly events: readonly TraceEvent[] } | { events(): TraceEvent[] };

/** The events of a trace, checked enough that a figure can draw them; sorted by seq. */
export function traceEvents(trace: TraceInput, name = 'trace'): TraceEvent[] {
  const held = Array.isArray(trace) ? trace : (trace as { events?: unknown } | null)?.events;
  const events = typeof held === 'function' ? (held as () => unknown).call(trace) : held;
  if (!Array.isArray(events)) invalid(name, typeof trace, 'an array of TraceEvent or an object with an events array');
  events.forEach((event: TraceEvent, i: number) => {
    if (typeof event !== 'object' || event === null) invalid(`${name}.events[${i}]`, event, 'a TraceEvent');
    checkNumber(`${name}.events[${i}].timeMs`, event.timeMs, -Infinity, Infinity, 'ms');
    checkString(`${name}.events[${i}].node`, event.node);
    checkInteger(`${name}.events[${i}].seq`, event.seq, 0, Number.MAX_SAFE_INTEGER);
  });
  return [...(events as TraceEvent[])].sort((a, b) => a.seq - b.seq);
}

/** Common size options, checked with the house phrasing. */
export function checkWidthPx(value: number | undefined, defaultPx: number): number {
  return checkNumber('widthPx', value ?? defaultPx, 100, 4000, 'px');
}

export function checkHeightPx(value: number | undefined, defaultPx: number): number {
  return checkNumber('heightPx', value ?? defaultPx, 50, 4000, 'px');
}

export function checkTitle(value: string | undefined, defaultTitle: string): string {
  return checkString('title', value ?? defaultTitle);
}

/** A non-empty array of finite numbers (e.g. latency samples), returned as a copy. */
export function checkSamples(name: string, values: unknown, min = -Infinity): number[] {
  if (!Array.isArray(values) || values.length === 0) invalid(name, values, 'a non-empty array of numbers');
  return values.map((v, i) => checkNumber(`${name}[${i}]`, v, min, Infinity));
}

/** Pad columns of a small text table for `text/plain` summaries. */
export function textTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, c) => Math.max(h.length, maxOf(rows.map((r) => r[c].length))));
  const line = (cells: readonly string[]) => cells.map((cell, c) => cell.padEnd(widths[c])).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
