// `npm run bench data`: loading and featurizing 200,000 and 1,000,000 M1 bars (loadBars +
// prepareDataset with defaults) in Node, in headless Chromium, and as pandas does it
// (bench/py/read_csv.py). Targets (issue): faster than pandas; under 2 s for 200,000 bars in the browser.

import { spawn } from 'node:child_process';
import { createReadStream, statSync } from 'node:fs';
import { relative } from 'node:path';
import { loadBars } from '../src/data/load.ts';
import { prepareDataset } from '../src/data/dataset.ts';
import { syntheticCsv } from './synth.ts';
import { benchPath } from './paths.ts';
import { pyScript, pythonWith, runPythonJson } from './python.ts';
import { CaseReport, mib, num, table, type CaseOptions } from './report.ts';
import type { loadInPage, loadInWorker } from './data-page.ts';

interface NodeResult {
  rows: number;
  rejected: number;
  loadS: number;
  featurizeS: number;
  peakRssBytes: number;
  baselineRssBytes: number;
  peakHeapBytes: number; // V8 heap plus ArrayBuffers, sampled per 1 MiB chunk
  /** The same file loaded again in the same process, its code compiled: what the JIT costs a first load. */
  againLoadS: number;
  againFeaturizeS: number;
}

interface PandasResult {
  rows: number;
  seconds: number;
  read_seconds: number;
  peak_rss_bytes: number;
  baseline_rss_bytes: number;
  pandas: string;
}

const repoRoot = benchPath('..');

/** Loads and featurizes `path` as `nexus inspect` does; seconds of each. */
async function loadAndFeaturize(path: string, fileName: string, onProgress?: () => void) {
  const t0 = performance.now();
  const { bars, report } = await loadBars(createReadStream(path, { highWaterMark: 1 << 20 }),
    { fileName, size: statSync(path).size, onProgress });
  const t1 = performance.now();
  onProgress?.();
  prepareDataset(bars);
  const t2 = performance.now();
  onProgress?.();
  return { bars, report, loadS: (t1 - t0) / 1000, featurizeS: (t2 - t1) / 1000 };
}

/** In the child process: a first load, timed, memory sampled, then the same file again; printed as JSON. */
export async function dataNodeChild(path: string, fileName: string): Promise<void> {
  const baselineRssBytes = process.memoryUsage().rss;
  let peakHeapBytes = 0;
  const sample = () => {
    const m = process.memoryUsage();
    peakHeapBytes = Math.max(peakHeapBytes, m.heapUsed + m.arrayBuffers);
  };
  const { bars, report, loadS, featurizeS } = await loadAndFeaturize(path, fileName, sample);
  const peakRssBytes = process.resourceUsage().maxRSS * 1024;
  const again = await loadAndFeaturize(path, fileName);
  const result: NodeResult = {
    rows: bars.length, rejected: report.rows_read - report.rows_kept, loadS, featurizeS, peakRssBytes, baselineRssBytes, peakHeapBytes,
    againLoadS: again.loadS, againFeaturizeS: again.featurizeS,
  };
  console.log(JSON.stringify(result));
}

/** The run with the least `time`. */
function best<T>(runs: readonly T[], time: (r: T) => number): T {
  return runs.reduce((a, b) => (time(b) < time(a) ? b : a));
}

/** A fresh Node process per file, so that its peak RSS is the load's alone. */
function nodeInChild(path: string, fileName: string): Promise<NodeResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, process.argv[1], '--data-node-child', path, fileName],
      { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`the Node data run exited with ${code}`));
      else resolve(JSON.parse(out.trim().split('\n').pop()!) as NodeResult);
    });
  });
}

type PageResult = Awaited<ReturnType<typeof loadInPage>>;
type WorkerResult = Awaited<ReturnType<typeof loadInWorker>>;

/**
 * Each file in a fresh page of one headless Chromium, served by the project's Vite server,
 * `repeats` times; `between` runs after each repeat (pandas, so that both meet the same machine).
 */
async function inBrowser(files: { path: string; name: string }[], repeats: number, between: (f: { path: string }) => Promise<void>):
  Promise<Map<string, { page: PageResult; worker: WorkerResult } | { error: string }>> {
  const out = new Map<string, { page: PageResult; worker: WorkerResult } | { error: string }>();
  let harness;
  try {
    const h = await import('../tests/browser/harness.ts'); // vite and playwright only when measured
    if (!h.hasChromium) throw new Error(`no Chromium at ${h.chromiumPath}`);
    harness = await h.startHarness();
    for (const f of files) {
      const url = '/' + relative(repoRoot, f.path).split('\\').join('/');
      const inFreshPage = async <T>(fn: string): Promise<T> => {
        const page = await harness!.newPage();
        try {
          return await h.callInPage<T>(page, '/bench/data-page.ts', fn, url, f.name);
        } finally {
          await page.close();
        }
      };
      const pages: PageResult[] = [];
      const workers: WorkerResult[] = [];
      for (let i = 0; i < repeats; i++) {
        pages.push(await inFreshPage<PageResult>('loadInPage'));
        workers.push(await inFreshPage<WorkerResult>('loadInWorker'));
        await between(f);
      }
      out.set(f.name, { page: best(pages, (r) => r.totalMs), worker: best(workers, (r) => r.doneMs) });
    }
  } catch (e) {
    for (const f of files) if (!out.has(f.name)) out.set(f.name, { error: (e as Error).message.split('\n')[0] });
  } finally {
    await harness?.close();
  }
  return out;
}

export async function dataCase(o: CaseOptions): Promise<CaseReport> {
  const report = new CaseReport('data');
  const sizes = o.quick ? [200_000] : [200_000, 1_000_000];
  // Best of 5, Node and pandas in turn (and pandas again after each browser run): the
  // machine is shared, its speed drifts, and the fastest run is the one least disturbed.
  const repeats = o.quick ? 1 : 5;
  const files = [];
  for (const n of sizes) files.push({ bars: n, ...(await syntheticCsv(n)) });
  const python = pythonWith('pandas', 'numpy');

  const t = report.add(table('Load + featurize M1 bars (loadBars + prepareDataset, defaults)',
    ['bars', 'where', 'seconds (load + featurize)', 'rows/s', 'peak memory MiB (Δ over start)', 'time ÷ pandas', 'target']));
  const nodeRuns = new Map<string, NodeResult[]>();
  const pandasRuns = new Map<string, PandasResult[]>();
  let pandasError: string | null = python === null ? 'no Python with pandas' : null;
  const runPandas = async (f: { path: string }) => {
    if (python === null || pandasError !== null) return;
    try {
      const r = await runPythonJson<PandasResult>(python, pyScript('read_csv.py'), [f.path], 300_000);
      pandasRuns.set(f.path, [...(pandasRuns.get(f.path) ?? []), r]);
    } catch (e) {
      pandasError = (e as Error).message;
    }
  };
  for (const f of files) {
    for (let i = 0; i < repeats; i++) {
      nodeRuns.set(f.path, [...(nodeRuns.get(f.path) ?? []), await nodeInChild(f.path, f.name)]);
      await runPandas(f);
    }
  }
  const browser = await inBrowser(files, repeats, runPandas);

  for (const f of files) {
    const node = best(nodeRuns.get(f.path)!, (r) => r.loadS + r.featurizeS);
    const pandasAll = pandasRuns.get(f.path);
    const pandas: PandasResult | { error: string } = pandasAll === undefined ? { error: pandasError ?? 'not run' } : best(pandasAll, (r) => r.seconds);
    const pandasS = 'seconds' in pandas ? pandas.seconds : null;
    const nodeS = node.loadS + node.featurizeS;
    const bars = f.bars.toLocaleString('en-US');
    t.rows.push([bars, 'Node (stream from disk)', `${num(nodeS)} (${num(node.loadS)} + ${num(node.featurizeS)})`, num(node.rows / nodeS),
      `${mib(node.peakRssBytes)} (Δ ${mib(node.peakRssBytes - node.baselineRssBytes)})`,
      pandasS ? num(nodeS / pandasS) : null, pandasS ? (nodeS < pandasS ? 'faster than pandas: met' : 'faster than pandas: NOT met') : null]);
    const again = best(nodeRuns.get(f.path)!, (r) => r.againLoadS + r.againFeaturizeS);
    const againS = again.againLoadS + again.againFeaturizeS;
    t.rows.push([bars, 'Node, the same file again in that process', `${num(againS)} (${num(again.againLoadS)} + ${num(again.againFeaturizeS)})`,
      num(again.rows / againS), null, pandasS ? num(againS / pandasS) : null, null]);
    const b = browser.get(f.name)!;
    if ('error' in b) {
      t.rows.push([bars, 'Chromium', null, null, null, null, `not measured: ${b.error}`]);
    } else {
      const s = b.page.totalMs / 1000;
      const target = f.bars === 200_000 ? (s < 2 ? 'under 2 s: met' : 'under 2 s: NOT met') : null;
      const heap = b.page.heapPeak === null ? null : `${mib(b.page.heapPeak)} JS heap (Δ ${mib(b.page.heapPeak - (b.page.heapBefore ?? 0))})`;
      t.rows.push([bars, 'Chromium page (Blob)', `${num(s)} (${num(b.page.loadMs / 1000)} + ${num(b.page.featurizeMs / 1000)})`, num(b.page.rows / s), heap,
        pandasS ? num(s / pandasS) : null, target]);
      const w = b.worker;
      t.rows.push([bars, 'Chromium, the app\'s data worker', `${num(w.doneMs / 1000)} (${num(w.loadedMs / 1000)} to the bars)`,
        num(w.rows / (w.doneMs / 1000)), null, pandasS ? num(w.doneMs / 1000 / pandasS) : null, w.error]);
    }
    t.rows.push([bars, `pandas ${'pandas' in pandas ? pandas.pandas : ''} read_csv + features`,
      'seconds' in pandas ? `${num(pandas.seconds)} (${num(pandas.read_seconds)} read_csv)` : null,
      'seconds' in pandas ? num(pandas.rows / pandas.seconds) : null,
      'peak_rss_bytes' in pandas ? `${mib(pandas.peak_rss_bytes)} (Δ ${mib(pandas.peak_rss_bytes - pandas.baseline_rss_bytes)})` : null, 1,
      'error' in pandas ? pandas.error : null]);
    report.record({ bars: f.bars, node, pandas, browser: b });
  }
  t.notes.push(
    `Best of ${repeats} run(s) each (pandas: of ${2 * repeats}), Node and pandas in turn, pandas again after each browser run. Seconds: from the bytes to the normalized (N, 5) features, labels and splits; the file read (stream, Blob) is included, generating it is not.`,
    'Node peak memory is the RSS high-water of a fresh process (its baseline before loading is in the JSON); pandas\' likewise, pandas imported.',
    'Node and the Chromium page are first loads: nothing ran before them, so their time includes the JIT compiling the ' +
      'loader (as for `nexus inspect`, one file per process); "again" is the same file loaded a second time in that process. ' +
      'Chromium page: loadBars + prepareDataset on the page\'s thread.',
    'The app\'s data worker: as a user meets it, after the bundled sample the app opens with; the Blob posted to ' +
      'workers/data.worker.ts, timed to its summary (loadBars, the candles posted back, prepareDataset, summary).',
    'Chromium memory is performance.memory.usedJSHeapSize (coarse, and it leaves out ArrayBuffers); a fresh page per file.',
    'pandas does less: no validation, no time checks, no labels or splits; only read_csv, the time parse, 5 features, standardization.',
  );
  return report;
}
