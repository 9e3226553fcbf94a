// `npm run bench [data|train|gpu ...] [--quick]`: the project's benchmarks (BENCHMARKS.md).
// Without a case it runs data and train; gpu (WebGPU through Dawn in Node) only when named.
// Tables go to stdout; JSON and markdown to $OUT when set, else bench/results/.

import type { CaseOptions, CaseReport } from './report.ts';

// Loaded on demand, so that the data case's memory is not measured with TF.js loaded.
const cases = {
  data: async (o: CaseOptions) => (await import('./data.ts')).dataCase(o),
  train: async (o: CaseOptions) => (await import('./train.ts')).trainCase(o),
  gpu: async (o: CaseOptions) => (await import('./gpu.ts')).gpuCase(o),
} as const;
type CaseName = keyof typeof cases;

const usage = `usage: npm run bench -- [data] [train] [gpu] [--quick] [--budget-s N]
  data   load + featurize 200,000 and 1,000,000 M1 bars: Node, headless Chromium, pandas
  train  ms/step of tiny, v1, v2 at batch 32 on the cpu and wasm backends, and PyTorch on the CPU
  gpu    the same on WebGPU through Dawn (VK_ICD_FILENAMES picks the Vulkan driver), v2 at 64 and 128,
         PyTorch on cuda (else cpu), and a per-kernel profile of one v2 step
  --quick      small sizes and few steps (for development, and on a software GPU)
  --budget-s   the gpu case's time cap in seconds (default 420)`;

async function main(argv: string[]): Promise<void> {
  // The data case measures Node's peak memory in a fresh process: this is that process.
  if (argv[0] === '--data-node-child') {
    await (await import('./data.ts')).dataNodeChild(argv[1], argv[2]);
    return;
  }
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(usage);
    return;
  }
  const quick = argv.includes('--quick');
  const budgetAt = argv.indexOf('--budget-s');
  const budgetS = budgetAt >= 0 ? Number(argv[budgetAt + 1]) : 420;
  if (!(budgetS > 0)) throw new Error(`--budget-s needs a number of seconds (got ${argv[budgetAt + 1]})`);
  const named = argv.filter((a, i) => !a.startsWith('--') && argv[i - 1] !== '--budget-s');
  for (const n of named) if (!(n in cases)) throw new Error(`unknown case "${n}"\n${usage}`);
  const chosen: CaseName[] = named.length > 0 ? (named as CaseName[]) : ['data', 'train'];
  for (const name of chosen) {
    const report: CaseReport = await cases[name]({ quick, budgetS });
    report.print();
  }
}

main(process.argv.slice(2)).then(
  () => process.exit(0), // Dawn and the browser can keep the event loop alive
  (e: unknown) => {
    console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
    process.exit(1);
  },
);
