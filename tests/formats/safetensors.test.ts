import { describe, expect, it } from 'vitest';
import { readSafetensors, writeSafetensors } from '../../src/formats/safetensors.ts';
import { smallStateDict } from './helpers.ts';

/** A safetensors file from a header object and raw data, for malformed cases. */
function craft(header: unknown, data = new Uint8Array(0), lengthOverride?: bigint): Uint8Array {
  const json = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, lengthOverride ?? BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

describe('safetensors round trip', () => {
  it('reads back tensors and metadata', () => {
    const sd = smallStateDict();
    const bytes = writeSafetensors(sd, { format: 'nexus-export', d_model: '4' });
    const back = readSafetensors(bytes, 'x.safetensors');
    expect(back.metadata).toEqual({ format: 'nexus-export', d_model: '4' });
    expect([...back.tensors.keys()]).toEqual([...sd.keys()]);
    for (const [k, t] of sd) expect(back.tensors.get(k)).toEqual(t);
  });
  it('pads the header with spaces to 8 bytes and keeps the state_dict order', () => {
    const bytes = writeSafetensors(smallStateDict());
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(n % 8).toBe(0);
    const text = new TextDecoder().decode(bytes.subarray(8, 8 + n));
    expect(Object.keys(JSON.parse(text))).toEqual([...smallStateDict().keys()]);
  });
  it('returns tensors in data-offset order', () => {
    const header = {
      b: { dtype: 'F32', shape: [1], data_offsets: [4, 8] },
      a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] },
    };
    const back = readSafetensors(craft(header, new Uint8Array(new Float32Array([1, 2]).buffer)));
    expect([...back.tensors.keys()]).toEqual(['a', 'b']);
    expect(back.tensors.get('b')!.data[0]).toBe(2);
  });
});

describe('malformed safetensors files', () => {
  const f32 = (n: number) => new Uint8Array(4 * n);
  it('rejects a header length larger than the file', () => {
    expect(() => readSafetensors(craft({}, f32(0), 1000n), 'x.safetensors')).toThrow(
      'x.safetensors is not a valid safetensors file: its header length (1000 bytes) is larger than the 2 bytes that follow it',
    );
  });
  it('rejects a header length over 100 MB', () => {
    expect(() => readSafetensors(craft({}, f32(0), 2n ** 40n), 'x.safetensors')).toThrow('its header length (1099511627776 bytes) is over the 100 MB limit');
  });
  it('rejects a header that is not JSON', () => {
    expect(() => readSafetensors(craft('{"a": [1, 2'), 'x.safetensors')).toThrow('x.safetensors is not a valid safetensors file: its header is not valid JSON');
  });
  it('rejects F16 tensors', () => {
    const h = { w: { dtype: 'F16', shape: [2], data_offsets: [0, 4] } };
    expect(() => readSafetensors(craft(h, f32(1)))).toThrow("tensor 'w' has dtype F16; the bot's weights must be float32 (F32)");
  });
  it('rejects offsets that do not match the shape', () => {
    const h = { w: { dtype: 'F32', shape: [2, 3], data_offsets: [0, 16] } };
    expect(() => readSafetensors(craft(h, f32(4)))).toThrow("tensor 'w' has 16 bytes of data, but its shape [2, 3] needs 24");
  });
  it('rejects offsets past the data', () => {
    const h = { w: { dtype: 'F32', shape: [4], data_offsets: [0, 16] } };
    expect(() => readSafetensors(craft(h, f32(2)))).toThrow("tensor 'w' has data_offsets [0, 16] outside the 8 bytes of data");
  });
  it('rejects overlapping tensors and holes', () => {
    const overlap = { a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] } };
    expect(() => readSafetensors(craft(overlap, f32(3)))).toThrow("tensor 'b' overlaps the tensor before it (bytes 4..12)");
    const hole = { a: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } };
    expect(() => readSafetensors(craft(hole, f32(2)))).toThrow("its data has a hole at bytes 0..4, before tensor 'a'");
  });
  it('rejects metadata values that are not strings', () => {
    expect(() => readSafetensors(craft({ __metadata__: { d_model: 256 } }))).toThrow("its metadata value 'd_model' is not a string");
  });
  it('rejects an empty file and one shorter than the length field', () => {
    expect(() => readSafetensors(new Uint8Array(0), 'x.safetensors')).toThrow('x.safetensors is empty (0 bytes)');
    expect(() => readSafetensors(new Uint8Array(3), 'x.safetensors')).toThrow('it is only 3 bytes long');
  });
});
