// Bench probe loaded into the tslab kernel (NODE_OPTIONS=--require): times each cell's type check
// and emit, its run, distlab's SVG render and its output sends, one JSON line per cell.
// Only `npm run bench` loads it; it changes no result, it only wraps functions with timers.
'use strict';
const Module = require('module');
const { appendFileSync } = require('fs');

const OUT = process.env.DISTLAB_LOOP_PROBE;
const nowMs = () => Number(process.hrtime.bigint()) / 1e6;
/** The cell being executed, if any: its timers add up here. */
let current = null;

function wrapConverter(exports) {
  const create = exports.createConverter;
  exports.createConverter = function (...args) {
    const converter = create.apply(this, args);
    const convert = converter.convert;
    converter.convert = function (...convertArgs) {
      const started = nowMs();
      try {
        return convert.apply(this, convertArgs);
      } finally {
        if (current) current.typeCheckMs += nowMs() - started;
      }
    };
    return converter;
  };
}

function wrapExecutor(exports) {
  const create = exports.createExecutor;
  exports.createExecutor = function (...args) {
    const executor = create.apply(this, args);
    const execute = executor.execute;
    executor.execute = async function (src) {
      const record = { atMs: Date.now(), source: String(src).slice(0, 80), typeCheckMs: 0, executeMs: 0, renderMs: 0, renders: 0, sendMs: 0, sends: 0, sentBytes: 0 };
      current = record;
      const started = nowMs();
      try {
        return await execute.call(this, src);
      } finally {
        record.executeMs = nowMs() - started;
        record.runMs = record.executeMs - record.typeCheckMs - record.renderMs - record.sendMs;
        current = null;
        if (OUT) appendFileSync(OUT, `${JSON.stringify(record)}\n`);
      }
    };
    return executor;
  };
}

function wrapSvg(exports) {
  for (const name of ['renderVegaLiteSvg']) {
    const render = exports[name];
    if (typeof render !== 'function') continue;
    exports[name] = function (...args) {
      const started = nowMs();
      try {
        return render.apply(this, args);
      } finally {
        if (current) {
          current.renderMs += nowMs() - started;
          current.renders++;
        }
      }
    };
  }
}

function wrapDisplayKernel(exports) {
  const find = exports.findDisplayWriter;
  exports.findDisplayWriter = function () {
    const writer = find.apply(this, arguments);
    if (writer === null) return null;
    return (content, update) => {
      const started = nowMs();
      try {
        return writer(content, update);
      } finally {
        if (current) {
          current.sendMs += nowMs() - started;
          current.sends++;
        }
      }
    };
  };
}

const WRAPS = [
  [/[\\/]tslab[\\/]dist[\\/]converter\.js$/, wrapConverter],
  [/[\\/]tslab[\\/]dist[\\/]executor\.js$/, wrapExecutor],
  [/[\\/]dist[\\/]figures[\\/]vega-svg\.js$/, wrapSvg],
  [/[\\/]dist[\\/]display[\\/]kernel\.js$/, wrapDisplayKernel]
];
const CANDIDATE = /(converter|executor|vega-svg|kernel)(\.js)?$/;
const done = new Set();
const load = Module._load;
Module._load = function (request, parent, isMain) {
  const exports = load.apply(this, arguments);
  if (!CANDIDATE.test(request)) return exports;
  let file;
  try {
    file = Module._resolveFilename(request, parent, isMain);
  } catch {
    return exports;
  }
  if (done.has(file)) return exports;
  for (const [pattern, wrap] of WRAPS) {
    if (pattern.test(file)) {
      done.add(file);
      wrap(exports);
    }
  }
  return exports;
};
