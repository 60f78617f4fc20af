import { describe, expect, it } from 'vitest';
import { MIME_RESPONSE, table } from '../src/figures/table';
import { MIME_HTML, MIME_TEXT } from '../src/core/mime';

// A table named as the response to a question carries its rows, as text, in the same bundle:
// the lab keeps them as the learner's answer; everything else shows the table as before.
describe('a table that is a response', () => {
  const rows = [
    { component: 'web app', runsWhere: 'VM in eu-west-1a', communicatesVia: 'HTTPS' },
    { component: 'cache', runsWhere: 'eu-west-1a', communicatesVia: 'TCP', replicas: 3 }
  ];

  it('sends every row as text under the response mime type, beside the HTML and text forms', () => {
    const bundle = table(rows, { title: 'My system', response: 'q-own-system', rowsMax: 1 }).toMimeBundle();
    expect(Object.keys(bundle.data).sort()).toEqual([MIME_RESPONSE, MIME_HTML, MIME_TEXT].sort());
    // Columns are the first row's keys; all rows are sent, also those rowsMax leaves out of the display.
    expect(bundle.data[MIME_RESPONSE]).toEqual({
      version: 1,
      question: 'q-own-system',
      rows: [
        { component: 'web app', runsWhere: 'VM in eu-west-1a', communicatesVia: 'HTTPS' },
        { component: 'cache', runsWhere: 'eu-west-1a', communicatesVia: 'TCP' }
      ]
    });
    expect(String(bundle.data[MIME_HTML])).toContain('1 more rows not shown');
  });

  it('formats cells as the table shows them, and leaves empty cells empty', () => {
    const bundle = table([{ a: 1500, b: null, c: true }], { response: 'q-x' }).toMimeBundle();
    expect((bundle.data[MIME_RESPONSE] as { rows: unknown }).rows).toEqual([{ a: '1,500', b: '', c: 'true' }]);
  });

  it('without the option the bundle is the table alone', () => {
    expect(Object.keys(table(rows).toMimeBundle().data).sort()).toEqual([MIME_HTML, MIME_TEXT].sort());
  });

  it('refuses a question id that is not one, naming the option', () => {
    expect(() => table(rows, { response: 'Own System!' })).toThrow('invalid response: "Own System!" (expected a question id: lowercase letters, digits and dashes)');
    expect(() => table(rows, { response: 7 as never })).toThrow('invalid response: 7');
  });
});
