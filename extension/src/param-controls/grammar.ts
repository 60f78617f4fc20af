// The `// @param` grammar of parameter controls: parse a code cell's top const lines, rewrite one literal.
// Pure (no JupyterLab, no DOM), so it is unit-tested on its own.

/**
 * Parameter controls in a code cell's source. The grammar is documented in one place,
 * extension/README.md, section "Parameter controls"; in short, on a `const` line at the top
 * of a code cell:
 *
 *     const dropProbability = 0.1; // @param 0..1 step 0.01        slider (step optional, unit optional)
 *     const skewMs = 50; // @param 0..500 step 5 ms                 slider with a unit
 *     const mode: dl.FailureMode = 'crash'; // @param 'none' | 'crash'   dropdown of literals
 *     const requestIds = false; // @param                           checkbox
 *     const seed = 7; // @param seed                                seed field and "new seed" button
 *
 * The parser never throws: a line it cannot read becomes a `ParamProblem` with a message.
 */

export type Literal = number | string | boolean;

export interface NumberSpec {
  kind: 'number';
  min: number;
  max: number;
  step: number;
  /** Empty when the comment names none. */
  unit: string;
  /** Fraction digits the values of this grid need (from min and step). */
  decimals: number;
}
export interface ChoiceSpec {
  kind: 'choice';
  options: (string | number)[];
}
export interface BooleanSpec {
  kind: 'boolean';
}
export interface SeedSpec {
  kind: 'seed';
}
export type ParamSpec = NumberSpec | ChoiceSpec | BooleanSpec | SeedSpec;

/** Where a literal sits in the source: [start, end) in UTF-16 units, as the shared model counts them. */
export interface LiteralSpan {
  start: number;
  end: number;
  text: string;
}

export interface ParamControl {
  ok: true;
  name: string;
  /** 0-based line of the cell. */
  line: number;
  spec: ParamSpec;
  value: Literal;
  literal: LiteralSpan;
}
export interface ParamProblem {
  ok: false;
  /** The const's name when the line got that far. */
  name: string | null;
  line: number;
  message: string;
}
export type ParamRow = ParamControl | ParamProblem;

/** Seeds are what kernel-lib's checkSeed accepts: integers 0..2^53 - 1. */
export const SEED_MAX = Number.MAX_SAFE_INTEGER;
/** More positions than this on one slider is a typo in the step, not a control. */
export const SLIDER_POSITIONS_MAX = 1_000_000;

const NUMBER = String.raw`-?(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+)?`;
const STRING = String.raw`'[^'\\\n]*'|"[^"\\\n]*"`;
const LITERAL = `${NUMBER}|${STRING}|true|false`;
const IDENT = String.raw`[A-Za-z_$][\w$]*`;
const UNIT = String.raw`[A-Za-zµ%°][\w%°µ/²³·.-]*`;

const PARAM_COMMENT = /\/\/\s*@param\b/;
/** `const name[: Type] = value[;] // @param spec` (the value's shape is checked separately, for a precise message). */
const PARAM_LINE = new RegExp(String.raw`^(\s*)const\s+(${IDENT})\s*(?::\s*([^=]*?)\s*)?=\s*(.*?)\s*;?\s*\/\/\s*@param\b(.*)$`);
const LITERAL_WHOLE = new RegExp(`^(?:${LITERAL})$`);
const RANGE = new RegExp(String.raw`^(${NUMBER})\s*\.\.\s*(${NUMBER})(?:\s+step\s+(${NUMBER}))?(?:\s+(${UNIT}))?$`);
const CHOICE_ITEM = new RegExp(`^(?:${NUMBER}|${STRING})$`);

const GRAMMAR_HINT = "expected MIN..MAX [step S] [unit], 'a' | 'b' | …, seed, or nothing (a checkbox)";

/** Fraction digits of a number as written in decimal (0.01 → 2, 5 → 0, 1e-3 → 3), capped at 12. */
export function decimalsOf(x: number): number {
  for (let d = 0; d <= 12; d++) {
    const scaled = x * 10 ** d;
    if (Math.abs(scaled - Math.round(scaled)) < 1e-9 * Math.max(1, Math.abs(scaled))) return d;
  }
  return 12;
}

/** A number as the source should show it: fixed notation, no trailing zeros, no "-0". */
export function formatNumber(x: number, decimals: number): string {
  const text = x.toFixed(Math.min(20, Math.max(0, decimals)));
  const trimmed = text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
  return trimmed === '-0' ? '0' : trimmed;
}

function readLiteral(text: string): Literal {
  if (text === 'true') return true;
  if (text === 'false') return false;
  if (text.startsWith("'") || text.startsWith('"')) return text.slice(1, -1);
  return Number(text);
}

function describe(value: Literal): string {
  return typeof value === 'string' ? `'${value}'` : String(value);
}

/** The grid position nearest to `value`, and whether `value` lies on it. */
export function snapToGrid(spec: NumberSpec, value: number): { value: number; onGrid: boolean } {
  const k = Math.round((value - spec.min) / spec.step);
  const snapped = Number(formatNumber(Math.min(spec.max, Math.max(spec.min, spec.min + k * spec.step)), spec.decimals));
  const onGrid = Math.abs(value - snapped) <= 1e-9 * Math.max(1, Math.abs(spec.step));
  return { value: snapped, onGrid };
}

function parseSpec(specText: string, value: Literal): { spec: ParamSpec } | { message: string } {
  const text = specText.trim();
  if (text === '') {
    if (typeof value !== 'boolean') return { message: `a bare @param is a checkbox and needs true or false, not ${describe(value)}` };
    return { spec: { kind: 'boolean' } };
  }
  if (/^seed\b/.test(text)) {
    if (text !== 'seed') return { message: `cannot read "@param ${text}": a seed control is just "@param seed"` };
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > SEED_MAX) {
      return { message: `a seed must be an integer 0..${SEED_MAX}, not ${describe(value)}` };
    }
    return { spec: { kind: 'seed' } };
  }
  const range = RANGE.exec(text);
  if (range) {
    const min = Number(range[1]);
    const max = Number(range[2]);
    if (!(min < max)) return { message: `the range ${range[1]}..${range[2]} is empty: MIN must be below MAX` };
    const integers = Number.isInteger(min) && Number.isInteger(max) && (typeof value !== 'number' || Number.isInteger(value));
    const step = range[3] !== undefined ? Number(range[3]) : integers ? 1 : (max - min) / 100;
    if (!(step > 0)) return { message: `step ${range[3]} must be above 0` };
    if (step > max - min) return { message: `step ${range[3]} is wider than the range ${range[1]}..${range[2]}` };
    if ((max - min) / step > SLIDER_POSITIONS_MAX) return { message: `step ${formatNumber(step, 12)} gives more than ${SLIDER_POSITIONS_MAX} positions on ${range[1]}..${range[2]}` };
    const spec: NumberSpec = { kind: 'number', min, max, step, unit: range[4] ?? '', decimals: Math.max(decimalsOf(min), decimalsOf(step)) };
    if (typeof value !== 'number') return { message: `a slider ${range[1]}..${range[2]} needs a number, not ${describe(value)}` };
    if (value < min || value > max) return { message: `${describe(value)} is outside its range ${range[1]}..${range[2]}` };
    const snapped = snapToGrid(spec, value);
    if (!snapped.onGrid) {
      return { message: `${describe(value)} is not on the grid ${range[1]}..${range[2]} step ${formatNumber(step, spec.decimals)} (nearest: ${formatNumber(snapped.value, spec.decimals)})` };
    }
    return { spec };
  }
  if (text.includes('|')) {
    const items = text.split('|').map((item) => item.trim());
    const bad = items.find((item) => !CHOICE_ITEM.test(item));
    if (bad !== undefined) return { message: `cannot read the choice ${bad === '' ? '(empty)' : bad}: each choice is a quoted string or a number` };
    const options = items.map((item) => readLiteral(item) as string | number);
    const seen = new Set<string>();
    for (const option of options) {
      const key = `${typeof option}:${option}`;
      if (seen.has(key)) return { message: `the choice ${describe(option)} is listed twice` };
      seen.add(key);
    }
    if (!options.some((option) => option === value)) {
      return { message: `${describe(value)} is not one of its choices ${options.map(describe).join(' | ')}` };
    }
    return { spec: { kind: 'choice', options } };
  }
  return { message: `cannot read "@param ${text}": ${GRAMMAR_HINT}` };
}

/** Brackets a line opens minus those it closes, outside strings and comments. */
function bracketDepth(line: string): number {
  let depth = 0;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '/' && line[i + 1] === '/') break;
    if (c === "'" || c === '"' || c === '`') {
      const close = line.indexOf(c, i + 1);
      if (close === -1) break;
      i = close;
    } else if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
  }
  return depth;
}

/**
 * Tracks the header of a cell: its leading run of blank lines, comments, imports and const
 * declarations (one line or several). Controls live there, above the code that uses them.
 */
class HeaderScanner {
  inHeader = true;
  private inBlockComment = false;
  private depth = 0;

  /** Feed the next line; says whether it is a comment line (nothing on it to parse). */
  next(line: string): { comment: boolean } {
    const trimmed = line.trim();
    if (this.inBlockComment) {
      this.inBlockComment = !trimmed.includes('*/');
      return { comment: true };
    }
    if (trimmed.startsWith('/*')) {
      this.inBlockComment = !trimmed.includes('*/');
      return { comment: true };
    }
    if (trimmed.startsWith('//')) return { comment: true };
    if (!this.inHeader) return { comment: false };
    if (this.depth > 0) {
      this.depth += bracketDepth(line);
    } else if (trimmed !== '' && !/^(import|const)\b/.test(trimmed)) {
      this.inHeader = false;
    } else {
      this.depth = Math.max(0, bracketDepth(line));
    }
    return { comment: false };
  }
}

/** Every `// @param` line of a code cell, in order: a control, or a problem to show in its place. Never throws. */
export function parseParams(source: string): ParamRow[] {
  const rows: ParamRow[] = [];
  const lines = source.split('\n');
  let offset = 0;
  const header = new HeaderScanner();
  lines.forEach((rawLine, index) => {
    const lineStart = offset;
    offset += rawLine.length + 1;
    // A CRLF source keeps its \r at the end of the line; the literal offsets stay exact.
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    const { comment } = header.next(line);
    const inHeader = header.inHeader;
    if (comment || !PARAM_COMMENT.test(line)) return;
    const declaration = /^\s*(let|var|const)\s+([A-Za-z_$][\w$]*)/.exec(line);
    if (declaration === null) return; // "// @param" in a comment or a string of ordinary code: not ours.
    const name = declaration[2];
    if (declaration[1] !== 'const') {
      rows.push({ ok: false, name, line: index, message: `${name}: only a const line can carry a @param (found ${declaration[1]})` });
      return;
    }
    if (!inHeader) {
      rows.push({ ok: false, name, line: index, message: `${name}: a @param const must be at the top of the cell, before other code` });
      return;
    }
    const match = PARAM_LINE.exec(line);
    if (match === null) {
      rows.push({ ok: false, name, line: index, message: `${name}: cannot read this line; expected const ${name} = value; // @param …` });
      return;
    }
    const literalText = match[4];
    if (!LITERAL_WHOLE.test(literalText)) {
      rows.push({ ok: false, name, line: index, message: `${name}: the value must be a number, a quoted string, true or false, not ${literalText === '' ? '(nothing)' : literalText}` });
      return;
    }
    const value = readLiteral(literalText);
    const parsed = parseSpec(match[5], value);
    if ('message' in parsed) {
      rows.push({ ok: false, name, line: index, message: `${name}: ${parsed.message}` });
      return;
    }
    // The first '=' is the assignment: names and type annotations hold none.
    const column = line.indexOf(literalText, line.indexOf('=') + 1);
    rows.push({
      ok: true,
      name,
      line: index,
      spec: parsed.spec,
      value,
      literal: { start: lineStart + column, end: lineStart + column + literalText.length, text: literalText }
    });
  });
  return rows;
}

/** The literal to write for `value`, in the style of the current one (its quotes, the grid's digits). */
export function literalFor(control: ParamControl, value: Literal): string {
  switch (control.spec.kind) {
    case 'number':
      return formatNumber(snapToGrid(control.spec, Number(value)).value, control.spec.decimals);
    case 'seed':
      return String(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'choice': {
      if (typeof value === 'number') return String(value);
      const quote = control.literal.text.startsWith('"') ? '"' : "'";
      return `${quote}${value}${quote}`;
    }
  }
}

/**
 * Whether a control may set `value`: a control can only set values within its own range
 * (a hand-typed value out of range is the library's to reject).
 */
export function acceptsValue(control: ParamControl, value: Literal): boolean {
  const spec = control.spec;
  switch (spec.kind) {
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) && value >= spec.min && value <= spec.max;
    case 'seed':
      return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= SEED_MAX;
    case 'boolean':
      return typeof value === 'boolean';
    case 'choice':
      return spec.options.some((option) => option === value);
  }
}

/** The edit that sets the control named `name` to `value` in `source`, or null if the control is gone or refuses it. */
export function editFor(source: string, name: string, value: Literal): { start: number; end: number; text: string } | null {
  const control = parseParams(source).find((row): row is ParamControl => row.ok && row.name === name);
  if (control === undefined || !acceptsValue(control, value)) return null;
  const text = literalFor(control, value);
  if (text === control.literal.text) return null;
  return { start: control.literal.start, end: control.literal.end, text };
}

/** `source` with the edit applied (the plugin applies the same edit to the shared model instead). */
export function applyEdit(source: string, edit: { start: number; end: number; text: string }): string {
  return source.slice(0, edit.start) + edit.text + source.slice(edit.end);
}

/** A new seed from bits the page supplies (crypto.getRandomValues in the browser): 0..2^32 - 1. */
export function seedFrom(bits: Uint32Array): number {
  return bits[0] >>> 0;
}
