// The engine against its own build from a git commit, in one process: the same workloads on both,
// alternated in many pairs, reported as the median ratio after/before with a 95% interval.
// Usage: node kernel-lib/bench/against.mjs <commit> [--quick] [--processes P] [--pairs N] [--only gossip,mm1] [--after DIR]
// The build after is kernel-lib/dist (rebuild it after editing kernel-lib/src), or DIR.
// (run.mjs --against <commit> adds its result to the bench's JSON line).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '..', '..');
const require = createRequire(import.meta.url);
// The compiler the package's own build uses (`tsc` of the workspace).
const TSC = resolve(repoRoot, 'node_modules', '.bin', 'tsc');
// What the simulator needs, without the figures (which would pull in vega).
const ENTRIES = ['simulation/simulation.ts', 'world/net/latency.ts'];

function git(args, options = {}) {
  const out = spawnSync('git', args, { cwd: repoRoot, encoding: options.encoding ?? 'utf8', maxBuffer: 256 << 20 });
  if (out.status !== 0) throw new Error(`git ${args.join(' ')}: ${(out.stderr || '').toString().trim()}`);
  return out.stdout;
}

/**
 * Compile kernel-lib/src of `commit` into a temporary folder (kept and reused by commit) with
 * the compiler options of the package's build; returns the folder of its JavaScript.
 */
export function buildAt(commit) {
  const sha = git(['rev-parse', '--verify', `${commit}^{commit}`]).trim();
  const dir = join(tmpdir(), `distlab-engine-${sha.slice(0, 12)}`);
  const out = join(dir, 'dist');
  if (existsSync(join(out, 'simulation', 'simulation.js'))) return { sha, dist: out };
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const tar = git(['archive', '--format=tar', sha, 'kernel-lib/src'], { encoding: 'buffer' });
  const untar = spawnSync('tar', ['-x', '-C', dir], { input: tar });
  if (untar.status !== 0) throw new Error(`tar: ${untar.stderr}`);
  const src = join(dir, 'kernel-lib', 'src');
  const tsc = spawnSync(
    process.execPath,
    [
      TSC,
      ...['--target', 'ES2020', '--lib', 'ES2020', '--module', 'commonjs', '--moduleResolution', 'node', '--strict', '--esModuleInterop', '--skipLibCheck'],
      ...['--types', 'node', '--typeRoots', resolve(repoRoot, 'node_modules', '@types'), '--rootDir', src, '--outDir', out],
      ...ENTRIES.map((entry) => join(src, entry))
    ],
    { encoding: 'utf8' }
  );
  if (tsc.status !== 0 || !existsSync(join(out, 'simulation', 'simulation.js'))) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`build of ${sha.slice(0, 12)} failed: ${(tsc.stdout + tsc.stderr).trim().split('\n').slice(0, 5).join(' ')}`);
  }
  return { sha, dist: out };
}

/** The simulator of one build: its `simulation` and `lognormalLatency`, as the workloads take them. */
export function loadBuild(dist) {
  return {
    simulation: require(join(dist, 'simulation', 'simulation.js')).simulation,
    lognormalLatency: require(join(dist, 'world', 'net', 'latency.js')).lognormalLatency
  };
}

const median = (xs) => {
  const s = xs.slice().sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/**
 * Distribution-free 95% interval of a median: order statistics k and n+1-k, with k the largest
 * such that P(Binomial(n, 1/2) < k) <= 2.5%.
 */
export function medianInterval(xs) {
  const s = xs.slice().sort((a, b) => a - b);
  const n = s.length;
  let k = 0;
  let cdf = 0;
  let term = 0.5 ** n; // P(B = 0)
  for (let i = 0; i < n; i++) {
    if (cdf + term > 0.025) break;
    cdf += term;
    k = i + 1;
    term = (term * (n - i)) / (i + 1);
  }
  if (k === 0) return { low: s[0], high: s[n - 1], exact: false };
  return { low: s[k - 1], high: s[n - k], exact: true };
}

/**
 * In this process: every workload on both builds, warm-ups of all, then `pairs` pairs, the order inside
 * a pair alternating (after first, then before first). The ratio of a pair is rate after / rate
 * before; both builds must give the same result signature.
 */
async function measurePairs({ beforeDist, afterDist, quick, pairs, only }) {
  const scale = quick ? 0.25 : 1;
  const workloadsUrl = pathToFileURL(join(here, 'workloads.mjs')).href;
  const sides = {
    after: (await import(`${workloadsUrl}?build=after`)).workloads(loadBuild(afterDist), scale),
    before: (await import(`${workloadsUrl}?build=before`)).workloads(loadBuild(beforeDist), scale)
  };
  const raw = {};
  const names = Object.keys(sides.after).filter((name) => only === undefined || only.includes(name));
  // Every workload warms up before any is measured: a kernel runs simulations of many shapes, and
  // V8 re-optimises the engine's shared code for each (the first workload measured on fresh code
  // alone would read faster than a learner's runs do).
  const warmups = quick ? 2 : 4;
  for (const name of names) for (let w = 0; w < warmups; w++) for (const side of ['after', 'before']) sides[side][name].run(90 + w);
  for (const name of names) {
    const entry = { workload: sides.after[name].workload, ratios: [], after: [], before: [], same: true };
    for (let p = 0; p < pairs; p++) {
      const order = p % 2 === 0 ? ['after', 'before'] : ['before', 'after'];
      const got = {};
      for (const side of order) {
        got[side] = sides[side][name].run(1 + (p % 3));
        entry[side].push(got[side].rate);
      }
      if (got.after.signature !== got.before.signature) entry.same = false;
      entry.ratios.push(got.after.rate / got.before.rate);
    }
    raw[name] = entry;
  }
  return raw;
}

/**
 * The engine against its build at `commit`: `processes` fresh Node processes (V8's inlining
 * differs from one process to the next, so one process alone can be lucky or not), each
 * running `pairs` alternated pairs per workload; the ratios of all pairs are pooled.
 */
export async function compare({ commit, quick = false, pairs, processes, only, afterDist = resolve(here, '..', 'dist'), log = (line) => console.log(`[against] ${line}`) }) {
  const before = buildAt(commit);
  if (!existsSync(join(afterDist, 'simulation', 'simulation.js'))) throw new Error('no kernel-lib/dist: build it first (npm run build -w kernel-lib)');
  const pairCount = pairs ?? (quick ? 7 : 15);
  const processCount = processes ?? (quick ? 4 : 12);
  log(`before: ${before.sha.slice(0, 12)} compiled in ${before.dist}; after: ${afterDist}; ${processCount} processes x ${pairCount} pairs per workload`);
  const pooled = {};
  for (let i = 0; i < processCount; i++) {
    const args = [fileURLToPath(import.meta.url), '--child', before.dist, '--after', afterDist, '--pairs', String(pairCount), ...(quick ? ['--quick'] : []), ...(only ? ['--only', only.join(',')] : [])];
    // Node flags given to this process (e.g. V8 options for a diagnosis) reach the measuring processes.
    const child = spawnSync(process.execPath, [...process.execArgv, ...args], { encoding: 'utf8', maxBuffer: 16 << 20 });
    if (child.status !== 0) throw new Error(`against: process ${i + 1} failed: ${(child.stderr || '').trim().split('\n').slice(-3).join(' ')}`);
    const raw = JSON.parse(child.stdout.trim().split('\n').pop());
    for (const [name, entry] of Object.entries(raw)) {
      const into = (pooled[name] ??= { workload: entry.workload, ratios: [], after: [], before: [], same: true, byProcess: [] });
      into.ratios.push(...entry.ratios);
      into.after.push(...entry.after);
      into.before.push(...entry.before);
      into.same &&= entry.same;
      into.byProcess.push(round(median(entry.ratios)));
    }
    log(`process ${i + 1}: ${Object.entries(raw).map(([name, entry]) => `${name} ${median(entry.ratios).toFixed(3)}`).join(', ')}`);
  }
  const result = { against: before.sha, processes: processCount, pairsPerProcess: pairCount, quick };
  for (const [name, entry] of Object.entries(pooled)) {
    const { low, high } = medianInterval(entry.ratios);
    result[name] = {
      ratio: round(median(entry.ratios)),
      low: round(low),
      high: round(high),
      ratioByProcess: entry.byProcess,
      afterPerSec: Math.round(median(entry.after)),
      beforePerSec: Math.round(median(entry.before)),
      sameResult: entry.same,
      workload: entry.workload
    };
    const r = result[name];
    log(`${name}: after/before ${r.ratio} [${r.low}, ${r.high}] (median of ${entry.ratios.length} alternated pairs, 95% interval; by process ${r.ratioByProcess.join(' ')}); ${r.afterPerSec} vs ${r.beforePerSec} /s; same result: ${r.sameResult}`);
  }
  return result;
}

function round(x, digits = 3) {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const valueOf = (flag) => (args.includes(flag) ? args[args.indexOf(flag) + 1] : undefined);
  const only = valueOf('--only')?.split(',');
  const pairs = valueOf('--pairs') === undefined ? undefined : Number(valueOf('--pairs'));
  const processes = valueOf('--processes') === undefined ? undefined : Number(valueOf('--processes'));
  if (args.includes('--child')) {
    const raw = await measurePairs({ beforeDist: valueOf('--child'), afterDist: valueOf('--after'), quick: args.includes('--quick'), pairs, only });
    console.log(JSON.stringify(raw));
  } else {
    const commit = args.find((a, i) => !a.startsWith('--') && !['--pairs', '--only', '--processes', '--after'].includes(args[i - 1]));
    if (!commit) {
      console.error('usage: node kernel-lib/bench/against.mjs <commit> [--quick] [--processes P] [--pairs N] [--only gossip,mm1,traced,faults,monteCarlo] [--after DIR]');
      process.exit(2);
    }
    const after = valueOf('--after');
    const result = await compare({ commit, quick: args.includes('--quick'), pairs, processes, only, ...(after === undefined ? {} : { afterDist: resolve(after) }) });
    console.log(JSON.stringify({ bench: 'distlab-engine-against', vsBeforeLayout: result }));
  }
}
