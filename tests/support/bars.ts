// Bars for tests, written as the generic CSV layout: a seeded random walk of M1 bars,
// the same in Node and in a browser page (no Node or vitest imports).

/** Bars of a random walk as a `time,open,high,low,close,volume` CSV, seeded. */
export function randomWalkCsv(n: number, seed = 1, stepMs = 60_000): string {
  let s = seed >>> 0;
  const rand = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const lines = ['time,open,high,low,close,volume'];
  let close = 1.1;
  for (let i = 0; i < n; i++) {
    const open = close;
    close = open * Math.exp((rand() - 0.5) * 2e-3);
    const high = Math.max(open, close) * (1 + rand() * 5e-4);
    const low = Math.min(open, close) * (1 - rand() * 5e-4);
    const t = new Date(Date.UTC(2024, 0, 1) + i * stepMs).toISOString();
    lines.push(`${t},${open.toFixed(6)},${high.toFixed(6)},${low.toFixed(6)},${close.toFixed(6)},${Math.floor(rand() * 1000)}`);
  }
  return `${lines.join('\n')}\n`;
}
