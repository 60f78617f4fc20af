/**
 * distlab prints each frame of the learner's cell with its line of code (`in this cell: f(x);`):
 * the kernel runs tslab's conversion of the cell, whose line numbers are not the cell's. The lab
 * knows the cells' sources, so it finds that line and adds its number: `in this cell, line 7: f(x);`.
 */

/** A frame line as the kernel prints it: indentation, optional `at name, `, the cell, the code. */
const FRAME = /^(\s+(?:at [^\n]+?, )?)in (this cell|an earlier cell): (.+)$/;

/** Whitespace and a statement's `;` do not identify a line; a cut line ends with `…`. */
function normalised(code: string): string {
  return code.replace(/\s+/g, '').replace(/;$/, '');
}

function matches(cellLine: string, printed: string): boolean {
  const line = normalised(cellLine);
  if (line === '') return false;
  return printed.endsWith('…') ? line.startsWith(normalised(printed.slice(0, -1))) : line === normalised(printed);
}

/** 1-based numbers of the lines of `source` that read as `printed`. */
export function linesReading(source: string, printed: string): number[] {
  return source.split('\n').flatMap((line, index) => (matches(line, printed) ? [index + 1] : []));
}

export interface CodeCellSource {
  source: string;
  /** The prompt's number (`[5]`), if the cell has run. */
  executionCount: number | null;
}

export interface CellSources {
  /** The source of the cell that printed the error. */
  own: string;
  /** Every code cell of the notebook, in order (the own cell among them). */
  all: readonly CodeCellSource[];
}

/** How the learner finds a cell: by the number in its prompt, else by counting code cells. */
function cellName(cell: CodeCellSource, index: number): string {
  return cell.executionCount === null ? `code cell ${index + 1}` : `cell [${cell.executionCount}]`;
}

/**
 * The printed error with line numbers added where a frame's code is found on exactly one line
 * (of this cell, or for an earlier cell, of exactly one cell of the notebook). Frames already
 * numbered, or whose code is ambiguous or not found, stay as printed.
 */
export function numberCellLines(text: string, cells: CellSources): string {
  return text
    .split('\n')
    .map((line) => {
      const frame = FRAME.exec(line);
      if (!frame) return line;
      const [, lead, where, code] = frame;
      if (where === 'this cell') {
        const found = linesReading(cells.own, code);
        return found.length === 1 ? `${lead}in this cell, line ${found[0]}: ${code}` : line;
      }
      const holders = cells.all.flatMap((cell, index) => {
        const found = cell.source === cells.own ? [] : linesReading(cell.source, code);
        return found.length === 0 ? [] : [{ cell: cellName(cell, index), line: found.length === 1 ? found[0] : 0 }];
      });
      return holders.length === 1 && holders[0].line > 0 ? `${lead}in ${holders[0].cell}, line ${holders[0].line}: ${code}` : line;
    })
    .join('\n');
}
