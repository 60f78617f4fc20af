// `npm run bench`'s experimentLoop part: in a real JupyterLab (Debian chromium, the real extension),
// the time from a parameter control's change to the cell's new figure drawn, for every experiment
// cell of the module notebook, against a trivial cell in the same page, and where the time goes.
// Progress on stderr; the LAST line of stdout is one JSON object. `--quick`: a few cells, once each.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const VENV_BIN = join(ROOT, '.venv', 'bin');
const CHROMIUM = process.env.DISTLAB_CHROMIUM ?? '/usr/bin/chromium';
const MODULE_NOTEBOOK = '5.1-what-makes-systems-distributed.ipynb';
const PROBE = join(ROOT, 'scripts', 'bench_experiment_loop_probe.cjs');
const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');
const ts = require('typescript');

const quick = process.argv.includes('--quick');
/** Control changes per cell (the cell's figure is its median); cells measured (all unless quick). */
const REPEATS = quick ? 1 : 3;
const CELLS_MAX = quick ? 3 : Infinity;
const SHOTS = process.argv.includes('--shots') ? process.argv[process.argv.indexOf('--shots') + 1] : null;
if (SHOTS !== null) mkdirSync(SHOTS, { recursive: true });
/** The figure counts as drawn at the first animation frame after the output area's last change; "last" = none for this long. */
const QUIET_MS = 400;

const log = (text) => process.stderr.write(`[experimentLoop] ${text}\n`);

/** A project TypeScript module with no runtime imports (the grammar, the fps helper), loaded as ES module. */
async function importTs(path) {
  const source = readFileSync(join(ROOT, path), 'utf8');
  const { outputText } = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } });
  return import(`data:text/javascript;base64,${Buffer.from(outputText).toString('base64')}`);
}

function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

const percentile = (values, p) => {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
};
const median = (values) => percentile(values, 50);
const round1 = (x) => (x === null || x === undefined || !Number.isFinite(x) ? null : Math.round(x * 10) / 10);

/** The code cells of the bench's notebook copy that carry a control, and the controls the bench added. */
function prepareNotebook(dir, grammar) {
  const file = join(dir, MODULE_NOTEBOOK);
  const nb = JSON.parse(readFileSync(file, 'utf8'));
  const text = (cell) => (Array.isArray(cell.source) ? cell.source.join('') : cell.source);
  const controlled = (source) => grammar.parseParams(source).filter((row) => row.ok);
  let ownControls = nb.cells.filter((c) => c.cell_type === 'code' && controlled(text(c)).length > 0).length;
  let added = 0;
  if (ownControls === 0) {
    // The notebook has no controls yet: give each experiment cell a seed control on its `const seed = N;` line.
    for (const cell of nb.cells) {
      if (cell.cell_type !== 'code') continue;
      const source = text(cell);
      const withSeed = source.replace(/^(const seed = \d+;)(.*)$/m, (line, decl, rest) => (rest.includes('//') ? `${decl} // @param seed` : `${decl}${rest} // @param seed`));
      if (withSeed !== source && controlled(withSeed).length > 0) {
        cell.source = withSeed;
        added++;
      }
    }
  }
  // The floor, in the same page: a trivial cell `1` (run with Ctrl-Enter) and the same through a control.
  const codeCell = (source) => ({ cell_type: 'code', execution_count: null, metadata: {}, outputs: [], source });
  nb.cells.push(codeCell('1'));
  nb.cells.push(codeCell('const floorValue = 1; // @param 0..9 step 1\nfloorValue'));
  // A replay of about 300 events for the frame rate (the same run as the replay fixture's).
  nb.cells.push(codeCell([
    "const big = dl.simulation({ seed: 3, network: { latency: dl.uniformLatency({ minMs: 1, maxMs: 9 }), dropProbability: 0.05 } });",
    "big.nodesOf(['n1', 'n2', 'n3', 'n4'], { start: (ctx) => ctx.setTimer('gossip', 10 * ctx.random()), onTimer: (ctx) => { ctx.broadcast('gossip'); ctx.setTimer('gossip', 10); } });",
    'big.run({ untilMs: 108 });',
    'console.log(`events: ${big.trace.length}`);',
    "dl.spaceTimeDiagram(big.trace, { title: 'Replay of 300 events', stamps: 'none', laneHeightPx: 40 })"
  ].join('\n')));
  writeFileSync(file, JSON.stringify(nb, null, 1));
  const cells = [];
  nb.cells.forEach((cell, index) => {
    if (cell.cell_type !== 'code') return;
    const rows = controlled(text(cell));
    if (rows.length > 0) cells.push({ index, rows, source: text(cell) });
  });
  const floorControl = cells.pop();
  const importIndex = nb.cells.findIndex((cell) => cell.cell_type === 'code' && /from 'distlab'/.test(text(cell)));
  return { cells, floorControl, importIndex, floorIndex: nb.cells.length - 3, replayIndex: nb.cells.length - 1, controls: ownControls > 0 ? 'notebook' : `added by the bench (a seed control on ${added} cells)` };
}

/** A cell's name for the report: its first comment or its first dl.* call. */
function cellName(source, index) {
  const call = /\bdl\.(\w+)\(/.exec(source)?.[1];
  return `cell ${index}${call ? ` (${call})` : ''}`;
}

async function startLab(rootDir, probeFile) {
  const port = await freePort();
  const token = `distlab-bench-${port}`;
  const homeDir = mkdtempSync(join(tmpdir(), 'distlab-bench-jupyter-'));
  for (const sub of ['config', 'data', 'runtime', 'settings', 'workspaces']) mkdirSync(join(homeDir, sub), { recursive: true });
  // Every cell in the page (no windowing), as the lab tests do.
  const tracker = join(homeDir, 'settings', '@jupyterlab', 'notebook-extension');
  mkdirSync(tracker, { recursive: true });
  writeFileSync(join(tracker, 'tracker.jupyterlab-settings'), JSON.stringify({ windowingMode: 'none' }));
  const env = {
    ...process.env,
    PATH: `${VENV_BIN}:${process.env.PATH}`,
    JUPYTER_PATH: join(ROOT, '.venv', 'share', 'jupyter'),
    JUPYTER_CONFIG_DIR: join(homeDir, 'config'),
    JUPYTER_DATA_DIR: join(homeDir, 'data'),
    JUPYTER_RUNTIME_DIR: join(homeDir, 'runtime'),
    JUPYTERLAB_SETTINGS_DIR: join(homeDir, 'settings'),
    JUPYTERLAB_WORKSPACES_DIR: join(homeDir, 'workspaces'),
    // The kernel (node) inherits this: the probe times type check, run, render and sends.
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require=${PROBE}`.trim(),
    DISTLAB_LOOP_PROBE: probeFile
  };
  const args = ['lab', '--no-browser', `--port=${port}`, '--ServerApp.port_retries=0', '--ServerApp.ip=127.0.0.1', `--ServerApp.root_dir=${rootDir}`,
    `--IdentityProvider.token=${token}`, '--LabApp.news_url=', '--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate'];
  if (process.getuid?.() === 0) args.push('--allow-root');
  const child = spawn(join(VENV_BIN, 'jupyter'), args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`JupyterLab exited early (${child.exitCode}):\n${output}`);
    try {
      if ((await fetch(`${url}/api/status?token=${token}`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`JupyterLab did not start within 60 s:\n${output}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    url,
    token,
    stop: () =>
      new Promise((done) => {
        rmSync(homeDir, { recursive: true, force: true });
        if (child.exitCode !== null) return done();
        child.once('exit', () => done());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
      })
  };
}

/**
 * Runs in the page before JupyterLab: records when execute requests leave and when kernel messages
 * arrive (with the kernel's header date and size), and when a control's input or change event fires.
 */
function pageInstrumentation() {
  const loop = (window.__loop = { sends: [], recvs: [], inputs: [], keys: [], others: [] });
  const utf8 = new TextDecoder();
  const decode = (data) => {
    try {
      if (typeof data === 'string') {
        const m = JSON.parse(data);
        return { header: m.header, parent: m.parent_header, content: m.header?.msg_type === 'status' ? m.content : null, bytes: data.length };
      }
      const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : null;
      if (bytes === null) return null;
      // v1.kernel.websocket.jupyter.org: offset count, offsets (u64 LE), then channel, header, parent, metadata, content.
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      const count = view.getUint32(0, true);
      const offsets = [];
      for (let i = 1; i <= count; i++) offsets.push(view.getUint32(8 * i, true));
      const part = (i) => JSON.parse(utf8.decode(bytes.subarray(offsets[i], i + 1 < offsets.length ? offsets[i + 1] : bytes.length)));
      const header = part(1);
      return { header, parent: part(2), content: header.msg_type === 'status' ? part(4) : null, bytes: bytes.length };
    } catch {
      return null;
    }
  };
  const Native = window.WebSocket;
  class TimedWebSocket extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (event) => {
        const t = performance.now();
        const m = decode(event.data);
        if (m?.header) loop.recvs.push({ t, type: m.header.msg_type, date: Date.parse(m.header.date), parent: m.parent?.msg_id, state: m.content?.execution_state, bytes: m.bytes });
      });
    }
    send(data) {
      const m = decode(data);
      if (m?.header?.msg_type === 'execute_request') loop.sends.push({ t: performance.now(), id: m.header.msg_id });
      else if (m?.header) loop.others.push({ t: performance.now(), type: m.header.msg_type });
      return super.send(data);
    }
  }
  window.WebSocket = TimedWebSocket;
  const onControl = (event) => {
    if (event.target instanceof Element && event.target.closest('.jp-distlab-params')) loop.inputs.push({ t: performance.now(), type: event.type });
  };
  document.addEventListener('input', onControl, true);
  document.addEventListener('change', onControl, true);
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.shiftKey)) loop.keys.push(performance.now());
  }, true);
}

/** In the page: watch cell `index`'s outputs; every change schedules a frame, whose time is kept. */
function armCell(index) {
  const loop = window.__loop;
  loop.armedAt = performance.now();
  loop.mutations = [];
  loop.frames = [];
  loop.observer?.disconnect();
  const cell = document.querySelectorAll('.jp-Notebook .jp-Cell')[index];
  const target = cell.querySelector('.jp-Cell-outputWrapper') ?? cell;
  loop.observer = new MutationObserver(() => {
    const t = performance.now();
    loop.mutations.push(t);
    requestAnimationFrame(() => loop.frames.push({ mutation: t, frame: performance.now() }));
  });
  loop.observer.observe(target, { childList: true, subtree: true, characterData: true });
}

/** In the page: once the kernel went idle for the run that followed the arming and the outputs are quiet, the timings. */
function collect({ quietMs, startEvent }) {
  const loop = window.__loop;
  const since = loop.armedAt;
  const send = loop.sends.find((s) => s.t >= since);
  if (!send) return null;
  const mine = loop.recvs.filter((r) => r.parent === send.id);
  const idle = mine.find((r) => r.type === 'status' && r.state === 'idle');
  if (!idle) return null;
  const lastMutation = loop.mutations.at(-1) ?? null;
  const now = performance.now();
  if (now - Math.max(idle.t, lastMutation ?? 0) < quietMs) return null;
  const frame = loop.frames.filter((f) => f.mutation === lastMutation).at(-1) ?? null;
  if (lastMutation !== null && frame === null) return null;
  const input = loop.inputs.find((i) => i.t >= since && (startEvent === undefined || i.type === startEvent)) ?? null;
  const key = loop.keys.find((k) => k >= since) ?? null;
  const busy = mine.find((r) => r.type === 'status' && r.state === 'busy');
  const outputs = mine.filter((r) => ['display_data', 'execute_result', 'stream', 'error', 'update_display_data'].includes(r.type));
  const reply = mine.find((r) => r.type === 'execute_reply');
  const epoch = (t) => performance.timeOrigin + t;
  return {
    startT: input?.t ?? key ?? send.t,
    sendT: send.t,
    busyDate: busy?.date ?? null,
    busyEpochArrival: busy ? epoch(busy.t) : null,
    idleDate: idle.date,
    outputDate: outputs.length ? outputs.at(-1).date : null,
    otherRequests: loop.others.filter((o) => o.t >= since && o.t <= send.t + 1).map((o) => o.type),
    idleT: idle.t,
    idleEpochArrival: epoch(idle.t),
    sendEpoch: epoch(send.t),
    timeOrigin: performance.timeOrigin,
    lastOutputT: outputs.length ? outputs.at(-1).t : null,
    lastOutputEpoch: outputs.length ? epoch(outputs.at(-1).t) : null,
    replyT: reply?.t ?? null,
    outputBytes: outputs.reduce((sum, r) => sum + r.bytes, 0),
    outputs: outputs.length,
    drawnT: frame ? frame.frame : idle.t
  };
}

/** Change one control of the cell through the real extension, the way a learner would. */
async function moveControl(page, cellIndex, row, attempt) {
  const cell = page.locator('.jp-Notebook .jp-Cell').nth(cellIndex);
  const control = cell.locator(`.jp-distlab-param[data-param="${row.name}"]`);
  switch (row.spec.kind) {
    case 'number': {
      const slider = control.locator('input[type="range"]');
      const atMax = await slider.evaluate((s) => Number(s.value) >= Number(s.max));
      await slider.focus();
      await slider.press(atMax || attempt % 2 === 1 ? 'ArrowLeft' : 'ArrowRight');
      return;
    }
    case 'choice': {
      const select = control.locator('select');
      const count = await select.locator('option').count();
      const current = Number(await select.inputValue());
      await select.selectOption(String((current + 1) % count));
      return;
    }
    case 'boolean':
      await control.locator('input[type="checkbox"]').click();
      return;
    case 'seed': {
      const field = control.locator('input.jp-distlab-param-seed');
      const value = Number(await field.inputValue());
      await field.fill(String(value + 1));
      await field.press('Enter');
      await field.blur();
      return;
    }
  }
}

/** The event on which the extension acts: a slider re-runs on input, the other controls on change. */
const startEventOf = (row) => (row.spec.kind === 'number' ? 'input' : 'change');
/** Page time to epoch: collect() returns performance.now() times and their offset. */
const performance0 = (timing) => timing.timeOrigin;

/** Measure one change: arm, act, wait until the figure is drawn, and join the kernel probe's record. */
async function measureOnce(page, cellIndex, act, probe, startEvent) {
  await page.evaluate(armCell, cellIndex);
  const probeBefore = probe.lines().length;
  await act();
  const deadline = Date.now() + 60_000;
  let timing = null;
  while (timing === null) {
    if (Date.now() > deadline) {
      const seen = await page.evaluate(() => {
        const loop = window.__loop;
        const send = loop.sends.find((s) => s.t >= loop.armedAt);
        return { inputs: loop.inputs.filter((i) => i.t >= loop.armedAt).map((i) => i.type), sent: Boolean(send), replies: send ? loop.recvs.filter((r) => r.parent === send.id).map((r) => r.state ?? r.type) : [] };
      });
      throw new Error(`cell ${cellIndex}: no figure within 60 s (events ${seen.inputs.join(' ') || 'none'}, execute request ${seen.sent ? 'sent' : 'not sent'}, kernel said ${seen.replies.join(' ') || 'nothing'})`);
    }
    await new Promise((r) => setTimeout(r, 50));
    timing = await page.evaluate(collect, { quietMs: QUIET_MS, startEvent });
  }
  const records = probe.lines().slice(probeBefore);
  const kernel = records.at(-1) ?? null;
  const totalMs = timing.drawnT - timing.startT;
  return {
    totalMs,
    // Control handler until the execute request leaves the page.
    pageMs: timing.sendT - timing.startT,
    // Request sent until the kernel says busy (server, sockets, a kernel still busy with something else).
    toKernelMs: timing.busyDate !== null ? timing.busyDate - timing.sendEpoch : null,
    // The last output from the kernel sending it until the page has it.
    outputLagMs: timing.outputDate !== null ? timing.lastOutputEpoch - timing.outputDate : null,
    kernelMs: timing.busyDate !== null ? timing.idleDate - timing.busyDate : null,
    typeCheckMs: kernel?.typeCheckMs ?? null,
    runMs: kernel?.runMs ?? null,
    renderMs: kernel?.renderMs ?? null,
    sendMs: kernel?.sendMs ?? null,
    // The last output's arrival (or the idle status, with no output) until drawn.
    pageRenderMs: timing.drawnT - (timing.lastOutputT ?? timing.idleT),
    // Kernel idle until drawn: what the page still does once the kernel is done.
    afterKernelMs: timing.drawnT + performance0(timing) - timing.idleDate,
    otherRequests: timing.otherRequests,
    outputBytes: timing.outputBytes
  };
}

const PHASES = ['pageMs', 'toKernelMs', 'outputLagMs', 'afterKernelMs', 'kernelMs', 'typeCheckMs', 'runMs', 'renderMs', 'sendMs', 'pageRenderMs', 'outputBytes'];
const medianOf = (samples, key) => round1(median(samples.map((s) => s[key]).filter((v) => v !== null && v !== undefined)));

async function main() {
  const grammar = await importTs('extension/src/param-controls/grammar.ts');
  const base = join(ROOT, '.distlab');
  mkdirSync(base, { recursive: true });
  const rootDir = mkdtempSync(join(base, 'bench-loop-'));
  cpSync(join(ROOT, 'notebooks'), rootDir, { recursive: true, filter: (src) => !src.includes('.ipynb_checkpoints') });
  const { cells: allCells, floorControl, floorIndex, importIndex, replayIndex, controls } = prepareNotebook(rootDir, grammar);
  const cells = allCells.slice(0, CELLS_MAX);
  const probeFile = join(rootDir, 'probe.jsonl');
  writeFileSync(probeFile, '');
  const probe = { lines: () => readFileSync(probeFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)) };
  log(`${allCells.length} cells with controls (${controls}); measuring ${cells.length}, ${REPEATS}× each`);
  const lab = await startLab(rootDir, probeFile);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage']
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.addInitScript(pageInstrumentation);
    await page.goto(`${lab.url}/lab/tree/${MODULE_NOTEBOOK}?token=${lab.token}&reset`);
    await page.locator('.jp-Notebook').first().waitFor({ timeout: 60_000 });
    const idle = () => page.waitForFunction(() => /TypeScript \| Idle/.test(document.querySelector('#jp-main-statusbar')?.textContent ?? ''), undefined, { timeout: 300_000, polling: 250 });
    await idle();
    if (quick) {
      // Quick: only the import cell; the experiment cells need nothing else.
      log('running the import cell…');
      const importCell = page.locator('.jp-Notebook .jp-Cell').nth(importIndex);
      await importCell.locator('.jp-InputPrompt').click();
      await page.keyboard.press('Control+Enter');
      await page.waitForFunction((i) => /\[\d+\]/.test(document.querySelectorAll('.jp-Notebook .jp-Cell')[i]?.querySelector('.jp-InputPrompt')?.textContent ?? ''), importIndex, { timeout: 120_000, polling: 250 });
    } else {
      log('running every cell once…');
      await page.locator('.lm-MenuBar-itemLabel', { hasText: /^Run$/ }).click();
      await page.locator('.lm-Menu-itemLabel', { hasText: /^Run All Cells$/ }).click();
      await page.waitForFunction(() => {
        const prompts = Array.from(document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')).map((p) => p.textContent ?? '');
        return prompts.length > 0 && /\[\d+\]/.test(prompts[0]) && !prompts.some((p) => p.includes('*'));
      }, undefined, { timeout: 600_000, polling: 500 });
    }
    await idle();
    await page.locator('.jp-distlab-params:not([hidden])').first().waitFor({ timeout: 30_000 });

    // The floor: a trivial cell `1` with Ctrl-Enter, and a trivial cell through its control.
    const floorSamples = [];
    const floorControlSamples = [];
    for (let i = 0; i < REPEATS + 2; i++) {
      const floorCell = page.locator('.jp-Notebook .jp-Cell').nth(floorIndex);
      floorSamples.push(await measureOnce(page, floorIndex, async () => {
        await floorCell.locator('.jp-InputPrompt').click();
        await page.keyboard.press('Control+Enter');
      }, probe));
      floorControlSamples.push(await measureOnce(page, floorControl.index, () => moveControl(page, floorControl.index, floorControl.rows[0], i), probe, startEventOf(floorControl.rows[0])));
    }
    // Warm-ups are dropped: the first runs of a page load code for the renderers.
    const floorMs = median(floorSamples.slice(2).map((s) => s.totalMs));
    const floorControlMs = median(floorControlSamples.slice(2).map((s) => s.totalMs));
    log(`floor: cell \`1\` ${floorMs.toFixed(0)} ms, a trivial cell through its control ${floorControlMs.toFixed(0)} ms`);

    const perCell = [];
    for (const cell of cells) {
      const row = cell.rows[0];
      const samples = [];
      // Quick runs skip Run All: one change first, not counted, loads the cell's renderers in the page.
      if (quick) await measureOnce(page, cell.index, () => moveControl(page, cell.index, row, 1), probe, startEventOf(row));
      let error = null;
      for (let attempt = 0; attempt < REPEATS; attempt++) {
        await page.locator('.jp-Notebook .jp-Cell').nth(cell.index).scrollIntoViewIfNeeded();
        try {
          samples.push(await measureOnce(page, cell.index, () => moveControl(page, cell.index, row, attempt), probe, startEventOf(row)));
        } catch (caught) {
          // One cell that never answers is reported, and the others are still measured.
          error = caught.message;
          log(error);
        }
      }
      if (samples.length === 0) {
        perCell.push({ name: cellName(cell.source, cell.index), control: `${row.name} (${row.spec.kind})`, ms: null, error });
        continue;
      }
      // `--shots DIR`: a picture of the cell as it was when counted as drawn, to look at.
      if (SHOTS !== null) await page.locator('.jp-Notebook .jp-Cell').nth(cell.index).screenshot({ path: join(SHOTS, `experiment-loop-cell-${cell.index}.png`) });
      const ms = median(samples.map((s) => s.totalMs));
      const entry = { name: cellName(cell.source, cell.index), control: `${row.name} (${row.spec.kind})`, ms: round1(ms), samplesMs: samples.map((s) => round1(s.totalMs)) };
      for (const key of PHASES) entry[key] = medianOf(samples, key);
      const others = [...new Set(samples.flatMap((s) => s.otherRequests))];
      if (others.length > 0) entry.otherRequests = others;
      perCell.push(entry);
      log(`${entry.name} via ${entry.control}: ${entry.ms} ms (page ${entry.pageMs}, to kernel ${entry.toKernelMs}, kernel ${entry.kernelMs} = type check ${entry.typeCheckMs} + run ${entry.runMs} + svg ${entry.renderMs} + send ${entry.sendMs}, output lag ${entry.outputLagMs}, page render ${entry.pageRenderMs}, after kernel ${entry.afterKernelMs}, ${entry.outputBytes} B${others.length ? `, also sent: ${others.join(' ')}` : ''})`);
    }

    // Replay frame rate of the 300-event diagram, through the replay renderer's own controls.
    let replayFps = null;
    let replay = null;
    const replayCell = page.locator('.jp-Notebook .jp-Cell').nth(replayIndex);
    if (quick) {
      await replayCell.locator('.jp-InputPrompt').click();
      await page.keyboard.press('Control+Enter');
      await idle();
      await replayCell.locator('.jp-OutputArea-output').last().waitFor({ timeout: 60_000 });
      await page.waitForTimeout(1000);
    }
    const replayNode = replayCell.locator('.jp-distlab-replay').first();
    if ((await replayNode.count()) > 0 && existsSync(join(ROOT, 'tests', 'helpers', 'replay-fps.ts'))) {
      const { measureReplayFps } = await importTs('tests/helpers/replay-fps.ts');
      await replayNode.scrollIntoViewIfNeeded();
      replay = await measureReplayFps(replayNode, 4);
      replayFps = round1(replay.fps);
      log(`replay: ${replayFps} frames/s (${replay.framesDrawn} frames in ${replay.seconds.toFixed(2)} s at ${replay.speed}×, display ${replay.rafPerSecond.toFixed(0)} rAF/s)`);
    } else {
      log('replay: no .jp-distlab-replay output in the lab (the replay renderer is not built in): replayFps null');
    }

    const totals = perCell.filter((c) => c.ms !== null).map((c) => c.ms);
    const breakdown = {};
    for (const key of PHASES) breakdown[key] = round1(median(perCell.map((c) => c[key]).filter((v) => v !== null && v !== undefined)));
    const floorBreakdown = {};
    for (const key of PHASES) floorBreakdown[key] = medianOf(floorSamples.slice(2), key);
    const p50Ms = round1(percentile(totals, 50));
    const p95Ms = round1(percentile(totals, 95));
    return {
      p50Ms,
      p95Ms,
      floorMs: round1(floorMs),
      floorControlMs: round1(floorControlMs),
      ratioToFloor: floorMs > 0 ? round1(p50Ms / floorMs) : null,
      replayFps,
      replay: replay && { framesDrawn: replay.framesDrawn, seconds: round1(replay.seconds), rafPerSecond: round1(replay.rafPerSecond), speed: replay.speed, frames: replay.frames, longestTaskMs: round1(replay.longestTaskMs) },
      targets: { p50Ms: 300, p95Ms: 800, replayFps: 30 },
      controls,
      quick,
      repeatsPerCell: REPEATS,
      // Medians over the cells, in ms: page (control handler to request sent), transport (server and
      // sockets, both ways), kernel busy to idle = typeCheck + run + render (SVG) + send (+ tslab's own), page render.
      breakdown,
      floorBreakdown,
      cellsFailed: perCell.filter((c) => c.ms === null).length,
      cells: perCell
    };
  } finally {
    await browser.close();
    await lab.stop();
    rmSync(rootDir, { recursive: true, force: true });
  }
}

main().then(
  (result) => {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    process.exit(0);
  },
  (error) => {
    process.stderr.write(`${error.stack ?? error}\n`);
    process.exit(1);
  }
);
