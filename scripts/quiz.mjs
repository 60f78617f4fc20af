// Authoring: turn a plain answer key (kept outside notebooks/) into hashed question metadata
// in a notebook's markdown cells. Usage: npm run quiz -- quiz/<stem>.answers.json [notebook.ipynb]
// Cells are matched by question id: metadata.distlab.question.id, or a marker
// `<!-- question: <id> -->` in the markdown source. Salts already in the notebook are kept,
// so re-running gives a stable diff.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ANSWERS_SRC = join(ROOT, 'extension', 'src', 'answers');

/** The extension's answer modules, transpiled to ESM once per run: the lab and this tool hash alike. */
export async function loadAnswers() {
  const ts = createRequire(import.meta.url)(join(ROOT, 'node_modules', 'typescript'));
  const out = join(ROOT, '.distlab', 'quiz-modules');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'package.json'), '{"type":"module"}\n');
  for (const file of readdirSync(ANSWERS_SRC).filter((f) => f.endsWith('.ts'))) {
    const { outputText } = ts.transpileModule(readFileSync(join(ANSWERS_SRC, file), 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2021 }
    });
    writeFileSync(join(out, file.replace(/\.ts$/, '.js')), outputText.replace(/from '(\.\/[^']+)'/g, "from '$1.js'"));
  }
  return {
    ...(await import(pathToFileURL(join(out, 'authoring.js')).href)),
    ...(await import(pathToFileURL(join(out, 'matching.js')).href))
  };
}

/** nbformat's own layout: sorted keys, one-space indent, UTF-8 kept, trailing newline. */
export function formatNotebook(nb) {
  const sortKeys = (value) => {
    if (Array.isArray(value)) return value.map(sortKeys);
    if (value && typeof value === 'object') return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortKeys(value[k])]));
    return value;
  };
  return `${JSON.stringify(sortKeys(nb), null, 1)}\n`;
}

const MARKER = /<!--\s*question:\s*([a-z0-9][a-z0-9-]*)\s*-->/;

export function questionIdOf(cell) {
  if (cell.cell_type !== 'markdown') return null;
  const fromMeta = cell.metadata?.distlab?.question?.id;
  if (typeof fromMeta === 'string') return fromMeta;
  const source = Array.isArray(cell.source) ? cell.source.join('') : cell.source;
  return MARKER.exec(source)?.[1] ?? null;
}

const cellText = (cell) => (Array.isArray(cell.source) ? cell.source.join('') : cell.source);

/**
 * The rows a `fromRun` response's code cell starts with (the notebook's example): the array literal
 * it shows with `dl.table(<name>, { response: '<id>' })`, read as data (nothing is run).
 */
export function exampleRowsOf(nb, questionIndex, id, parseRowsLiteral) {
  const cell = nb.cells.slice(questionIndex + 1).find((c) => c.cell_type === 'code');
  const source = cell ? cellText(cell) : '';
  const call = new RegExp(`dl\\.table\\(\\s*([A-Za-z_$][\\w$]*)\\s*,[^;]*\\bresponse:\\s*['"]${id}['"]`).exec(source);
  if (!call) throw new Error(`question ${id} (fromRun): the code cell below it must show its rows with dl.table(rows, { response: '${id}' })`);
  const literal = new RegExp(`\\bconst ${call[1].replace(/\$/g, '\\$')}(?:\\s*:[^=\\n]+)?\\s*=\\s*(\\[[\\s\\S]*?\\]);`).exec(source);
  if (!literal) throw new Error(`question ${id} (fromRun): no \`const ${call[1]} = [ ... ];\` in the code cell below it`);
  try {
    return parseRowsLiteral(literal[1]);
  } catch (error) {
    throw new Error(`question ${id} (fromRun): ${call[1]} must start as plain rows of text: ${error.message}`);
  }
}

export async function applyAnswerKey(keyPath, notebookPath) {
  const answers = await loadAnswers();
  const key = JSON.parse(readFileSync(keyPath, 'utf8'));
  const nbPath = resolve(notebookPath ?? join(ROOT, key.notebook ?? ''));
  if (resolve(keyPath).startsWith(join(ROOT, 'notebooks') + '/')) throw new Error(`answer keys must stay outside notebooks/: ${keyPath}`);
  const nb = JSON.parse(readFileSync(nbPath, 'utf8'));
  const seen = new Set();
  const built = {};
  for (const [index, cell] of nb.cells.entries()) {
    const id = questionIdOf(cell);
    if (id === null) continue;
    if (seen.has(id)) throw new Error(`${basename(nbPath)}: question ${id} appears in two cells`);
    seen.add(id);
    let entry = key.questions?.[id];
    if (entry === undefined) throw new Error(`${basename(nbPath)}: cell for question ${id} has no entry in ${relative(ROOT, keyPath)}`);
    if (entry.example !== undefined) throw new Error(`${basename(nbPath)}: question ${id}: the example rows come from its code cell, not from the answer key`);
    // The cell's own example rows: one source, so a run of them is not kept as the learner's.
    if (entry.kind === 'response' && entry.fromRun === true) entry = { ...entry, example: exampleRowsOf(nb, index, id, answers.parseRowsLiteral) };
    const oldSalt = cell.metadata?.distlab?.question?.salt;
    const salt = typeof oldSalt === 'string' && /^[0-9a-f]{32}$/.test(oldSalt) ? oldSalt : randomBytes(16).toString('hex');
    built[id] = answers.buildQuestion(id, entry, salt);
    cell.metadata = { ...(cell.metadata ?? {}), distlab: { version: 1, question: built[id] } };
  }
  const missing = Object.keys(key.questions ?? {}).filter((id) => !seen.has(id));
  if (missing.length > 0) {
    throw new Error(`${basename(nbPath)}: no cell for question(s) ${missing.join(', ')} (add metadata.distlab.question.id or <!-- question: id --> to the markdown cell)`);
  }
  const problems = answers.answerKeyProblems(key, built);
  if (problems.length > 0) throw new Error(problems.join('; '));
  writeFileSync(nbPath, formatNotebook(nb));
  return { notebook: nbPath, questions: [...seen] };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [keyPath, notebookPath] = process.argv.slice(2);
  if (!keyPath) {
    console.error('usage: npm run quiz -- quiz/<notebook-stem>.answers.json [notebooks/<notebook>.ipynb]');
    process.exit(2);
  }
  try {
    const result = await applyAnswerKey(keyPath, notebookPath);
    console.log(`${relative(ROOT, result.notebook)}: hashed ${result.questions.length} question(s): ${result.questions.join(', ')}`);
  } catch (error) {
    console.error(`quiz: ${error.message}`);
    process.exit(1);
  }
}
