/**
 * Reads a line of a cell's converted script, so a distlab error can show the learner's line of
 * code. Node's in-process inspector lists the scripts V8 has compiled, with the same content hash
 * a stack frame reports; it is switched on only while an error is being printed.
 */
import { Session } from 'node:inspector';
import { setScriptLineReader } from '../core/cell-frames';

const CELL_SCRIPT = 'evalmachine.<anonymous>';

interface ParsedScript {
  scriptId: string;
  url: string;
  hash: string;
}

function readScriptLine(scriptHash: string, line: number): string | null {
  const session = new Session();
  try {
    session.connect();
    const cells: ParsedScript[] = [];
    session.on('Debugger.scriptParsed', (message: { params: ParsedScript }) => {
      if (message.params.url === CELL_SCRIPT) cells.push(message.params);
    });
    // An in-process session answers synchronously: the scripts are listed once `post` returns.
    session.post('Debugger.enable');
    const script = cells.find((cell) => cell.hash === scriptHash);
    if (script === undefined) return null;
    let source: string | undefined;
    session.post('Debugger.getScriptSource', { scriptId: script.scriptId }, (error, result) => {
      if (!error) source = result.scriptSource;
    });
    session.post('Debugger.disable');
    return source?.split('\n')[line - 1] ?? null;
  } catch {
    // Another debugger session, or no inspector in this build of Node: fall back to "in this cell".
    return null;
  } finally {
    session.disconnect();
  }
}

setScriptLineReader(readScriptLine);
