/**
 * How a distlab error names the learner's code: the frames of their cell, each with the line of
 * code it stopped at. tslab runs a cell as converted JavaScript through `node:vm`
 * (`evalmachine.<anonymous>`), so a frame's line number counts lines of that conversion, not of
 * the cell; the line's text is what identifies it. The display layer installs the reader of a
 * converted script's text (`setScriptLineReader`); without it a frame reads "in this cell".
 */

/** One frame of a stack: its printed `    at …` line and, for a cell's frame, where it is. */
export interface StackFrame {
  text: string;
  /** V8's content hash of the script the frame runs in (a cell's converted code). */
  scriptHash?: string;
  line?: number;
}

/** A line of a cell's converted script, by the script's content hash and the line number. */
export type ScriptLineReader = (scriptHash: string, line: number) => string | null;

let readScriptLine: ScriptLineReader | null = null;

/** Installed by the display layer, where the kernel's scripts can be read. */
export function setScriptLineReader(reader: ScriptLineReader): void {
  readScriptLine = reader;
}

const CELL_SCRIPT = 'evalmachine.<anonymous>';
const FRAMES = Symbol('distlab.stackFrames');
/** Deep enough that distlab's own frames never push the learner's out of the stack. */
const FRAMES_MAX = 64;

interface CallSite {
  getFileName(): string | null | undefined;
  getLineNumber(): number | null;
  getScriptHash?(): string;
  toString(): string;
}

function framesOfSites(sites: readonly CallSite[]): StackFrame[] {
  return sites.map((site) => {
    const frame: StackFrame = { text: `    at ${site.toString()}` };
    if (site.getFileName() === CELL_SCRIPT && typeof site.getScriptHash === 'function') {
      frame.scriptHash = site.getScriptHash();
      frame.line = site.getLineNumber() ?? undefined;
    }
    return frame;
  });
}

/** Read V8's structured frames through `Error.prepareStackTrace`, restoring it at once. */
function withCallSites<T>(read: () => T): T {
  const ErrorWithHooks = Error as unknown as { prepareStackTrace?: unknown; stackTraceLimit: number };
  const { prepareStackTrace, stackTraceLimit } = ErrorWithHooks;
  ErrorWithHooks.prepareStackTrace = (_error: unknown, sites: CallSite[]) => sites;
  ErrorWithHooks.stackTraceLimit = FRAMES_MAX;
  try {
    return read();
  } finally {
    ErrorWithHooks.prepareStackTrace = prepareStackTrace;
    ErrorWithHooks.stackTraceLimit = stackTraceLimit;
  }
}

/** The frames of the current call stack, from the caller of `below` down. */
export function captureFrames(below: Function): StackFrame[] {
  const holder: { stack?: unknown } = {};
  const sites = withCallSites(() => {
    Error.captureStackTrace(holder, below);
    return holder.stack;
  });
  return Array.isArray(sites) ? framesOfSites(sites as CallSite[]) : [];
}

/**
 * The frames of an error someone else threw (a learner's handler). V8 formats a stack when it is
 * first read: if nobody has read it yet, read it structured, then put back the text V8 would
 * have given. If it was read already, only its text is left (frames without positions).
 */
export function framesOfThrown(thrown: Error): StackFrame[] {
  const stack = withCallSites(() => (thrown as { stack?: unknown }).stack);
  if (Array.isArray(stack)) {
    const frames = framesOfSites(stack as CallSite[]);
    thrown.stack = [`${thrown.name}: ${thrown.message}`, ...frames.map((f) => f.text)].join('\n');
    return frames;
  }
  return typeof stack === 'string' ? stack.split('\n').filter((line) => /^\s+at /.test(line)).map((text) => ({ text })) : [];
}

/** Frames of distlab's own code (source or build), tslab and Node say nothing about the learner's line. */
function isLibraryFrame(text: string): boolean {
  return /[\\/]kernel-lib[\\/](src|dist)[\\/]|[\\/]node_modules[\\/](distlab|tslab)[\\/]|\(node:|at node:/.test(text);
}

/** The learner's frames; all of them if none is left (the caller is distlab itself, or its tests). */
export function learnerFrames(frames: readonly StackFrame[]): StackFrame[] {
  const own = frames.filter((frame) => !isLibraryFrame(frame.text));
  return own.length > 0 ? own : [...frames];
}

/** Give an error the learner's frames: its `stack` text, and their positions for `cellReport`. */
export function setLearnerFrames(error: Error, frames: readonly StackFrame[]): void {
  const own = learnerFrames(frames);
  Object.defineProperty(error, FRAMES, { value: own, enumerable: false });
  error.stack = [`${error.name}: ${error.message}`, ...own.map((f) => f.text)].join('\n');
}

/** tslab wraps a cell as `(function(exports, require) { …\n})(__tslab__.exports, __tslab__.require)`. */
const TSLAB_PREFIX = /^\(async function\(exports, require\) \{ |^\(function\(exports, require\) \{ /;
const TSLAB_SUFFIX = /^\}\)\(__tslab__\./;
/** tslab's conversion of a cell's top level: its last expression is assigned, names of earlier cells are read from `exports`. */
const TSLAB_LAST_EXPRESSION = /^exports\.tsLastExpr = /;
const TSLAB_EXPORTS = /\bexports\.(?=[A-Za-z_$])/g;

/** A converted line as the learner wrote it, as far as the conversion allows. */
function asWritten(converted: string): string {
  return converted.replace(TSLAB_PREFIX, '').trim().replace(TSLAB_LAST_EXPRESSION, '').replace(TSLAB_EXPORTS, '');
}
const CODE_MAX = 120;

/** How one learner frame prints: `at make, in this cell: return f(x);`, or as V8 wrote it. */
function describeFrame(frame: StackFrame, runningCellHash: string | undefined): string | null {
  // `Object.start` is V8's name for a method of an object literal: the learner wrote `start`.
  // `async` marks a frame an await resumed: the learner's line all the same.
  const name = /^\s+at (?:async )?(.+?) \(evalmachine\.<anonymous>:\d+:\d+\)$/.exec(frame.text)?.[1]?.replace(/^Object\./, '');
  const inCell = name !== undefined || /^\s+at (?:async )?evalmachine\.<anonymous>:\d+:\d+$/.test(frame.text);
  if (!inCell) return frame.text;
  const read = frame.scriptHash !== undefined && frame.line !== undefined && readScriptLine ? readScriptLine(frame.scriptHash, frame.line) : null;
  const where = runningCellHash !== undefined && frame.scriptHash !== runningCellHash ? 'in an earlier cell' : 'in this cell';
  if (read === null) return name === undefined ? `    ${where}` : `    at ${name} (${where})`;
  // The wrapper's closing line is tslab's, not the learner's: the frame above names the cell.
  if (TSLAB_SUFFIX.test(read.trim())) return null;
  const code = asWritten(read);
  if (code === '') return null;
  const shown = code.length > CODE_MAX ? `${code.slice(0, CODE_MAX - 1)}…` : code;
  return name === undefined ? `    ${where}: ${shown}` : `    at ${name}, ${where}: ${shown}`;
}

/**
 * How a distlab error prints in a notebook (tslab prints with `console.error`, so util.inspect):
 * the message, then each of the learner's frames with the line of code it stopped at. Node's
 * `vm` would put distlab's own file and source line with a caret above it.
 */
export function cellReport(error: Error): string {
  const frames = (error as { [FRAMES]?: StackFrame[] })[FRAMES] ?? learnerFrames((error.stack ?? '').split('\n').filter((line) => /^\s+at /.test(line)).map((text) => ({ text })));
  // The deepest cell frame is the top level of the cell that is running.
  const runningCellHash = frames.filter((frame) => frame.scriptHash !== undefined).pop()?.scriptHash;
  const lines = [`${error.name}: ${error.message}`];
  for (const frame of frames) {
    const line = describeFrame(frame, runningCellHash);
    if (line !== null && line !== lines[lines.length - 1]) lines.push(line);
  }
  return lines.join('\n');
}
