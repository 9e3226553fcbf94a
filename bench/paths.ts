// Where the bench/ folder is: beside this module when run from source (tsx), or BENCH_DIR
// when run as the single-file bundle of scripts/device-bench.sh, which lives elsewhere.

import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const benchDir = process.env.BENCH_DIR || fileURLToPath(new URL('.', import.meta.url));

export const benchPath = (...parts: string[]): string => join(benchDir, ...parts);
