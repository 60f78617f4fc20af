// Checks and helpers shared by figures: sizes, titles, traces as figures accept them, text tables.
import { parseInteger, parseNumber, parseString, customOption, invalid, numberOption, type OptionSpec } from '../core/options';
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
    parseNumber(`${name}.events[${i}].timeMs`, event.timeMs, -Infinity, Infinity, 'ms');
    parseString(`${name}.events[${i}].node`, event.node);
    parseInteger(`${name}.events[${i}].seq`, event.seq, 0, Number.MAX_SAFE_INTEGER);
  });
  return [...(events as TraceEvent[])].sort((a, b) => a.seq - b.seq);
}

// Option shapes figures share; core/options has no string option, so they are built here.

/** A non-empty string (a title, an axis name). */
export function textOption(o: { doc: string; default: string }): OptionSpec<string, true>;
export function textOption(o: { doc: string; defaultText?: string }): OptionSpec<string, false>;
export function textOption(o: { doc: string; default?: string; defaultText?: string }): OptionSpec<string> {
  return customOption<string>({ ...o, expected: 'a non-empty string', parse: (name, value) => parseString(name, value) });
}

/** A non-empty list of non-empty strings (lanes, nodes, columns), each named in its error. */
export function textListOption(o: { doc: string; defaultText: string; expected: string }): OptionSpec<readonly string[], false> {
  return customOption<readonly string[]>({
    ...o,
    parse: (name, value) => {
      if (!Array.isArray(value) || value.length === 0) invalid(name, value, o.expected);
      value.forEach((item, i) => parseString(`${name}[${i}]`, item));
      return value as readonly string[];
    }
  });
}

/** Plot width, 100..4000 px. */
export function widthPxOption(defaultPx: number, doc = 'Plot width in pixels'): OptionSpec<number, true> {
  return numberOption({ doc, min: 100, max: 4000, unit: 'px', default: defaultPx });
}

/** Plot height, 50..4000 px. */
export function heightPxOption(defaultPx: number, doc = 'Plot height in pixels'): OptionSpec<number, true> {
  return numberOption({ doc, min: 50, max: 4000, unit: 'px', default: defaultPx });
}

/** A non-empty array of finite numbers (e.g. latency samples), returned as a copy. */
export function checkSamples(name: string, values: unknown, min = -Infinity): number[] {
  if (!Array.isArray(values) || values.length === 0) invalid(name, values, 'a non-empty array of numbers');
  return values.map((v, i) => parseNumber(`${name}[${i}]`, v, min, Infinity));
}

/** Pad columns of a small text table for `text/plain` summaries. */
export function textTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, c) => Math.max(h.length, maxOf(rows.map((r) => r[c].length))));
  const line = (cells: readonly string[]) => cells.map((cell, c) => cell.padEnd(widths[c])).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
