/** Reading a report page: its figures are SVGs inside <img src="data:image/svg+xml;base64,…">. */
export function reportFigures(html: string): string[] {
  const figures: string[] = [];
  for (const match of html.matchAll(/<img\b[^>]*\bsrc="data:image\/svg\+xml;base64,([A-Za-z0-9+/=]+)"/g)) {
    figures.push(Buffer.from(match[1], 'base64').toString('utf8'));
  }
  return figures;
}
