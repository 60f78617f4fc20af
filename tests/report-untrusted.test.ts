import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './helpers/lab';
import { ARTIFACTS, ROOT, VENV_PYTHON } from './helpers/paths';
import { reportFigures } from './helpers/report-html';

// A notebook from someone else, full of known ways to run script in a page (XSS cheat sheets,
// DOMPurify and ammonia bypass reports, SVG-specific vectors). Each payload, if it ever runs,
// asks for https://pwned.invalid/<id> and writes PWNED-<id> into the page: the first is seen
// by the browser's request log, the second by the PDF's text.
const run = (id: string) => `new Image().src=\`https://pwned.invalid/${id}\`;document.body.append(\`PW\`+\`NED-${id}\`)`;
const b64 = (text: string) => Buffer.from(text).toString('base64');

const htmlPayloads = (p: string): string[] => [
  `<script>${run(`${p}script`)}</script>`,
  `<img src=x onerror="${run(`${p}img`)}">`,
  `<svg/onload="${run(`${p}svgload`)}">`,
  `<scr<script></script>ipt>${run(`${p}split`)}</scr<script></script>ipt>`,
  `<iframe srcdoc="&lt;img src=x onerror=${run(`${p}srcdoc`)}&gt;"></iframe>`,
  `<details open ontoggle="${run(`${p}toggle`)}">x</details>`,
  `<body onload="${run(`${p}body`)}">`,
  `<input autofocus onfocus="${run(`${p}focus`)}">`,
  `<math><mtext><table><mglyph><style><img src=x onerror="${run(`${p}mxss`)}">`,
  `<noscript><p title="</noscript><img src=x onerror=${run(`${p}noscript`)}>">`,
  `<a id="${p}jslink" href="javascript:${run(`${p}js`)}">link</a> <a href="  JaVaScRiPt:${run(`${p}js2`)}">l2</a>`,
  `<a href="data:text/html;base64,${b64(`<script>${run(`${p}datalink`)}</script>`)}">data link</a>`,
  `<object data="data:text/html;base64,${b64(`<script>${run(`${p}object`)}</script>`)}"></object>`,
  `<embed src="data:image/svg+xml;base64,${b64(`<svg xmlns="http://www.w3.org/2000/svg" onload="${run(`${p}embed`)}"/>`)}">`,
  `<meta http-equiv="refresh" content="0;url=https://pwned.invalid/${p}meta">`,
  `<link rel="stylesheet" href="https://pwned.invalid/${p}css">`,
  `<style>@import url(https://pwned.invalid/${p}import);</style>`,
  `<img src="https://pwned.invalid/${p}pixel">`,
  `<div style="background:url(https://pwned.invalid/${p}bg)">styled</div>`,
  `<form action="https://pwned.invalid/${p}form"><button id="${p}button">go</button></form>`,
  `<base href="https://pwned.invalid/${p}base/">`,
  `<svg><animate onbegin="${run(`${p}animate`)}" attributeName="x" dur="1s"/></svg>`,
  `<svg><a><animate attributeName="href" values="javascript:${run(`${p}svghref`)}"/><text y="20">x</text></a></svg>`,
  `<video><source onerror="${run(`${p}video`)}"></video><audio src=x onerror="${run(`${p}audio`)}"></audio>`,
  `<marquee onstart="${run(`${p}marquee`)}">m</marquee>`,
  `<xmp><img src=x onerror="${run(`${p}xmp`)}"></xmp>`,
  `<template><img src=x onerror="${run(`${p}template`)}"></template>`,
  `<img src=x onerror=${run(`${p}unquoted`)}//`
];

const SVG = 'xmlns="http://www.w3.org/2000/svg"';
const svgPayloads: string[] = [
  `<svg ${SVG} onload="${run('svg-onload')}"><text y="20">a</text></svg>`,
  `<svg/onload=${run('svg-slash')}>`,
  `<svg ${SVG}><image href="x" onerror="${run('svg-image')}"/></svg>`,
  `<svg ${SVG}><foreignObject width="100" height="100"><iframe xmlns="http://www.w3.org/1999/xhtml" srcdoc="&lt;img src=x onerror=${run('svg-foreign')}&gt;"></iframe></foreignObject></svg>`,
  `<svg ${SVG}><scr<script></script>ipt>${run('svg-split')}</scr<script></script>ipt></svg>`,
  `<svg ${SVG}><use href="data:image/svg+xml;base64,${b64(`<svg id="x" ${SVG}><image href="x" onerror="${run('svg-use')}"/></svg>`)}#x"/></svg>`,
  `</div><img src=x onerror="${run('svg-breakout')}"><div>`,
  // Truncated the report after this figure when SVG was inlined as markup.
  `<svg ${SVG}><script>${run('svg-script')}</script x><text y="20">b</text></svg>`
];

let cellCount = 0;
const md = (source: string, metadata: object = {}) => ({ cell_type: 'markdown', id: `m${++cellCount}`, metadata, source });
const code = (outputs: object[], metadata: object = {}) => ({ cell_type: 'code', id: `c${++cellCount}`, metadata, execution_count: 1, source: '// saved output', outputs });
const display = (data: object, metadata: object = {}) => ({ output_type: 'display_data', data, metadata });

const FIGURE = `<svg ${SVG} width="320" height="60" aria-label="A benign figure"><text x="10" y="30" font-size="16">FIGURE-LABEL-7</text></svg>`;

function hostileNotebook(): object {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      kernelspec: { name: 'tslab', display_name: 'TypeScript', language: 'typescript' },
      title: `</title><img src=x onerror="${run('nb-title')}">`,
      distlab: { title: `<img src=x onerror="${run('distlab-title')}">`, module: `<img src=x onerror="${run('module')}">` },
      widgets: { 'application/vnd.jupyter.widget-state+json': { state: {}, payload: `</script><img src=x onerror="${run('widget-state')}">` } }
    },
    cells: [
      md('# A notebook from someone else\n\nOrdinary prose. [Jump to part two](#Part-two) and [an outside link](https://example.org/page).'),
      md(`## Markdown payloads\n\n${htmlPayloads('md-').join('\n\n')}`),
      code([display({ 'text/html': htmlPayloads('out-').join('\n'), 'text/plain': 'html' })]),
      code([display({ 'text/markdown': htmlPayloads('omd-').slice(0, 6).join('\n\n'), 'text/plain': 'markdown' })]),
      code([display({ 'application/javascript': run('javascript'), 'text/plain': 'js' })]),
      code([display({ 'application/vnd.jupyter.widget-view+json': { model_id: `"><img src=x onerror="${run('widget-view')}">`, version_major: 2, version_minor: 0 }, 'text/plain': 'w' })]),
      code([display({ 'text/vnd.mermaid': `graph TD; A-->B</pre><img src=x onerror="${run('mermaid')}">`, 'text/plain': 'm' })]),
      code([display({ 'image/png': 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'text/plain': 'png' }, { 'image/png': { width: `1 onerror=${run('png-width')}` } })]),
      code([{ output_type: 'stream', name: 'stdout', text: `<img src=x onerror="${run('stream')}">` },
        { output_type: 'error', ename: 'Error', evalue: `<img src=x onerror="${run('evalue')}">`, traceback: [`<img src=x onerror="${run('traceback')}">`] }]),
      code(svgPayloads.map((svg) => display({ 'image/svg+xml': svg, 'text/plain': 'svg' }))),
      md('## Part two\n\nAFTER-TRUNCATION-MARKER: the cell after the hostile figures is still in the report.'),
      code([display({ 'image/svg+xml': FIGURE, 'text/plain': 'figure' })], { tags: [`"><img src=x onerror="${run('tag')}">`] }),
      md(`**Question** with a hostile title.`, { distlab: { question: { id: 'hostile-q', kind: 'choice', title: `<img src=x onerror="${run('q-title')}">`, options: [] } } })
    ]
  };
}

interface Visit {
  requests: string[];
  dialogs: string[];
  text: string;
  scriptHrefs: number;
  /** Attributes named on… left on any element. */
  handlers: string[];
}

async function visit(browser: Browser, path: string): Promise<Visit> {
  const page = await browser.newPage();
  const requests: string[] = [];
  const dialogs: string[] = [];
  page.on('request', (request) => {
    if (!request.url().startsWith('file:') && !request.url().startsWith('data:')) requests.push(request.url());
  });
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  await page.goto(pathToFileURL(path).href, { waitUntil: 'load' });
  // Payloads that need a gesture: hover and focus every element, toggle every <details>.
  await page.evaluate(() => {
    for (const element of Array.from(document.querySelectorAll('*'))) {
      for (const type of ['mouseover', 'focus', 'click', 'toggle']) element.dispatchEvent(new Event(type));
    }
  });
  await page.waitForTimeout(1500);
  const result = await page.evaluate(() => ({
    text: document.body.innerText,
    scriptHrefs: Array.from(document.querySelectorAll('[href],[src],[action],[formaction]'))
      .filter((e) => /^\s*(javascript|data:text)/i.test(e.getAttribute('href') ?? e.getAttribute('action') ?? e.getAttribute('formaction') ?? '')).length,
    handlers: Array.from(document.querySelectorAll('*')).flatMap((e) => Array.from(e.attributes).filter((a) => /^on/i.test(a.name)).map((a) => `${e.tagName} ${a.name}`))
  }));
  await page.close();
  return { requests, dialogs, ...result };
}

describe('a report of an untrusted notebook is inert (HTML in Chromium, and its PDF)', () => {
  let browser: Browser;
  let work: string;
  let html = '';
  let htmlPath = '';
  let pdfPath = '';
  let learnerName = '';

  beforeAll(() => {
    mkdirSync(join(ROOT, '.distlab'), { recursive: true });
    work = mkdtempSync(join(ROOT, '.distlab', 'report-hostile-'));
    const nbPath = join(work, 'hostile.ipynb');
    writeFileSync(nbPath, JSON.stringify(hostileNotebook()));
    const progress = join(work, 'progress.json');
    writeFileSync(progress, JSON.stringify({ version: 1, questions: { 'hostile-q': { state: `correct"><img src=x onerror="${run('state')}">`, attempts: 1, correct: true } } }));
    learnerName = `<img src=x onerror="${run('learner')}">`;
    const result = spawnSync('npm', ['run', '--silent', 'report', '--', nbPath, '--no-execute', '--out', join(work, 'out'), '--name', learnerName, '--progress', progress], { cwd: ROOT, encoding: 'utf8' });
    // One cell holds a saved error output: the report marks it and says so, nothing else.
    expect(result.stderr.split('\n').filter((line) => line.startsWith('problem:'))).toEqual([expect.stringMatching(/1 cell\(s\) failed \(cell 9\)/)]);
    htmlPath = join(work, 'out', 'hostile.html');
    pdfPath = join(work, 'out', 'hostile.pdf');
    html = readFileSync(htmlPath, 'utf8');
    mkdirSync(ARTIFACTS, { recursive: true });
    writeFileSync(join(ARTIFACTS, 'report-hostile.html'), html);
  }, 300_000);

  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('the detector sees a payload that runs (control: the same payloads in a page with no defences)', async () => {
    const control = join(work, 'control.html');
    writeFileSync(control, `<!DOCTYPE html><html><body>${htmlPayloads('control-').join('\n')}</body></html>`);
    const seen = await visit(browser, control);
    expect(seen.requests.some((url) => url.includes('pwned.invalid/control-img')), seen.requests.join('\n')).toBe(true);
    expect(seen.text).toContain('PWNED-control-script');
  });

  it('runs no payload and loads nothing from the network', async () => {
    const seen = await visit(browser, htmlPath);
    expect(seen.requests, 'requests made by the report').toEqual([]);
    expect(seen.dialogs).toEqual([]);
    expect(seen.text.includes('PWNED-'), 'no payload wrote into the page').toBe(false);
    expect(seen.scriptHrefs, 'no javascript: or data:text links left').toBe(0);
    expect(seen.handlers, 'no event handler attributes').toEqual([]);
  });

  it('stays inert with its Content-Security-Policy removed: the sanitiser alone holds', async () => {
    expect(html).toMatch(/<meta http-equiv="Content-Security-Policy" content="[^"]*script-src 'none'/);
    const bare = join(work, 'no-csp.html');
    writeFileSync(bare, html.replace(/<meta http-equiv="Content-Security-Policy"[^>]*>/, ''));
    const seen = await visit(browser, bare);
    expect(seen.requests).toEqual([]);
    expect(seen.text.includes('PWNED-')).toBe(false);
  });

  it('has no script, event handler or inline SVG left in the file', () => {
    const body = html.slice(html.indexOf('<body'));
    expect(/<script\b/i.test(html), 'no <script> anywhere').toBe(false);
    expect(/<(svg|iframe|object|embed|form|base|meta|link|style|math)\b/i.test(body), 'no active element in the body').toBe(false);
  });

  it('keeps what a report is for: the figure, the links inside it, the answer state, the cells after a hostile figure', () => {
    const figures = reportFigures(html);
    expect(figures).toContain(FIGURE);
    expect(html).toMatch(/<a href="#Part-two"[^>]*>Jump to part two<\/a>/);
    expect(html).toMatch(/<h2 id="Part-two">/);
    expect(html).toMatch(/<a href="https:\/\/example\.org\/page"/);
    expect(html).toMatch(/<li class="distlab-toc-h2"><a href="#Part-two"[^>]*>Part two<\/a><\/li>/);
    expect(html).toContain('AFTER-TRUNCATION-MARKER');
    expect(html).toContain('Answer state: <strong>');
    expect(html).toContain('(JavaScript output: not run in a report)');
    // The hostile strings are shown as text where the report shows them (escaped, not dropped).
    expect(html).toContain('&lt;img src=x onerror=');
  });

  it('prints a PDF that ran no payload, with the figure as vector text and every cell in it', () => {
    const text = execFileSync('pdftotext', [pdfPath, '-'], { encoding: 'utf8' });
    expect(text.includes('PWNED-'), 'no payload ran while printing').toBe(false);
    expect(text).toContain('FIGURE-LABEL-7');
    expect(text).toContain('AFTER-TRUNCATION-MARKER');
    mkdirSync(ARTIFACTS, { recursive: true });
    execFileSync('pdftoppm', ['-f', '1', '-l', '3', '-r', '50', '-png', pdfPath, join(ARTIFACTS, 'report-hostile')]);
  });

  it('prints with JavaScript off, even for a page that was never sanitised', () => {
    const out = execFileSync(VENV_PYTHON, ['-c', [
      'import sys, subprocess',
      'from distlab_jupyterlab.pdf import html_to_pdf',
      `pdf = html_to_pdf("<html><body><p>plain page</p><script>document.body.append('PWNED-print')</script></body></html>")`,
      "print(subprocess.run(['pdftotext', '-', '-'], input=pdf, capture_output=True).stdout.decode())"
    ].join('\n')], { encoding: 'utf8' });
    expect(out).toContain('plain page');
    expect(out.includes('PWNED-')).toBe(false);
  });
});
