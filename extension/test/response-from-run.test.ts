import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { describe, expect, it } from 'vitest';
import type { KernelMessage } from '@jupyterlab/services';
import { buildQuestion, parseRowsLiteral } from '../src/answers/authoring';
import type { ResponseQuestion } from '../src/answers/question-types';
import { exampleHash, MAX_RESPONSE_ROWS, responseFromRun } from '../src/answers/responses';
import { validateQuestionMetadata } from '../src/answers/validate-metadata';
import { liveResponse, MIME_RESPONSE } from '../src/response-recorder';
import { exampleRowsOf } from '../../scripts/quiz.mjs';

// A table response typed once, in the code cell below its question: the cell's
// dl.table(rows, { response: id }) sends the rows, and the lab keeps them (untrusted input,
// bounded like a typed response); the notebook's own example rows are not kept.

const ROOT = join(__dirname, '..', '..');
const SALT = '0123456789abcdef0123456789abcdef';
const schema = JSON.parse(readFileSync(join(ROOT, 'extension', 'schema', 'question-metadata.v1.json'), 'utf8'));
const validate = new Ajv({ allErrors: true, strict: true }).compile(schema);
const meta = (question: unknown) => ({ version: 1, question });

const EXAMPLE = [{ component: 'web app', runsWhere: 'VM in eu-west-1a', communicatesVia: 'HTTPS' }];
const q = buildQuestion('own-system', {
  kind: 'response', title: 'Your own system', fromRun: true,
  columns: { component: 'Component', 'runs-where': 'Runs where', 'communicates-via': 'Communicates via' }, example: EXAMPLE
}, SALT) as ResponseQuestion;

/** A kernel output message carrying `data`, in reply to request `parent`. */
const output = (data: Record<string, unknown>, parent = 'req-1', type = 'display_data'): KernelMessage.IMessage =>
  ({ channel: 'iopub', header: { msg_type: type, msg_id: 'm' }, parent_header: { msg_id: parent }, content: { data }, metadata: {} }) as unknown as KernelMessage.IMessage;
const sent = (rows: unknown, question = 'own-system') => output({ 'text/html': '<table></table>', [MIME_RESPONSE]: { version: 1, question, rows } });
const here = (id: string) => id === 'req-1';
const questionOf = (id: string) => (id === q.id ? q : null);

describe('a response filled by a run', () => {
  it('is valid metadata in the schema and the lab validator, with the example as a hash', () => {
    expect(validate(meta(q)), JSON.stringify(validate.errors)).toBe(true);
    expect(validateQuestionMetadata(meta(q))).toEqual([]);
    expect(q.fromRun).toBe(true);
    expect(q.example).toMatch(/^[0-9a-f]{64}$/);
    const { columns: _columns, ...noColumns } = q;
    for (const bad of [{ ...q, fromRun: false }, noColumns, { ...q, example: 'web app' }]) {
      expect(validate(meta(bad)), JSON.stringify(bad).slice(0, 100)).toBe(false);
      expect(validateQuestionMetadata(meta(bad)).length).toBeGreaterThan(0);
    }
    expect(() => buildQuestion('t', { kind: 'response', title: 't', fromRun: true }, SALT)).toThrow(/fromRun needs columns/);
  });

  it('keeps the rows of a run sent here, keyed by the question columns (runsWhere is runs-where)', () => {
    const rows = [{ component: 'api', runsWhere: 'pod in us-east-1a', communicatesVia: 'gRPC', extra: 'dropped' }, { component: '', runsWhere: '', communicatesVia: '' }];
    expect(liveResponse(sent(rows), here, questionOf)).toEqual({
      question: 'own-system',
      event: { id: 'own-system', type: 'response', response: [{ component: 'api', 'runs-where': 'pod in us-east-1a', 'communicates-via': 'gRPC' }] }
    });
    // The cell's last expression (execute_result) counts too.
    expect(liveResponse(output({ [MIME_RESPONSE]: { version: 1, question: 'own-system', rows } }, 'req-1', 'execute_result'), here, questionOf)).not.toBeNull();
  });

  it('records nothing from a saved output, another page, another notebook, or another kind of message', () => {
    // A reply to a request this page did not send (a saved output replays none; another tab's run).
    expect(liveResponse(sent([{ component: 'x' }]), () => false, questionOf)).toBeNull();
    expect(liveResponse(sent([{ component: 'x' }], 'q-not-in-this-notebook'), here, questionOf)).toBeNull();
    expect(liveResponse(sent([{ component: 'x' }], 'Bad Id'), here, questionOf)).toBeNull();
    const typed = { ...q, fromRun: undefined } as ResponseQuestion;
    expect(liveResponse(sent([{ component: 'x' }]), here, () => typed)).toBeNull();
    expect(liveResponse({ ...sent([{ component: 'x' }]), channel: 'shell' } as KernelMessage.IMessage, here, questionOf)).toBeNull();
    expect(liveResponse(output({ [MIME_RESPONSE]: { version: 2, question: 'own-system', rows: [] } }), here, questionOf)).toBeNull();
  });

  it("does not keep the notebook's example rows: it says so instead", () => {
    const result = liveResponse(sent(EXAMPLE), here, questionOf);
    expect(result).toEqual({ question: 'own-system', problem: expect.stringMatching(/notebook's example rows, not kept/) });
    // One changed cell is the learner's own.
    expect(liveResponse(sent([{ ...EXAMPLE[0], component: 'web app v2' }]), here, questionOf)).toHaveProperty('event');
  });

  it('refuses, with a message, rows that are not table rows of text, too many, or too big', () => {
    const problem = (rows: unknown) => (responseFromRun(q, rows) as { problem?: string }).problem;
    expect(problem('a string')).toBe('the cell sent no rows');
    expect(problem([['web', 'vm']])).toBe('row 1 is not an object of column to text');
    expect(problem([{ component: 7 }])).toBe('row 1, component: expected text');
    expect(problem([{ name: 'web', host: 'vm' }])).toBe('the rows have none of the columns Component, Runs where, Communicates via');
    expect(problem(Array.from({ length: MAX_RESPONSE_ROWS + 1 }, () => ({ component: 'x' })))).toBe(`the table has ${MAX_RESPONSE_ROWS + 1} rows; at most ${MAX_RESPONSE_ROWS} can be kept`);
    expect(problem([Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v']))])).toBe('row 1 has 51 keys; at most 50');
    expect(problem([{ component: 'x'.repeat(20_001) }])).toMatch(/20,001 bytes; the limit is 20,000/);
    expect(liveResponse(sent([{ component: 7 }]), here, questionOf)).toEqual({ question: 'own-system', problem: 'Not kept as your response: row 1, component: expected text.' });
    // A row's text is kept as text: markup in it is never read as markup (the view sets textContent).
    expect(responseFromRun(q, [{ component: '<img src=x onerror=alert(1)>' }])).toEqual({ response: [{ component: '<img src=x onerror=alert(1)>', 'runs-where': '', 'communicates-via': '' }] });
  });
});

describe("the example rows come from the notebook's own code cell (npm run quiz)", () => {
  it('reads a plain rows literal as data, and refuses anything that would need running', () => {
    expect(parseRowsLiteral(`[
      // a comment
      { component: 'web app', "runsWhere": "VM \\"a\\"", communicatesVia: 'it\\'s HTTPS' },
      { component: 'db', runsWhere: 'caf\\u00e9', communicatesVia: 'TCP', },
    ]`)).toEqual([{ component: 'web app', runsWhere: 'VM "a"', communicatesVia: "it's HTTPS" }, { component: 'db', runsWhere: 'café', communicatesVia: 'TCP' }]);
    for (const code of ['[{ component: name }]', '[{ component: 1 }]', '[{ component: `t` }]', '[...rows]', '[{ component: "x" + y }]', 'rows']) {
      expect(() => parseRowsLiteral(code), code).toThrow(/rows literal/);
    }
  });

  it("finds module 5.1's own-system rows in the cell that shows them as the response", () => {
    const nb = JSON.parse(readFileSync(join(ROOT, 'notebooks', '5.1-what-makes-systems-distributed.ipynb'), 'utf8'));
    const at = nb.cells.findIndex((c: any) => c.metadata?.distlab?.question?.id === 'q-own-system');
    const rows = exampleRowsOf(nb, at, 'q-own-system', parseRowsLiteral);
    expect(rows.map((r: Record<string, string>) => r.component)).toEqual(['web app', 'PostgreSQL', 'Redis cache']);
    // The committed metadata was sealed from these rows (npm run quiz is up to date).
    const sealed = nb.cells[at].metadata.distlab.question as ResponseQuestion;
    const kept = responseFromRun(sealed, rows) as { response: Record<string, string>[] };
    expect(exampleHash(sealed, kept.response)).toBe(sealed.example);
    // A cell that does not show its rows as the response is an author error.
    const other = { cells: [nb.cells[at], { cell_type: 'code', source: "const mySystem = [];\ndl.show(dl.table(mySystem));" }] };
    expect(() => exampleRowsOf(other, 0, 'q-own-system', parseRowsLiteral)).toThrow(/must show its rows with dl.table\(rows, \{ response: 'q-own-system' \}\)/);
  });
});
