import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

// An emoji drawn as text needs an emoji font, which a lab machine may not have (Debian's Chromium
// has none): the progress panel's "answer shown" eye was an empty box. Marks are inline SVG.
const ROOT = join(__dirname, '..');
const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : /\.(ts|tsx|css)$/.test(name) ? [path] : [];
  });
// Astral-plane characters (the emoji blocks) and the emoji presentation selector.
const EMOJI = /[\u{10000}-\u{10FFFF}\u{FE0F}]/u;

describe('the extension draws no emoji as text', () => {
  it('finds the rule on a line that breaks it', () => {
    expect(EMOJI.test("revealed: '\u{1F441}'")).toBe(true);
    expect(EMOJI.test("correct: '\u2714', unanswered: '\u25CB'")).toBe(false);
  });

  it('no source or style file of the extension has one', () => {
    const found = [...files(join(ROOT, 'src')), ...files(join(ROOT, 'style'))].flatMap((path) =>
      readFileSync(path, 'utf8')
        .split('\n')
        .flatMap((line, i) => (EMOJI.test(line) ? [`${relative(ROOT, path)}:${i + 1}: ${line.trim()}`] : []))
    );
    expect(found).toEqual([]);
  });
});
