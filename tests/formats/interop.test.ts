// Real PyTorch 1.13 (Debian's python3-torch at /usr/bin/python3) against our readers and
// writers, both ways; skipped where that interpreter or torch is missing.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeStateDictPickle } from '../../src/formats/pickle.ts';
import { readPth, writePth } from '../../src/formats/pth.ts';
import { readSafetensors, writeSafetensors } from '../../src/formats/safetensors.ts';
import type { StateDict } from '../../src/formats/state-dict.ts';
import { readZip } from '../../src/formats/zip.ts';
import { hasTorch, python } from '../support/python.ts';

const SCRIPT = join(import.meta.dirname, 'py', 'interop.py');

type Values = Record<string, { shape: number[]; data: number[] }>;

function expectValues(sd: StateDict, expected: Values): void {
  expect([...sd.keys()]).toEqual(Object.keys(expected));
  for (const [key, e] of Object.entries(expected)) {
    const t = sd.get(key)!;
    expect(t.shape, key).toEqual(e.shape);
    // Python floats print float32 values exactly, so equality is exact.
    expect(Array.from(t.data), key).toEqual(e.data);
  }
}

describe.skipIf(!hasTorch)('PyTorch 1.13 interop', () => {
  let dir = '';
  let expected: Record<string, Values> = {};
  const file = (name: string) => new Uint8Array(readFileSync(join(dir, name)));

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'nexus-formats-'));
    execFileSync(python, [SCRIPT, 'write', dir], { timeout: 120_000 });
    expected = JSON.parse(readFileSync(join(dir, 'values.json'), 'utf8'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads an OrderedDict torch.save wrote (1-, 2-, 3-D, 0-D and empty tensors)', () => {
    expectValues(readPth(file('dict.pth'), 'dict.pth'), expected['dict.pth']);
  });
  it("reads a real module's state_dict (with _metadata)", () => {
    expectValues(readPth(file('module.pth'), 'module.pth'), expected['module.pth']);
  });
  it('materializes transposed, sliced and storage-sharing views', () => {
    expectValues(readPth(file('views.pth'), 'views.pth'), expected['views.pth']);
  });
  it("writes data.pkl byte for byte as torch.save does", () => {
    const torchPickle = readZip(file('plain_module.pth')).find((e) => e.name.endsWith('/data.pkl'))!.data;
    const shapes = Object.entries(expected['module.pth']).map(([key, e]) => ({ key, shape: e.shape }));
    expect(writeStateDictPickle(shapes)).toEqual(torchPickle);
  });
  it('reads a safetensors file written in Python', () => {
    const { tensors, metadata } = readSafetensors(file('python.safetensors'), 'python.safetensors');
    expect(metadata).toEqual({ source: 'python' });
    expectValues(tensors, expected['python.safetensors']);
  });
  it('writes a .pth that torch.load(weights_only=True) and load_state_dict(strict=True) accept, and a safetensors Python reads', () => {
    // The module's own keys and shapes, with new values, so equality proves our bytes are read.
    const sd: StateDict = new Map();
    let k = 0;
    for (const [key, e] of Object.entries(expected['module.pth'])) {
      sd.set(key, { shape: e.shape, data: Float32Array.from(e.data, (_, i) => Math.fround(Math.cos(++k + i) * 0.5)) });
    }
    writeFileSync(join(dir, 'ours.pth'), writePth(sd, 'ours'));
    writeFileSync(join(dir, 'ours.safetensors'), writeSafetensors(sd, { format: 'nexus-export' }));
    const values: Values = {};
    for (const [key, t] of sd) values[key] = { shape: t.shape, data: Array.from(t.data) };
    writeFileSync(join(dir, 'ours.json'), JSON.stringify(values));
    // A renamed archive folder must load too (torch 1.13 takes whatever the first record says).
    writeFileSync(join(dir, 'renamed.pth'), writePth(sd, 'archive'));

    const out = execFileSync(python, [SCRIPT, 'check', dir, 'renamed.pth'], { timeout: 120_000, encoding: 'utf8' });
    const report = JSON.parse(out.trim().split('\n').pop()!);
    expect(report).toMatchObject({
      pth_type: 'OrderedDict', pth_equal: true, strict_load: true, st_equal: true, st_meta: { format: 'nexus-export' }, extra_ok: true,
    });
    expect(report.pth_keys).toEqual([...sd.keys()]);
    expect(report.st_keys).toEqual([...sd.keys()]);
  });
});
