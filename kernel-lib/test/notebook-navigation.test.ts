import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// A learner finds their way by links and by the Table of Contents: links lead to notebooks and
// sections that exist, Start here links every module, each module ends with what comes next,
// a glossary term is linked where the module first uses it, and headings nest as the ToC shows them.
//
// Links to a section use `#cell-id=<cell id>`. JupyterLab finds a cell by its id as soon as the
// notebook is loaded; a heading's anchor (`#quorum`, `<a id="quorum">`) only once the cell has
// rendered, so a link that opens another notebook at a heading's anchor lands at its top.
// nbconvert's HTML (the reports) gives every cell the same `cell-id=` anchor.

// DISTLAB_NAVIGATION_ROOT: check the notebooks of another checkout (e.g. an older commit).
const ROOT = process.env.DISTLAB_NAVIGATION_ROOT ?? resolve(__dirname, '..', '..');
const NOTEBOOKS = join(ROOT, 'notebooks');
const START = '00-start-here.ipynb';
const GLOSSARY = 'glossary.ipynb';
const GALLERY = 'gallery.ipynb';
/** A module notebook: `5.1-what-makes-systems-distributed.ipynb`. */
const MODULE = /^(\d+)\.(\d+)-.+\.ipynb$/;
/** JupyterLab's Table of Contents shows headings down to this level by default (toc-extension maximalDepth). */
const TOC_DEPTH = 4;

interface Cell { id: string; cell_type: string; source: string | string[]; metadata?: { distlab?: { question?: unknown } } }
interface Notebook { name: string; cells: Cell[]; metadata: { kernelspec?: { name?: string } } }

const text = (cell: Cell) => (Array.isArray(cell.source) ? cell.source.join('') : cell.source);

function readNotebooks(): Map<string, Notebook> {
  const names = existsSync(NOTEBOOKS) ? readdirSync(NOTEBOOKS).filter((n) => n.endsWith('.ipynb')).sort() : [];
  return new Map(names.map((name) => [name, { name, ...(JSON.parse(readFileSync(join(NOTEBOOKS, name), 'utf8')) as Omit<Notebook, 'name'>) }]));
}

/** What the reader sees as text: no fenced blocks, code spans or HTML comments. */
export function prose(markdown: string): string {
  return markdown.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '').replace(/<!--[\s\S]*?-->/g, '');
}

const LINK = /\[((?:[^[\]]|\[[^\]]*\])*)\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)|<a\s[^>]*\bhref="([^"]*)"[^>]*>/g;

export interface Link { text: string; target: string; index: number; length: number }

/** Markdown links and HTML anchors of a markdown text (outside code), in order. */
export function linksOf(markdown: string): Link[] {
  return [...prose(markdown).matchAll(LINK)].map((m) => ({ text: m[1] ?? '', target: m[2] ?? m[3], index: m.index ?? 0, length: m[0].length }));
}

const isRelative = (target: string) => !/^[a-z][a-z\d+.-]*:/i.test(target) && !target.startsWith('//');

/** ATX headings of a markdown text, outside fenced blocks: level and text. */
export function headingsOf(markdown: string): { level: number; text: string }[] {
  return markdown.replace(/```[\s\S]*?```/g, '').split('\n').flatMap((line) => {
    const m = /^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    return m ? [{ level: m[1].length, text: m[2] }] : [];
  });
}

/**
 * Problems of one relative link of notebook `from`: the file must exist, and a fragment must
 * name a cell of the notebook it points into as `#cell-id=<id>`.
 */
export function linkProblem(notebooks: Map<string, Notebook>, from: string, target: string): string | null {
  const [path, fragment] = target.split('#', 2) as [string, string | undefined];
  const file = path === '' ? join(NOTEBOOKS, from) : resolve(NOTEBOOKS, decodeURIComponent(path));
  if (!existsSync(file) || !statSync(file).isFile()) return `${from}: link ${target} points at ${path}, which does not exist`;
  if (fragment === undefined) return null;
  const into = file.endsWith('.ipynb') && dirname(file) === NOTEBOOKS ? notebooks.get(file.slice(NOTEBOOKS.length + 1)) : undefined;
  if (into === undefined) return `${from}: link ${target} has a fragment into a file that is not a notebook of notebooks/`;
  const cellId = /^cell-id=(.+)$/.exec(fragment)?.[1];
  if (cellId === undefined) return `${from}: link ${target}: a section is linked as #cell-id=<id> (JupyterLab resolves a heading's anchor only after the cell has rendered)`;
  return into.cells.some((c) => c.id === cellId) ? null : `${from}: link ${target}: ${into.name} has no cell ${cellId}`;
}

// ---- glossary -----------------------------------------------------------------------------

export interface Term { id: string; heading: string; names: string[] }

/**
 * The glossary's terms, one per cell after the first: the cell id is the term's anchor, its
 * heading the term. A term's names are its heading's alternatives (split at " / ", without a
 * qualifier in parentheses) and the phrases its definition sets in bold.
 */
export function glossaryTerms(glossary: Notebook): Term[] {
  return glossary.cells.slice(1).map((cell) => {
    const source = text(cell);
    const heading = headingsOf(source)[0]?.text ?? '';
    const alternatives = heading.replace(/\([^)]*\)/g, '').split(' / ').map((s) => s.trim()).filter(Boolean);
    const bold = [...source.replace(/^#.*$/m, '').matchAll(/\*\*([^*]+)\*\*/g)].map((m) => m[1].trim());
    const names = [...new Set([...alternatives, ...bold].map((n) => n.toLowerCase()))];
    return { id: cell.id, heading, names };
  });
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** A name as the prose writes it: any case, a plural s, space or hyphen between its words. */
export const namePattern = (name: string) =>
  new RegExp(`(?<![\\w-])${name.split(/[\s-]+/).map(escapeRe).join('[\\s-]+')}(?:s|es)?(?![\\w-])`, 'gi');

export interface Mention { cell: number; index: number; link: string | null; text: string }

/**
 * In order, the glossary links and the plain mentions of a term in a notebook's prose: outside
 * code, HTML comments, headings and question cells (a question is answered without a definition
 * one click away). A name inside a link's text is that link, not a mention.
 */
export function mentionsOf(cells: Cell[], term: Term, glossaryPath = GLOSSARY): Mention[] {
  const pointsHere = (target: string) => target === `${glossaryPath}#cell-id=${term.id}`;
  return cells.flatMap((cell, i) => {
    if (cell.cell_type !== 'markdown' || cell.metadata?.distlab?.question !== undefined) return [];
    // Headings are blanked, emphasis markers dropped: `**drift**` is the word drift.
    const body = prose(text(cell)).replace(/^ {0,3}#{1,6}\s.*$/gm, (h) => ' '.repeat(h.length)).replace(/\*+|(?<!\w)_+|_+(?!\w)/g, '');
    const links = [...body.matchAll(LINK)].map((m) => ({ index: m.index ?? 0, length: m[0].length, target: m[2] ?? m[3], text: m[0] }));
    let plain = body;
    for (const l of links) plain = plain.slice(0, l.index) + ' '.repeat(l.length) + plain.slice(l.index + l.length);
    const found: Mention[] = links.filter((l) => pointsHere(l.target)).map((l) => ({ cell: i, index: l.index, link: l.target, text: l.text }));
    for (const name of term.names) {
      for (const m of plain.matchAll(namePattern(name))) found.push({ cell: i, index: m.index ?? 0, link: null, text: m[0] });
    }
    return found.sort((a, b) => a.index - b.index);
  });
}

/** The term's first appearance, when it is a plain mention before (or without) a glossary link. */
export function unlinkedFirstMention(cells: Cell[], term: Term): Mention | null {
  const first = mentionsOf(cells, term)[0];
  return first !== undefined && first.link === null ? first : null;
}

/** Headings that skip a level on the way down (the ToC would nest them wrongly) or that the ToC hides. */
export function headingProblems(name: string, cells: Cell[]): string[] {
  let level = 0;
  return cells.filter((c) => c.cell_type === 'markdown').flatMap((cell) => headingsOf(text(cell)).flatMap((h) => {
    const out: string[] = [];
    if (h.level > level + 1) out.push(`${name} cell ${cell.id}: "${h.text}" is h${h.level} after h${level}`);
    if (h.level > TOC_DEPTH) out.push(`${name} cell ${cell.id}: "${h.text}" is h${h.level}, deeper than the Table of Contents shows`);
    level = h.level;
    return out;
  }));
}

// ---- the checks ---------------------------------------------------------------------------

describe('navigation between and inside the notebooks', () => {
  const notebooks = readNotebooks();
  const modules = [...notebooks.keys()].filter((n) => MODULE.test(n))
    .sort((a, b) => { const [, a1, a2] = MODULE.exec(a)!; const [, b1, b2] = MODULE.exec(b)!; return Number(a1) - Number(b1) || Number(a2) - Number(b2); });
  const markdownOf = (name: string) => (notebooks.get(name)?.cells ?? []).filter((c) => c.cell_type === 'markdown');

  it('the checks find the mistakes they are for', () => {
    expect(linksOf('see [quorum](glossary.ipynb#cell-id=quorum) and `[x](no.ipynb)`').map((l) => l.target)).toEqual(['glossary.ipynb#cell-id=quorum']);
    expect(headingsOf('# A\n```\n# not a heading\n```\n### C').map((h) => h.level)).toEqual([1, 3]);
    const term: Term = { id: 'quorum', heading: 'Quorum / majority', names: ['quorum', 'majority'] };
    const cell = (source: string, question = false): Cell => ({ id: 'x', cell_type: 'markdown', source, metadata: question ? { distlab: { question: {} } } : {} });
    expect(unlinkedFirstMention([cell('## Quorum\n\nA write needs a **majority**.')], term)?.text).toBe('majority');
    expect(unlinkedFirstMention([cell('A write needs a [majority](glossary.ipynb#cell-id=quorum); quorums of 3.')], term)).toBeNull();
    expect(unlinkedFirstMention([cell('Question: how big is a quorum?', true), cell('`quorum(n)` gives the [quorum](glossary.ipynb#cell-id=quorum).')], term)).toBeNull();
    expect(unlinkedFirstMention([cell('Two quorums'), cell('[quorum](glossary.ipynb#cell-id=quorum)')], term)?.cell).toBe(0);
    expect(unlinkedFirstMention([cell('the majorityQuorum function, a non-majority vote')], term)).toBeNull();
    expect(headingProblems('x', [cell('# A\n\n## B\n\n### C\n\n## D\n\n### E')])).toEqual([]);
    expect(headingProblems('x', [cell('# A'), cell('### C')])).toHaveLength(1);
    expect(headingProblems('x', [cell('# A\n## B\n### C\n#### D\n##### E')])).toEqual([expect.stringContaining('deeper than')]);
  });

  it('there is a start notebook, a glossary and at least one module', () => {
    expect([...notebooks.keys()]).toEqual(expect.arrayContaining([START, GLOSSARY, GALLERY]));
    expect(modules.length).toBeGreaterThan(0);
  });

  it('every relative link in every notebook points at an existing notebook, and at an existing cell of it', () => {
    const problems = [...notebooks.keys()].flatMap((name) => markdownOf(name).flatMap((cell) =>
      linksOf(text(cell)).filter((l) => isRelative(l.target)).map((l) => linkProblem(notebooks, name, l.target)).filter((p): p is string => p !== null)));
    expect(problems).toEqual([]);
  });

  it('the check of a link catches a missing notebook, a missing cell and a heading anchor', () => {
    expect(linkProblem(notebooks, START, 'no-such-module.ipynb')).toContain('does not exist');
    expect(linkProblem(notebooks, START, `${GLOSSARY}#cell-id=no-such-term`)).toContain('has no cell no-such-term');
    expect(linkProblem(notebooks, START, `${GLOSSARY}#Quorum`)).toContain('#cell-id=');
  });

  it('Start here links every module notebook, the gallery and the glossary', () => {
    const targets = new Set(markdownOf(START).flatMap((c) => linksOf(text(c)).map((l) => l.target.split('#')[0])));
    expect([...modules, GALLERY, GLOSSARY].filter((n) => !targets.has(n))).toEqual([]);
  });

  it('every module notebook ends with a Next section: the next module, and the module\'s further reading', () => {
    const problems = modules.flatMap((name, k) => {
      const cells = notebooks.get(name)!.cells;
      const last = cells[cells.length - 1];
      const source = last?.cell_type === 'markdown' ? text(last) : '';
      if (headingsOf(source)[0]?.text !== 'Next' || !/^\s*## Next\b/.test(source)) return [`${name}: the last cell is not a "## Next" section`];
      const out: string[] = [];
      const next = modules[k + 1];
      const targets = linksOf(source).map((l) => l.target);
      if (next !== undefined) {
        if (!targets.some((t) => t.split('#')[0] === next)) out.push(`${name}: Next does not link the next module ${next}`);
      } else {
        const [, major, minor] = MODULE.exec(name)!;
        const coming = `Module ${major}.${Number(minor) + 1}`;
        if (!new RegExp(`${escapeRe(coming)}\\b[^\\n]*coming next`).test(source)) out.push(`${name}: Next does not say that ${coming} is coming next`);
      }
      const reading = cells.find((c) => c.cell_type === 'markdown' && headingsOf(text(c))[0]?.text === 'Further reading');
      if (reading === undefined) out.push(`${name}: no Further reading section`);
      else if (!targets.includes(`#cell-id=${reading.id}`)) out.push(`${name}: Next does not link the Further reading section (#cell-id=${reading.id})`);
      return out;
    });
    expect(problems).toEqual([]);
  });

  it('the glossary is markdown only, one term per cell under a level-2 heading, alphabetical, ids unique', () => {
    const glossary = notebooks.get(GLOSSARY);
    expect(glossary, `${GLOSSARY} in notebooks/`).toBeDefined();
    expect(glossary!.metadata.kernelspec?.name).toBe('tslab');
    expect(glossary!.cells.filter((c) => c.cell_type !== 'markdown').map((c) => c.id)).toEqual([]);
    const terms = glossaryTerms(glossary!);
    expect(terms.length).toBeGreaterThanOrEqual(26);
    for (const [cell, term] of glossary!.cells.slice(1).map((c, i) => [c, terms[i]] as const)) {
      expect(text(cell), term.id).toMatch(/^## \S/);
      expect(headingsOf(text(cell)), term.id).toHaveLength(1);
      expect(term.id, term.heading).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    }
    const headings = terms.map((t) => t.heading);
    expect(headings).toEqual([...headings].sort((a, b) => a.localeCompare(b, 'en', { sensitivity: 'base' })));
    const ids = terms.map((t) => t.id);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
  });

  it('every glossary term is linked where a module, or Start here, first uses it', () => {
    const glossary = notebooks.get(GLOSSARY);
    expect(glossary, `${GLOSSARY} in notebooks/`).toBeDefined();
    const terms = glossaryTerms(glossary!);
    const problems = [START, ...modules].filter((name) => notebooks.has(name)).flatMap((name) => {
      const cells = notebooks.get(name)!.cells;
      return terms.flatMap((term) => {
        const m = unlinkedFirstMention(cells, term);
        return m === null ? [] : [`${name} cell ${cells[m.cell].id}: "${m.text}" is the first mention of ${term.heading}, not linked to ${GLOSSARY}#cell-id=${term.id}`];
      });
    });
    expect(problems).toEqual([]);
    // The module uses most of the glossary; a term list that matched nothing would pass emptily.
    const used = terms.filter((term) => modules.some((name) => mentionsOf(notebooks.get(name)!.cells, term).length > 0));
    expect(used.length).toBeGreaterThan(terms.length / 2);
  });

  it('headings go down one level at a time and no deeper than the Table of Contents shows', () => {
    expect([...notebooks.keys()].flatMap((name) => headingProblems(name, notebooks.get(name)!.cells))).toEqual([]);
  });

  it('every notebook says at its top where the Table of Contents is', () => {
    const missing = [...notebooks.keys()].filter((name) => !/Table of Contents/.test(text(notebooks.get(name)!.cells[0] ?? { id: '', cell_type: '', source: '' })));
    expect(missing).toEqual([]);
  });
});
