import { describe, expect, it } from 'vitest';
import { PyDict, PyTensor, unpickle, writeStateDictPickle } from '../../src/formats/pickle.ts';
import { indexOf, pickleBytes, u32 } from './helpers.ts';

const ctx = 'x.pth';
const tensors = [
  { key: 'w', shape: [2, 3] },
  { key: 'b', shape: [3] },
  { key: 'cube', shape: [2, 1, 4, 5] },
  { key: 's', shape: [] },
];

describe('state_dict pickle', () => {
  it('reads back what it writes: keys in order, storages data/<i>, contiguous strides', () => {
    const value = unpickle(writeStateDictPickle(tensors), ctx);
    expect(value).toBeInstanceOf(PyDict);
    const map = (value as PyDict).map;
    expect([...map.keys()]).toEqual(['w', 'b', 'cube', 's']);
    const cube = map.get('cube') as PyTensor;
    expect(cube).toBeInstanceOf(PyTensor);
    expect(cube.shape).toEqual([2, 1, 4, 5]);
    expect(cube.stride).toEqual([20, 20, 5, 1]);
    expect(cube.storage).toMatchObject({ key: '2', location: 'cpu', numel: 40 });
    expect((map.get('s') as PyTensor).shape).toEqual([]);
  });
  it('uses LONG_BINPUT and LONG1 where pickle.py would', () => {
    const many = Array.from({ length: 40 }, (_, i) => ({ key: `k${i}`, shape: [1] }));
    many.push({ key: 'big', shape: [65536, 32768] }); // numel 2^31: LONG1
    const bytes = writeStateDictPickle(many);
    expect(indexOf(bytes, [0x72])).toBeGreaterThan(0);
    const big = (unpickle(bytes, ctx) as PyDict).map.get('big') as PyTensor;
    expect(big.storage.numel).toBe(2 ** 31);
  });
  it('accepts protocol 4 framing, STACK_GLOBAL and MEMOIZE', () => {
    const p = pickleBytes(0x80, 4, 0x95, [20, 0, 0, 0, 0, 0, 0, 0], 0x8c, 11, 'collections', 0x94, 0x8c, 11, 'OrderedDict', 0x93, 0x94, ')R', 0x94, '.');
    expect(unpickle(p, ctx)).toBeInstanceOf(PyDict);
  });
});

describe('refused pickles', () => {
  it('refuses os.system called through GLOBAL and REDUCE', () => {
    const p = pickleBytes(0x80, 2, 'cos\nsystem\nq', 0, 'X', u32(5), 'touch', 0x85, 'R.');
    expect(() => unpickle(p, ctx)).toThrow(
      'x.pth: its pickle refers to os.system, which a plain state_dict never contains (only collections.OrderedDict, torch._utils._rebuild_tensor_v2, torch.FloatStorage are allowed); nothing from the file was run',
    );
  });
  it('refuses builtins.eval, also through STACK_GLOBAL', () => {
    const p = pickleBytes(0x80, 4, 0x8c, 8, 'builtins', 0x8c, 4, 'eval', 0x93, 0x8c, 1, '1', 0x85, 'R.');
    expect(() => unpickle(p, ctx)).toThrow('its pickle refers to builtins.eval, which a plain state_dict never contains');
  });
  it('refuses a half-precision storage', () => {
    const p = writeStateDictPickle(tensors);
    const at = indexOf(p, 'FloatStorage');
    const half = pickleBytes([...p.subarray(0, at)], 'HalfStorage', [...p.subarray(at + 'FloatStorage'.length)]);
    expect(() => unpickle(half, ctx)).toThrow("x.pth: wrong dtype: the bot's weights must be float32 (found torch.HalfStorage)");
  });
  it('refuses an opcode a state_dict never needs (INST)', () => {
    expect(() => unpickle(pickleBytes(0x80, 2, 'i', '.'), ctx)).toThrow('its pickle uses opcode 0x69 at byte 2, which a plain state_dict never needs');
  });
  it('refuses a truncated pickle', () => {
    const p = writeStateDictPickle(tensors);
    expect(() => unpickle(p.subarray(0, 100), ctx)).toThrow(/its pickle is truncated at byte \d+/);
  });
  it('refuses a string length past the end without allocating it', () => {
    const p = pickleBytes(0x80, 2, 'X', u32(0xfffffff0), 'ab.');
    expect(() => unpickle(p, ctx)).toThrow('its pickle is truncated at byte 7');
  });
  it('refuses a memo read before it is written', () => {
    expect(() => unpickle(pickleBytes(0x80, 2, 'h', 9, '.'), ctx)).toThrow('memo 9 is read before it is written');
  });
});
