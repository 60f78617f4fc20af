// The sink that lets a figure, table or check result that is a cell's last expression display itself.
import { displayBundle, inKernel } from './show';
import { Displayable, setInlineDisplaySink } from '../core/mime';

/**
 * Lets a figure or table that is a cell's last expression display itself.
 * tslab prints the last expression with `console.log(value)`, so the only hook is
 * `util.inspect.custom`. Inside a kernel, at the top level of that print, we send the
 * bundle and return '' — console.log would then still write a lone "\n" to stdout (a
 * stray stream output), so we drop exactly that one write. The filter removes itself on
 * the next write or at the end of the current synchronous run, whichever comes first.
 * Anywhere else (plain Node, nested in an array, test output) it prints the text summary.
 */
function displayInline(value: Displayable, summary: string, depth: number, options: { depth?: number | null }): string {
  const topLevel = depth === (options?.depth ?? 2);
  if (!topLevel || !inKernel()) return summary;
  displayBundle(value.toMimeBundle());
  dropNextLoneNewline();
  return '';
}

function dropNextLoneNewline(): void {
  const stdout = process.stdout as NodeJS.WriteStream & { write: (...args: unknown[]) => boolean };
  const original = stdout.write;
  const filter = function (this: unknown, ...args: unknown[]): boolean {
    stdout.write = original;
    if (args[0] === '\n') return true;
    return original.apply(this, args);
  };
  stdout.write = filter;
  queueMicrotask(() => {
    if (stdout.write === filter) stdout.write = original;
  });
}


setInlineDisplaySink(displayInline);
