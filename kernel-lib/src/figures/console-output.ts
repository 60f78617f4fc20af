// Console-like output that displays as one bundle (text and HTML).
import { inspect } from 'util';
import { Displayable, HTML_NO_MATH_CLASS, MimeBundle, MIME_HTML, MIME_TEXT, inspectDisplayable } from '../core/mime';
import { parseString } from '../core/options';

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * A block of terminal output (e.g. what `kubectl get pods` prints), shown in a fixed-width
 * box with the command above it: `text/html` for the lab and reports, `text/plain` elsewhere.
 */
export class ConsoleOutput implements Displayable {
  constructor(readonly command: string, readonly text: string) {}

  toMimeBundle(): MimeBundle {
    const html =
      `<div class="distlab-console ${HTML_NO_MATH_CLASS}" style="font-family:monospace;font-size:12px;line-height:1.35;border-left:3px solid #0072B2;padding:4px 8px;margin:2px 0">` +
      `<div style="opacity:0.75">$ ${escapeHtml(this.command)}</div><pre style="margin:0;white-space:pre">${escapeHtml(this.text)}</pre></div>`;
    return { data: { [MIME_HTML]: html, [MIME_TEXT]: `$ ${this.command}\n${this.text}` } };
  }

  [inspect.custom](depth: number, options: { depth?: number | null }): string {
    return inspectDisplayable(this, `$ ${this.command}\n${this.text}`, depth, options);
  }

  toString(): string {
    return `$ ${this.command}\n${this.text}`;
  }
}

/** Terminal output of `command`, displayed like a shell session. */
export function consoleOutput(command: string, text: string): ConsoleOutput {
  return new ConsoleOutput(parseString('command', command), typeof text === 'string' ? text : String(text));
}
