// bot/nexus_transformer.py as the bot uses it: the upgrade guide's own constructor calls
// and shape check, and load_export on what `nexus export` writes.

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasTorch, runPython, tempDir } from '../support/python.ts';
import { nexus } from '../support/cli.ts';

describe.skipIf(!hasTorch)('bot/nexus_transformer.py', () => {
  it("takes the guide's constructor calls and loads our export", () => {
    const dir = tempDir();
    expect(nexus('export', '--preset', 'v1', '--seed', '1', '--out', dir).code).toBe(0);
    const out = JSON.parse(runPython(join(import.meta.dirname, 'py', 'check_module.py'), [dir]));
    expect(out.v1).toEqual({ parameters: 417_700, trend: [1, 3], vol: [1, 1] });
    expect(out.v2).toEqual({ parameters: 3_204_132, trend: [1, 3], vol: [1, 1] });
    expect(out.export).toEqual({ training: false, preset: 'v1', parameters: 417_700, meta_parameters: 417_700 });
  });
});
