import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COURSE_CALL_NS, COURSE_CROSS_COUNTRY_RTT_NS, LATENCY_NUMBERS } from '../src/topics/latency/latency-numbers';
import { dbLoopExperiment } from '../src/topics/latency/db-loop';
import { fibreLatency } from '../src/topics/latency/speed-of-light';
import { TRADING_OPTIONS } from '../src/topics/clocks/clocks';
import { majorityQuorum } from '../src/topics/quorum/quorum-availability';
import { nodeMonitorGracePeriodS, KUBE_NODE_FAILURE_TIMES_OPTIONS } from '../src/topics/kube/node-failure-times';
import { SCALABILITY_OPTIONS } from '../src/topics/scalability/scalability';
import { capBankExperiment } from '../src/topics/resilience/resilience-patterns';
import { DISTRIBUTION_SPECTRUM, placeOnSpectrum, type SystemComponent } from '../src/topics/scalability/spectrum';

// One number, one source. Prose, questions and feedback state numbers the library also holds;
// each must read the library's value. Three checks:
//  - a library constant named in a text (disk seek, same-DC round trip, ...) carries its own value
//    whenever a time is stated next to it, wherever the sentence is;
//  - the course numbers listed in CLAIMS (47 ms, quorum sizes, grace periods, quiz answers ...) are
//    found where they are said to be and equal the library expression beside them;
//  - next to a cell that measures this machine, prose states no time that is not one of the two
//    above: a measured value differs per machine and run, so the output prints it, never the text.

// DISTLAB_NUMBERS_ROOT: check the notebooks and answer keys of another checkout (e.g. an older commit).
const ROOT = process.env.DISTLAB_NUMBERS_ROOT ?? resolve(__dirname, '..', '..');
const NOTEBOOKS = join(ROOT, 'notebooks');
const QUIZ = join(ROOT, 'quiz');

interface Cell { id: string; cell_type: string; source: string | string[] }
interface Text { where: string; text: string }

const joined = (s: string | string[]) => (Array.isArray(s) ? s.join('') : s);
/** Prose only: no fenced blocks, code spans or HTML comments (code states parameters, not claims). */
const prose = (markdown: string) => markdown.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '').replace(/<!--[\s\S]*?-->/g, '');

function notebookCells(): { notebook: string; cells: Cell[] }[] {
  return readdirSync(NOTEBOOKS).filter((n) => n.endsWith('.ipynb')).sort()
    .map((name) => ({ notebook: name, cells: (JSON.parse(readFileSync(join(NOTEBOOKS, name), 'utf8')) as { cells: Cell[] }).cells }));
}

/** Every text a learner reads in a question's key: title, hints, explanation, answer in words, feedback. */
function quizTexts(): Text[] {
  return readdirSync(QUIZ).filter((n) => n.endsWith('.answers.json')).sort().flatMap((name) => {
    const key = JSON.parse(readFileSync(join(QUIZ, name), 'utf8')) as { questions: Record<string, Record<string, unknown>> };
    return Object.entries(key.questions).flatMap(([id, q]) => {
      const parts = [q.title, q.explanation, q.answerText, ...((q.hints as string[] | undefined) ?? []),
        ...((q.wrong as { feedback?: string }[] | undefined) ?? []).map((w) => w.feedback)];
      return [{ where: `${name}#${id}`, text: parts.filter((p): p is string => typeof p === 'string').join('\n\n') }];
    });
  });
}

function allTexts(): Text[] {
  const md = notebookCells().flatMap(({ notebook, cells }) => cells.filter((c) => c.cell_type === 'markdown')
    .map((c) => ({ where: `${notebook}#${c.id}`, text: prose(joined(c.source)) })));
  return [...md, ...quizTexts()];
}

// ---- quantities ---------------------------------------------------------------------------

const UNIT_S: Record<string, number> = { ns: 1e-9, nanosecond: 1e-9, 'µs': 1e-6, 'μs': 1e-6, us: 1e-6, microsecond: 1e-6, ms: 1e-3, millisecond: 1e-3, s: 1, second: 1, min: 60, minute: 60, h: 3600, hour: 3600 };
const WORDS: Record<string, number> = { 'half a': 0.5, a: 1, an: 1, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, fifty: 50, hundred: 100, 'a hundred': 100, 'a thousand': 1000, 'a million': 1e6 };
const VAGUE = ['tens of', 'hundreds of', 'thousands of', 'a few', 'several', 'some'];
const NUMBER = String.raw`\d[\d,]*(?:\.\d+)?(?:e-?\d+)?`;
const WORD = [...VAGUE, ...Object.keys(WORDS)].sort((a, b) => b.length - a.length).map((w) => w.replace(/ /g, '\\s+')).join('|');
const UNIT = 'nanoseconds?|microseconds?|milliseconds?|seconds?|minutes?|hours?|ns|µs|μs|us|ms|min|s|h';
const QUANTITY = new RegExp(String.raw`(?<![\w.])(?:(${NUMBER})[\s-]?|(${WORD})[\s-]+)(${UNIT})(?![\wµμ])`, 'gi');

export interface Quantity { text: string; index: number; seconds: number | null; decimals: number }

/** Times stated in a text: `2 ms`, `500 µs`, `half a millisecond`; `tens of nanoseconds` has no value (null). */
export function quantities(text: string): Quantity[] {
  return [...text.matchAll(QUANTITY)].map((m) => {
    const [number, unitWord] = [(m[1] ?? m[2]).toLowerCase().replace(/\s+/g, ' '), m[3]];
    const unit = UNIT_S[unitWord] ?? UNIT_S[unitWord.toLowerCase().replace(/s$/, '')];
    const value = /^\d/.test(number) ? Number(number.replace(/,/g, '')) : VAGUE.includes(number) ? null : WORDS[number];
    const decimals = /\.(\d+)/.exec(number)?.[1].length ?? 0;
    return { text: m[0], index: m.index ?? 0, seconds: value === null || value === undefined ? null : value * unit, decimals };
  });
}

/** A printed number stands for `value` when it is `value` rounded to the digits printed. */
function printedAs(printed: number, decimals: number, value: number): boolean {
  return Math.abs(printed - value) <= 0.5 * 10 ** -decimals + 1e-9 * Math.abs(value);
}
function sameTime(q: Quantity, seconds: number): boolean {
  if (q.seconds === null) return false;
  const unit = q.seconds / Number(q.text.match(new RegExp(`^(${NUMBER})`))?.[1].replace(/,/g, '') ?? NaN);
  return Number.isFinite(unit) ? printedAs(q.seconds / unit, q.decimals, seconds / unit) : Math.abs(q.seconds - seconds) <= 1e-9 * seconds;
}

// ---- library constants named in text --------------------------------------------------------

const row = (operation: string) => {
  const r = LATENCY_NUMBERS.find((x) => x.operation === operation);
  if (!r) throw new Error(`no latency row ${operation}`);
  return r.latencyNs * 1e-9;
};

/** Names under which the texts mention a library constant, and its value in seconds. */
export const NAMED_CONSTANTS: { name: string; source: string; pattern: RegExp; seconds: number }[] = [
  { name: 'L1 cache reference', source: 'LATENCY_NUMBERS', pattern: /\bL1 cache reference/i, seconds: row('L1 cache reference') },
  { name: 'L2 cache reference', source: 'LATENCY_NUMBERS', pattern: /\bL2 cache reference/i, seconds: row('L2 cache reference') },
  { name: 'main memory reference', source: 'LATENCY_NUMBERS', pattern: /main memory reference|memory access/i, seconds: row('Main memory reference') },
  { name: 'SSD random read', source: 'LATENCY_NUMBERS', pattern: /\bSSD (random )?read/i, seconds: row('SSD random read') },
  { name: 'same-DC round trip', source: 'LATENCY_NUMBERS', pattern: /same[- ](DC|datacenter)( network)? round trip|round trip (inside|within) one datacenter|inside one datacenter a round trip/i, seconds: row('Network round trip (same DC)') },
  { name: 'disk seek', source: 'LATENCY_NUMBERS', pattern: /disk seek/i, seconds: row('Disk seek') },
  { name: 'transatlantic round trip', source: 'LATENCY_NUMBERS', pattern: /round trip across the Atlantic|transatlantic round trip|US→EU round trip|across an ocean|cross-ocean/i, seconds: row('Network round trip (US→EU)') },
  { name: 'round trip across a country', source: 'COURSE_CROSS_COUNTRY_RTT_NS', pattern: /across a country|cross-country/i, seconds: COURSE_CROSS_COUNTRY_RTT_NS * 1e-9 },
  { name: "the course's local function call", source: 'COURSE_CALL_NS.local', pattern: /function call inside one machine|local function call/i, seconds: COURSE_CALL_NS.local * 1e-9 },
  { name: "the course's call to another machine", source: 'COURSE_CALL_NS.network', pattern: /call to another machine|simulated network call/i, seconds: COURSE_CALL_NS.network * 1e-9 }
];

/** A name's pattern that also matches across a line break (markdown wraps lines). */
const spaced = (p: RegExp) => new RegExp(p.source.replace(/ /g, '\\s+'), 'gi');

/** The time a sentence states for a named constant: the first one after the name, in the same clause. */
function statedFor(text: string, at: number, length: number): Quantity | undefined {
  // "30 ms across a country": a time right before the name (only spaces or emphasis between).
  const before = text.slice(Math.max(0, at - 40), at);
  const last = quantities(before).pop();
  if (last && /^[\s*_]*$/.test(before.slice(last.index + last.text.length))) return { ...last, index: at - before.length + last.index };
  const start = at + length;
  const rest = text.slice(start);
  const end = rest.search(/[.;:!?](\s|$)|\n\n/);
  let clause = rest.slice(0, Math.min(80, end >= 0 ? end : rest.length));
  // Another constant named first: only a time before that name belongs to this one.
  const next = Math.min(...NAMED_CONSTANTS.map((c) => clause.search(spaced(c.pattern))).filter((i) => i >= 0));
  if (Number.isFinite(next)) clause = clause.slice(0, next);
  const q = quantities(clause)[0];
  return q && { ...q, index: start + q.index };
}

/** Problems of one text: a named constant stated with another value (or only a vague one). */
export function namedConstantProblems(t: Text): string[] {
  const problems: string[] = [];
  for (const c of NAMED_CONSTANTS) {
    for (const m of t.text.matchAll(spaced(c.pattern))) {
      const q = statedFor(t.text, m.index ?? 0, m[0].length);
      if (q && !sameTime(q, c.seconds)) problems.push(`${t.where}: "${m[0]} … ${q.text}" but ${c.source} says ${c.name} = ${formatS(c.seconds)}`);
    }
  }
  return problems;
}

/** Positions of the times in a text that a named constant accounts for. */
function namedIndices(text: string): Set<number> {
  const at = new Set<number>();
  for (const c of NAMED_CONSTANTS) {
    for (const m of text.matchAll(spaced(c.pattern))) {
      const q = statedFor(text, m.index ?? 0, m[0].length);
      if (q) at.add(q.index);
    }
  }
  return at;
}

function formatS(s: number): string {
  for (const [u, f] of [['s', 1], ['ms', 1e-3], ['µs', 1e-6]] as const) if (s >= f) return `${+(s / f).toPrecision(6)} ${u}`;
  return `${+(s / 1e-9).toPrecision(6)} ns`;
}

// ---- course numbers where they are stated ---------------------------------------------------

const ms = (x: number) => x * 1e-3;
const [SEQUENTIAL, BATCHED, PARALLEL] = (['sequential', 'batched', 'parallel'] as const)
  .map((strategy) => dbLoopExperiment({ calls: 50, callRttMs: 2, batchSize: 10, strategy }).latencyMs);
const NB51 = '5.1-what-makes-systems-distributed.ipynb';
const Q51 = '5.1-what-makes-systems-distributed.answers.json';

/**
 * A number stated in a text and the library expression it comes from. `phrase` must occur in
 * the text at `where`; its first time (for `count`, its last number, or its first with `pick`) must equal `value`.
 */
export const CLAIMS: { where: string; phrase: string; value: number; kind: 'time' | 'count'; pick?: 'first' }[] = [
  // start here
  { where: '00-start-here.ipynb#bf8304a3', phrase: 'from half a nanosecond', value: LATENCY_NUMBERS[0].latencyNs * 1e-9, kind: 'time' },
  { where: '00-start-here.ipynb#bf8304a3', phrase: 'to 100\nmilliseconds', value: LATENCY_NUMBERS[LATENCY_NUMBERS.length - 1].latencyNs * 1e-9, kind: 'time' },
  { where: '00-start-here.answers.json#start-rtt-vs-memory', phrase: '100 ns = 5,000', value: row('Network round trip (same DC)') / row('Main memory reference'), kind: 'count' },
  { where: '00-start-here.answers.json#start-slowest-operation', phrase: 'about 100 ms', value: row('Network round trip (US→EU)'), kind: 'time' },
  { where: '00-start-here.answers.json#start-slowest-operation', phrase: 'takes fifty times longer', value: row('Network round trip (US→EU)') / row('Disk seek'), kind: 'count' },
  // 1.2: one server's capacity
  { where: `${NB51}#c004`, phrase: '10,000/s', value: 1000 / SCALABILITY_OPTIONS.specs.serviceMs.default, kind: 'count' },
  // 2.1
  { where: `${NB51}#c016`, phrase: 'a million times longer', value: COURSE_CALL_NS.network / COURSE_CALL_NS.local, kind: 'count' },
  { where: `${NB51}#c016`, phrase: 'stays at 1 ms', value: COURSE_CALL_NS.network * 1e-9, kind: 'time' },
  // 2.3: the 47 ms story
  { where: `${NB51}#c030`, phrase: '50 ppm is 4.3 seconds a day', value: 50e-6 * 86_400, kind: 'time' },
  { where: `${NB51}#c034`, phrase: 'drifted 47 ms behind', value: ms(TRADING_OPTIONS.specs.skewMs.default), kind: 'time' },
  { where: `${NB51}#c034`, phrase: 'about 6.5 ms apart', value: ms(TRADING_OPTIONS.specs.networkDelayMs.default), kind: 'time' },
  { where: `${NB51}#c037`, phrase: '47 ms is\nseven times the delay', value: Math.floor(TRADING_OPTIONS.specs.skewMs.default / TRADING_OPTIONS.specs.networkDelayMs.default), kind: 'count' },
  { where: `${NB51}#c037`, phrase: 'below the 6.5 ms delay', value: ms(TRADING_OPTIONS.specs.networkDelayMs.default), kind: 'time' },
  { where: `${NB51}#c097`, phrase: 'The 47 ms story', value: ms(TRADING_OPTIONS.specs.skewMs.default), kind: 'time' },
  // 5.2 quorum, 5.6 grace periods
  { where: `${NB51}#c065`, phrase: '2 of 3', value: majorityQuorum(3), kind: 'count', pick: 'first' },
  { where: `${NB51}#c065`, phrase: '3 of 5', value: majorityQuorum(5), kind: 'count', pick: 'first' },
  { where: `${Q51}#q-etcd-quorum`, phrase: 'Quorum = floor(5/2) + 1 = 3', value: majorityQuorum(5), kind: 'count' },
  { where: `${Q51}#q-etcd-quorum`, phrase: '3, so 2 may fail', value: 5 - majorityQuorum(5), kind: 'count' },
  { where: `${NB51}#c077`, phrase: '40 s before v1.32', value: nodeMonitorGracePeriodS('v1.31'), kind: 'time' },
  { where: `${NB51}#c077`, phrase: '50 s from v1.32', value: nodeMonitorGracePeriodS('v1.32'), kind: 'time' },
  { where: `${NB51}#c077`, phrase: '**300 s**', value: KUBE_NODE_FAILURE_TIMES_OPTIONS.specs.tolerationS.default, kind: 'time' },
  // did you know: fibre
  { where: `${NB51}#c083`, phrase: 'adds about 5 ms one way', value: ms(fibreLatency({ distanceKm: 1000 }).oneWayMs), kind: 'time' },
  // Quiz 5: the answers' explanations read the simulated run
  { where: `${Q51}#q-sequential-latency`, phrase: '= 100 ms', value: ms(SEQUENTIAL), kind: 'time' },
  { where: `${Q51}#q-batched-latency`, phrase: '= 10 ms', value: ms(BATCHED), kind: 'time' },
  { where: `${Q51}#q-parallel-latency`, phrase: 'one round trip, 2 ms', value: ms(PARALLEL), kind: 'time' },
  // the gallery's skew story reads the same story
  { where: 'gallery.ipynb#gallery-13', phrase: 'The 47 ms skew story', value: ms(TRADING_OPTIONS.specs.skewMs.default), kind: 'time' },
  { where: 'gallery.ipynb#gallery-13', phrase: '(7.5 ms)', value: ms(TRADING_OPTIONS.specs.networkDelayMs.default + TRADING_OPTIONS.specs.hedgeProcessingMs.default), kind: 'time' },
  // the glossary's definitions state the same course numbers
  { where: 'glossary.ipynb#clock-drift', phrase: '50 ppm is 4.3 seconds a day', value: 50e-6 * 86_400, kind: 'time' },
  { where: 'glossary.ipynb#clock-skew', phrase: 'ran 47 ms behind', value: ms(TRADING_OPTIONS.specs.skewMs.default), kind: 'time' },
  { where: 'glossary.ipynb#quorum', phrase: '2 of 3', value: majorityQuorum(3), kind: 'count', pick: 'first' },
  { where: 'glossary.ipynb#quorum', phrase: '3 of 5', value: majorityQuorum(5), kind: 'count', pick: 'first' },
  // common mistake 6 and the CAP classification's feedback
  { where: `${Q51}#q-cap-classify`, phrase: 'leave it at −100 dollars', value: -capBankExperiment({ mode: 'AP' }).finalBalance, kind: 'count' }
];

/** Reference answers of numeric questions that the library computes: in seconds for a time. */
export const ANSWERS: { key: string; id: string; value: number; time: boolean }[] = [
  { key: '00-start-here.answers.json', id: 'start-rtt-vs-memory', value: row('Network round trip (same DC)') / row('Main memory reference'), time: false },
  { key: Q51, id: 'q-sequential-latency', value: ms(SEQUENTIAL), time: true },
  { key: Q51, id: 'q-batched-latency', value: ms(BATCHED), time: true },
  { key: Q51, id: 'q-parallel-latency', value: ms(PARALLEL), time: true },
  { key: Q51, id: 'q-etcd-quorum', value: 5 - majorityQuorum(5), time: false }
];

function answerProblems(): string[] {
  return ANSWERS.flatMap((a) => {
    const q = (JSON.parse(readFileSync(join(QUIZ, a.key), 'utf8')) as { questions: Record<string, { answer?: unknown; unit?: string }> }).questions[a.id];
    if (q === undefined) return [`${a.key}#${a.id}: no such question`];
    const text = `${String(q.answer)}${/^[\d.,e-]+$/.test(String(q.answer)) && q.unit ? ` ${q.unit}` : ''}`;
    if (a.time) {
      const t = quantities(text)[0];
      return t && sameTime(t, a.value) ? [] : [`${a.key}#${a.id}: answer ${text}, the library gives ${formatS(a.value)}`];
    }
    return Number(text.replace(/,/g, '')) === a.value ? [] : [`${a.key}#${a.id}: answer ${text}, the library gives ${a.value}`];
  });
}

/** Parameters of experiment cells that stand for a course number start at the library's value. */
export const PARAMETERS: { where: string; name: string; value: number }[] = [
  { where: `${NB51}#c017`, name: 'callRttMs', value: COURSE_CALL_NS.network / 1e6 },
  { where: `${NB51}#c035`, name: 'skewMs', value: TRADING_OPTIONS.specs.skewMs.default },
  { where: `${NB51}#c035`, name: 'networkDelayMs', value: TRADING_OPTIONS.specs.networkDelayMs.default },
  { where: `${NB51}#c036`, name: 'skewMs', value: TRADING_OPTIONS.specs.skewMs.default },
  { where: `${NB51}#c098`, name: 'skewMs', value: TRADING_OPTIONS.specs.skewMs.default },
  { where: 'gallery.ipynb#gallery-14', name: 'skewMs', value: TRADING_OPTIONS.specs.skewMs.default },
  { where: 'gallery.ipynb#gallery-14', name: 'networkDelayMs', value: TRADING_OPTIONS.specs.networkDelayMs.default }
];

function parameterProblems(): string[] {
  const code = new Map(notebookCells().flatMap(({ notebook, cells }) => cells.filter((c) => c.cell_type === 'code').map((c) => [`${notebook}#${c.id}`, joined(c.source)] as const)));
  return PARAMETERS.flatMap((p) => {
    const m = new RegExp(String.raw`(?:const ${p.name} = |\b${p.name}: )(-?[\d.]+)`).exec(code.get(p.where) ?? '');
    if (!m) return [`${p.where}: no ${p.name} literal`];
    return Number(m[1]) === p.value ? [] : [`${p.where}: ${p.name} = ${m[1]}, the library's course value is ${p.value}`];
  });
}

const COUNT = new RegExp(String.raw`(?<![\w.])(${NUMBER}|${Object.keys(WORDS).sort((a, b) => b.length - a.length).map((w) => w.replace(/ /g, '\\s+')).join('|')})(?![\w])`, 'gi');

/** Problems of the claims: a phrase not where it is said to be, or a number that is not the library's. */
export function claimProblems(texts: Text[], claims: typeof CLAIMS): string[] {
  const byWhere = new Map(texts.map((t) => [t.where, t.text]));
  return claims.flatMap((c) => {
    const text = byWhere.get(c.where);
    if (text === undefined) return [`${c.where}: no such cell or question`];
    if (!text.includes(c.phrase)) return [`${c.where}: phrase "${c.phrase}" not found`];
    if (c.kind === 'time') {
      const q = quantities(c.phrase)[0];
      if (!q) return [`${c.where}: "${c.phrase}" states no time`];
      return sameTime(q, c.value) ? [] : [`${c.where}: "${c.phrase}" but the library gives ${formatS(c.value)}`];
    }
    const numbers = [...c.phrase.matchAll(COUNT)];
    const m = c.pick === 'first' ? numbers[0] : numbers[numbers.length - 1];
    const printed = m ? (/^\d/.test(m[1]) ? Number(m[1].replace(/,/g, '')) : WORDS[m[1].toLowerCase().replace(/\s+/g, ' ')]) : NaN;
    const decimals = /\.(\d+)/.exec(m?.[1] ?? '')?.[1].length ?? 0;
    return printedAs(printed, decimals, c.value) ? [] : [`${c.where}: "${c.phrase}" but the library gives ${+c.value.toPrecision(6)}`];
  });
}

// ---- no measured value in prose ------------------------------------------------------------

/** A code cell that times this machine: its numbers differ per machine and per run. */
const MEASURES = /\bdl\.measure\w*\(|process\.hrtime|performance\.now\(/;

/** The markdown right above and right below each measuring cell (up to the next code cell). */
function besideMeasurements(): Text[] {
  return notebookCells().flatMap(({ notebook, cells }) => cells.flatMap((cell, i) => {
    if (cell.cell_type !== 'code' || !MEASURES.test(joined(cell.source))) return [];
    const near: Cell[] = [];
    // The markdown of the same section: back to its heading, forward until the next heading.
    const heading = (c: Cell) => /^\s*#/.test(joined(c.source));
    for (let j = i - 1; j >= 0 && cells[j].cell_type === 'markdown'; j--) { near.push(cells[j]); if (heading(cells[j])) break; }
    for (let j = i + 1; j < cells.length && cells[j].cell_type === 'markdown' && !heading(cells[j]); j++) near.push(cells[j]);
    return near.map((c) => ({ where: `${notebook}#${c.id}`, text: prose(joined(c.source)) }));
  }));
}

/** Times in prose beside a measurement that neither a named constant nor a claim accounts for. */
export function unsourcedTimes(t: Text, claims: typeof CLAIMS): string[] {
  const named = namedIndices(t.text);
  const claimed = claims.filter((c) => c.where === t.where).map((c) => [t.text.indexOf(c.phrase), c.phrase.length] as const);
  return quantities(t.text)
    .filter((q) => !named.has(q.index) && !claimed.some(([at, len]) => at >= 0 && q.index >= at && q.index < at + len))
    .map((q) => `${t.where}: "${q.text}" beside a measurement of this machine; a measured value varies per machine and run, so let the output print it (or state a library constant)`);
}

describe('numbers in prose, questions and feedback read the library', () => {
  const texts = allTexts();

  it('the quantity reader finds the times the texts state', () => {
    expect(quantities('a disk seek takes about 2 ms, a round trip (500 µs)').map((q) => q.seconds)).toEqual([2e-3, 500e-6]);
    expect(quantities('at about half a millisecond, 100 milliseconds').map((q) => q.seconds)).toEqual([0.5e-3, 0.1]);
    expect(quantities('costs tens of nanoseconds rather than one').map((q) => [q.text, q.seconds])).toEqual([['tens of nanoseconds', null]]);
    expect(quantities('50 servers, 3 of 5, 1.5 percent, as is')).toEqual([]);
  });

  it('a library constant named in a text is stated with its value, wherever it is', () => {
    expect(texts.length).toBeGreaterThan(50);
    expect(texts.flatMap(namedConstantProblems)).toEqual([]);
  });

  it('catches the contradictions issue 12 found (disk seek 10 ms against the chart\'s 2 ms) and the like', () => {
    const old = { where: 'old feedback', text: 'A disk seek takes about 10 ms: slow, but an ocean crossing takes ten times longer.' };
    expect(namedConstantProblems(old)).toEqual([expect.stringContaining('disk seek = 2 ms')]);
    expect(namedConstantProblems({ where: 'x', text: 'a transatlantic round trip takes about 70 ms' })).toHaveLength(1);
    expect(namedConstantProblems({ where: 'x', text: 'a same-datacenter network round trip (500 µs) than a main memory reference (100 ns)' })).toEqual([]);
    expect(namedConstantProblems({ where: 'x', text: 'a same-datacenter network round trip (50 µs) than a main memory reference (100 ns)' })).toHaveLength(1);
    expect(namedConstantProblems({ where: 'x', text: 'about **30 ms across a country** and about 100 ms across an ocean' })).toEqual([]);
    expect(namedConstantProblems({ where: 'x', text: 'about 40 ms across a country and about 100 ms across an ocean' })).toHaveLength(1);
  });

  it('every course number is where it is said to be and equals its library expression', () => {
    expect(claimProblems(texts, CLAIMS)).toEqual([]);
  });

  it('numeric reference answers are the values the library computes', () => {
    expect(answerProblems()).toEqual([]);
  });

  it("parameters that stand for a course number start at the library's value", () => {
    expect(parameterProblems()).toEqual([]);
  });

  it('a claim with a changed number, or one that is no longer in its cell, fails', () => {
    const t = [{ where: 'w', text: 'drifted 45 ms behind; 3 of 5' }];
    expect(claimProblems(t, [{ where: 'w', phrase: 'drifted 45 ms behind', value: 0.047, kind: 'time' }])).toHaveLength(1);
    expect(claimProblems(t, [{ where: 'w', phrase: '3 of 5', value: majorityQuorum(5), kind: 'count', pick: 'first' }])).toEqual([]);
    expect(claimProblems(t, [{ where: 'w', phrase: '3 of 5', value: majorityQuorum(7), kind: 'count', pick: 'first' }])).toHaveLength(1);
    expect(claimProblems(t, [{ where: 'w', phrase: 'gone', value: 1, kind: 'count' }])).toEqual(['w: phrase "gone" not found']);
  });

  it('prose beside a measurement of this machine states no measured value', () => {
    const near = besideMeasurements();
    expect(near.map((t) => t.where)).toContain(`${NB51}#c016`);
    expect(near.flatMap((t) => unsourcedTimes(t, CLAIMS))).toEqual([]);
  });

  it("catches 2.1's old sentence: a measured call stated as tens of nanoseconds", () => {
    const old = { where: 'old 2.1', text: 'A JavaScript call through a closure costs tens of nanoseconds rather than one, so the factor is tens of thousands.' };
    expect(unsourcedTimes(old, [])).toEqual([expect.stringContaining('"tens of nanoseconds" beside a measurement')]);
    expect(unsourcedTimes({ where: 'x', text: 'the course puts a function call inside one machine at about a nanosecond' }, [])).toEqual([]);
    expect(unsourcedTimes({ where: 'x', text: 'the figure measures 8.74 ns here' }, [])).toHaveLength(1);
  });
});

describe('the distribution spectrum: one list for the table and the placement', () => {
  const nb = notebookCells().find((n) => n.notebook === NB51)!;
  const code = (id: string) => joined(nb.cells.find((c) => c.id === id)!.source);

  it("module 5.1's table and own-system cell both read DISTRIBUTION_SPECTRUM", () => {
    expect(code('c013')).toContain('dl.DISTRIBUTION_SPECTRUM');
    expect(code('c015')).toContain('dl.placeOnSpectrum(mySystem)');
    // No step name of its own in a cell: only the library's list names steps.
    for (const c of nb.cells.filter((x) => x.cell_type === 'code')) expect(joined(c.source)).not.toMatch(/'(Web \+ DB|Microservices[^']*|Single process|Global multi-region)'/);
  });

  it('the example system lands on a step of the table above it', () => {
    const literal = /const mySystem = (\[[\s\S]*?\]);/.exec(code('c015'))![1];
    // The project's own notebook, read as data: an array of plain object literals.
    const example = Function(`"use strict"; return (${literal});`)() as SystemComponent[];
    const place = placeOnSpectrum(example);
    expect(DISTRIBUTION_SPECTRUM.map((s) => s.system)).toContain(place.system);
    // web app, its database and its cache in one region: the table's web server + database step.
    expect(place).toMatchObject({ system: 'Web server + database', components: 3, places: 3, regions: 1, networked: 3 });
  });

  it('places by the rule each step states', () => {
    const c = (runsWhere: string, communicatesVia = 'TCP') => ({ component: 'x', runsWhere, communicatesVia });
    expect(placeOnSpectrum([c('laptop', 'function calls')]).system).toBe('Single process');
    expect(placeOnSpectrum(Array.from({ length: 12 }, (_, i) => c(`pod ${i}, eu-west-1a`))).system).toBe('Microservices');
    expect(placeOnSpectrum([c('VM in us-east-1a'), c('VM in eu-west-1b')]).system).toBe('Global multi-region');
    expect(() => placeOnSpectrum([])).toThrow('invalid components');
    expect(() => placeOnSpectrum([{ component: 'x', runsWhere: 3 } as never])).toThrow('invalid components[0].runsWhere: 3 (expected a string)');
  });
});
