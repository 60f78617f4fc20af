import { execFileSync } from 'node:child_process';
import type { Browser } from 'playwright-core';

/** Reading a report page: its figures are SVGs inside <img src="data:image/svg+xml;base64,…">. */
export function reportFigures(html: string): string[] {
  const figures: string[] = [];
  for (const match of html.matchAll(/<img\b[^>]*\bsrc="data:image\/svg\+xml;base64,([A-Za-z0-9+/=]+)"/g)) {
    figures.push(Buffer.from(match[1], 'base64').toString('utf8'));
  }
  return figures;
}

/** The report's print geometry (distlab_report.css: @page A4, margins 14 mm × 12 mm), in PDF points. */
export const A4_PT = { width: 595.92, height: 841.92 };
export const PAGE_MARGIN_PT = { x: (12 / 25.4) * 72, y: (14 / 25.4) * 72 };
/** The text column in CSS px (96 per inch): what the print layout of the page is laid out in. */
export const TEXT_WIDTH_PX = Math.round(((210 - 2 * 12) / 25.4) * 96);

export interface PdfWord {
  page: number;
  text: string;
  xMin: number;
  xMax: number;
}

/** Every word of a PDF with its page (1-based) and x extent (pdftotext -bbox-layout). */
export function pdfWords(pdf: string): PdfWord[] {
  const xhtml = execFileSync('pdftotext', ['-bbox-layout', pdf, '-'], { encoding: 'utf8', maxBuffer: 256 << 20 });
  const words: PdfWord[] = [];
  let page = 0;
  for (const match of xhtml.matchAll(/<page\b|<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)<\/word>/g)) {
    if (match[0] === '<page') {
      page += 1;
      continue;
    }
    words.push({ page, xMin: Number(match[1]), xMax: Number(match[2]), text: decodeEntities(match[3]) });
  }
  return words;
}

/** Each page's text in drawing order (pdftotext -raw), ligatures unfolded. */
export function pdfPageTexts(pdf: string): string[] {
  const text = execFileSync('pdftotext', ['-raw', pdf, '-'], { encoding: 'utf8', maxBuffer: 256 << 20 });
  return text.split('\f').map((page) => page.normalize('NFKC'));
}

function decodeEntities(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
}

export interface PrintLayout {
  /** Width of the text column (the notebook's content box). */
  columnWidth: number;
  /** Rendered width of each figure, in page order. */
  figureWidths: number[];
  /** Words of console output and code that the layout broke across two lines. */
  brokenWords: string[];
  /** Elements whose right edge passes the text column (their text runs into the margin). */
  overflowing: string[];
}

/**
 * Lay a report out as Chromium prints it (print media, A4 text column) and measure it. Script
 * stays off in the page: the measuring runs from outside, over DevTools.
 */
export async function printLayout(browser: Browser, htmlFile: string): Promise<PrintLayout> {
  const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: TEXT_WIDTH_PX, height: 1000 } });
  try {
    const page = await context.newPage();
    await page.emulateMedia({ media: 'print' });
    await page.goto(`file://${htmlFile}`);
    return await page.evaluate(() => {
      const column = document.querySelector('.jp-Notebook') ?? document.body;
      const box = column.getBoundingClientRect();
      const figureWidths = [...document.querySelectorAll('.distlab-figure img')].map((img) => img.getBoundingClientRect().width);
      const brokenWords: string[] = [];
      for (const pre of document.querySelectorAll('.jp-OutputArea-output pre, .jp-InputArea-editor pre')) {
        const walker = document.createTreeWalker(pre, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          const text = node.textContent ?? '';
          for (const word of text.matchAll(/\S+/g)) {
            const range = document.createRange();
            range.setStart(node, word.index ?? 0);
            range.setEnd(node, (word.index ?? 0) + word[0].length);
            const rects = [...range.getClientRects()].filter((r) => r.width > 0);
            const lines = new Set(rects.map((r) => Math.round(r.top)));
            const width = rects.reduce((sum, r) => sum + r.width, 0);
            // A word wider than the column has to break somewhere; any other must not.
            if (lines.size > 1 && width < box.width) brokenWords.push(word[0]);
          }
        }
      }
      const overflowing: string[] = [];
      for (const element of column.querySelectorAll('*')) {
        const rect = element.getBoundingClientRect();
        if (rect.width > 0 && rect.right > box.right + 1) overflowing.push(`${element.tagName.toLowerCase()}.${[...element.classList].join('.')} right ${Math.round(rect.right)} > ${Math.round(box.right)}`);
      }
      return { columnWidth: box.width, figureWidths, brokenWords, overflowing };
    });
  } finally {
    await context.close();
  }
}
