// A restricted unpickler and a writer for exactly what torch.save(state_dict) puts in data.pkl
// (protocol 2, as PyTorch 1.13 and 2.x write it). Nothing is ever called: the three allowed
// globals are interpreted here, every other global or opcode is refused (spec/EXPORT.md).

import { UserError } from '../errors.ts';

// Opcodes, named as in CPython's pickletools: https://github.com/python/cpython/blob/main/Lib/pickletools.py
// Protocol 2 is what torch.save writes; SHORT_BINUNICODE, STACK_GLOBAL, MEMOIZE, FRAME are protocol 4.
const OP = {
  PROTO: 0x80, FRAME: 0x95, STOP: 0x2e, MARK: 0x28,
  EMPTY_TUPLE: 0x29, TUPLE: 0x74, TUPLE1: 0x85, TUPLE2: 0x86, TUPLE3: 0x87,
  EMPTY_LIST: 0x5d, APPEND: 0x61, APPENDS: 0x65, EMPTY_DICT: 0x7d, SETITEM: 0x73, SETITEMS: 0x75,
  NONE: 0x4e, NEWTRUE: 0x88, NEWFALSE: 0x89, BININT: 0x4a, BININT1: 0x4b, BININT2: 0x4d, LONG1: 0x8a, BINFLOAT: 0x47,
  BINUNICODE: 0x58, SHORT_BINUNICODE: 0x8c, BINSTRING: 0x54, SHORT_BINSTRING: 0x55,
  GLOBAL: 0x63, STACK_GLOBAL: 0x93, REDUCE: 0x52, BUILD: 0x62, BINPERSID: 0x51,
  BINPUT: 0x71, LONG_BINPUT: 0x72, MEMOIZE: 0x94, BINGET: 0x68, LONG_BINGET: 0x6a,
} as const;
const HIGHEST_PROTOCOL = 5;
const MAX_NAME = 256; // longest GLOBAL module or name line accepted
const BATCH_SIZE = 1000; // pickle.py's _BATCHSIZE: SETITEMS groups at most this many pairs

const ORDERED_DICT = 'collections.OrderedDict';
const REBUILD_TENSOR = 'torch._utils._rebuild_tensor_v2';
const FLOAT_STORAGE = 'torch.FloatStorage';
const ALLOWED_GLOBALS = new Set([ORDERED_DICT, REBUILD_TENSOR, FLOAT_STORAGE]);

export class PyTuple {
  constructor(readonly items: PyValue[]) {}
}
/** dict or OrderedDict; keys of a state_dict (and of its `_metadata`) are strings or ints. */
export class PyDict {
  readonly map = new Map<string | number, PyValue>();
}
export class PyGlobal {
  constructor(readonly name: string) {}
}
/** A persistent id ('storage', torch.FloatStorage, key, location, numel): data lives in data/<key>. */
export class PyStorage {
  constructor(readonly key: string, readonly location: string, readonly numel: number) {}
}
/** The arguments of torch._utils._rebuild_tensor_v2, not yet materialized. */
export class PyTensor {
  constructor(readonly storage: PyStorage, readonly offset: number, readonly shape: number[], readonly stride: number[]) {}
}
export type PyValue = null | boolean | number | string | PyValue[] | PyTuple | PyDict | PyGlobal | PyStorage | PyTensor;

/** Runs the restricted stack machine over `bytes`; errors are sentences that `context` starts. */
export function unpickle(bytes: Uint8Array, context: string): PyValue {
  const fail = (detail: string): never => {
    throw new UserError(`${context}: ${detail}`);
  };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const latin1 = new TextDecoder('latin1');
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  let stack: PyValue[] = [];
  const marks: PyValue[][] = [];
  const memo = new Map<number, PyValue>();
  let pos = 0;

  const need = (n: number): number => {
    if (pos + n > bytes.length) fail(`its pickle is truncated at byte ${pos}`);
    const at = pos;
    pos += n;
    return at;
  };
  const pop = (): PyValue => {
    if (stack.length === 0) fail(`its pickle is damaged (stack underflow at byte ${pos})`);
    return stack.pop() as PyValue;
  };
  const popMark = (): PyValue[] => {
    const items = stack;
    const previous = marks.pop();
    if (previous === undefined) fail(`its pickle is damaged (no MARK before byte ${pos})`);
    stack = previous as PyValue[];
    return items;
  };
  const text = (n: number, decoder: TextDecoder): string => {
    const at = need(n);
    try {
      return decoder.decode(bytes.subarray(at, at + n));
    } catch {
      return fail(`its pickle holds a string that is not valid UTF-8 at byte ${at}`);
    }
  };
  const line = (): string => {
    // Bounded search: a missing newline must not make each GLOBAL scan the whole file.
    const length = bytes.subarray(pos, pos + MAX_NAME + 1).indexOf(0x0a);
    if (length < 0) fail(pos + MAX_NAME >= bytes.length ? `its pickle is truncated at byte ${pos}` : `its pickle has an overlong GLOBAL name at byte ${pos}`);
    const name = text(length, latin1);
    pos++; // the newline
    return name;
  };
  const global = (module: string, name: string): PyGlobal => {
    const full = `${module}.${name}`;
    if (ALLOWED_GLOBALS.has(full)) return new PyGlobal(full);
    if (module === 'torch' && name.endsWith('Storage')) fail(`wrong dtype: the bot's weights must be float32 (found ${full})`);
    return fail(`its pickle refers to ${full}, which a plain state_dict never contains (only ${[...ALLOWED_GLOBALS].join(', ')} are allowed); nothing from the file was run`);
  };
  const put = (index: number): void => {
    if (stack.length === 0) fail(`its pickle is damaged (memo put on an empty stack at byte ${pos})`);
    memo.set(index, stack[stack.length - 1]);
  };
  const get = (index: number): void => {
    if (!memo.has(index)) fail(`its pickle is damaged (memo ${index} is read before it is written)`);
    stack.push(memo.get(index) as PyValue);
  };
  const setItems = (dict: PyValue, items: PyValue[]): void => {
    if (!(dict instanceof PyDict) || items.length % 2 !== 0) fail(`its pickle is damaged (SETITEMS on something that is not a dict, at byte ${pos})`);
    for (let i = 0; i < items.length; i += 2) {
      const key = items[i];
      if (typeof key !== 'string' && typeof key !== 'number') fail(`its pickle has a dict key that is not a string or a number`);
      (dict as PyDict).map.set(key as string | number, items[i + 1]);
    }
  };

  for (;;) {
    const op = bytes[need(1)];
    switch (op) {
      case OP.PROTO: {
        const version = bytes[need(1)];
        if (version > HIGHEST_PROTOCOL) fail(`its pickle uses protocol ${version}, newer than any Python writes`);
        break;
      }
      case OP.FRAME: // Frames only group opcodes for buffered reading; the content is read as usual.
        if (pos + 8 + Number(view.getBigUint64(need(8), true)) > bytes.length) fail('its pickle is truncated inside a frame');
        break;
      case OP.STOP:
        return pop();
      case OP.MARK: marks.push(stack); stack = []; break;
      case OP.EMPTY_TUPLE: stack.push(new PyTuple([])); break;
      case OP.TUPLE: {
        const items = popMark(); // before touching `stack`: popMark replaces it
        stack.push(new PyTuple(items));
        break;
      }
      case OP.TUPLE1: case OP.TUPLE2: case OP.TUPLE3: {
        const n = op - OP.TUPLE1 + 1;
        if (stack.length < n) fail(`its pickle is damaged (stack underflow at byte ${pos})`);
        stack.push(new PyTuple(stack.splice(stack.length - n, n)));
        break;
      }
      case OP.EMPTY_LIST: stack.push([]); break;
      case OP.EMPTY_DICT: stack.push(new PyDict()); break;
      case OP.APPEND: case OP.APPENDS: {
        const items = op === OP.APPEND ? [pop()] : popMark();
        const list = stack[stack.length - 1];
        if (!Array.isArray(list)) fail(`its pickle is damaged (APPEND on something that is not a list, at byte ${pos})`);
        for (const item of items) (list as PyValue[]).push(item); // no spread: it overflows on huge lists
        break;
      }
      case OP.SETITEM: {
        const value = pop();
        const key = pop();
        setItems(stack[stack.length - 1], [key, value]);
        break;
      }
      case OP.SETITEMS: {
        const items = popMark();
        setItems(stack[stack.length - 1], items);
        break;
      }
      case OP.NONE: stack.push(null); break;
      case OP.NEWTRUE: stack.push(true); break;
      case OP.NEWFALSE: stack.push(false); break;
      case OP.BININT: stack.push(view.getInt32(need(4), true)); break;
      case OP.BININT1: stack.push(bytes[need(1)]); break;
      case OP.BININT2: stack.push(view.getUint16(need(2), true)); break;
      case OP.LONG1: {
        const n = bytes[need(1)];
        const at = need(n);
        let value = 0n;
        for (let i = n - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[at + i]);
        if (n > 0 && bytes[at + n - 1] & 0x80) value -= 1n << BigInt(8 * n); // two's complement
        if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < -BigInt(Number.MAX_SAFE_INTEGER)) fail(`its pickle holds an integer too large for this app (${value})`);
        stack.push(Number(value));
        break;
      }
      case OP.BINFLOAT: stack.push(view.getFloat64(need(8), false)); break; // big-endian, per pickletools
      case OP.BINUNICODE: stack.push(text(view.getUint32(need(4), true), utf8)); break;
      case OP.SHORT_BINUNICODE: stack.push(text(bytes[need(1)], utf8)); break;
      case OP.BINSTRING: {
        const n = view.getInt32(need(4), true);
        if (n < 0) fail(`its pickle is damaged (negative string length at byte ${pos})`);
        stack.push(text(n, latin1));
        break;
      }
      case OP.SHORT_BINSTRING: stack.push(text(bytes[need(1)], latin1)); break;
      case OP.GLOBAL: {
        const module = line();
        stack.push(global(module, line()));
        break;
      }
      case OP.STACK_GLOBAL: {
        const name = pop();
        const module = pop();
        if (typeof module !== 'string' || typeof name !== 'string') fail('its pickle is damaged (STACK_GLOBAL without names)');
        stack.push(global(module as string, name as string));
        break;
      }
      case OP.BINPUT: put(bytes[need(1)]); break;
      case OP.LONG_BINPUT: put(view.getUint32(need(4), true)); break;
      case OP.MEMOIZE: put(memo.size); break;
      case OP.BINGET: get(bytes[need(1)]); break;
      case OP.LONG_BINGET: get(view.getUint32(need(4), true)); break;
      case OP.BINPERSID: stack.push(persistentLoad(pop(), fail)); break;
      case OP.REDUCE: {
        const args = pop();
        stack.push(reduce(pop(), args, fail));
        break;
      }
      case OP.BUILD: {
        // Only an OrderedDict's attributes are accepted: a module's state_dict() carries
        // `_metadata` (per-module versions) this way; the tensors do not need it.
        pop();
        if (!(stack[stack.length - 1] instanceof PyDict)) fail(`its pickle sets the state of something that is not a dict, at byte ${pos}`);
        break;
      }
      default:
        fail(`its pickle uses opcode 0x${op.toString(16).padStart(2, '0')} at byte ${pos - 1}, which a plain state_dict never needs`);
    }
  }
}

function reduce(callable: PyValue, args: PyValue, fail: (detail: string) => never): PyValue {
  if (!(callable instanceof PyGlobal) || !(args instanceof PyTuple)) return fail('its pickle calls something that is not an allowed function');
  const a = args.items;
  if (callable.name === ORDERED_DICT) {
    if (a.length !== 0) fail('its pickle builds an OrderedDict from arguments, which torch.save never does');
    return new PyDict();
  }
  if (callable.name !== REBUILD_TENSOR) return fail(`its pickle calls ${callable.name}, which is a type, not a function`);
  // _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
  const [storage, offset, shape, stride, requiresGrad, hooks, metadata] = a;
  const ints = (v: PyValue): v is PyTuple => v instanceof PyTuple && v.items.every((d) => Number.isSafeInteger(d) && (d as number) >= 0);
  if (
    (a.length !== 6 && a.length !== 7) || !(storage instanceof PyStorage) || !Number.isSafeInteger(offset) || (offset as number) < 0 ||
    !ints(shape) || !ints(stride) || shape.items.length !== stride.items.length || typeof requiresGrad !== 'boolean' ||
    !(hooks instanceof PyDict) || (a.length === 7 && !(metadata instanceof PyDict))
  ) {
    return fail('its pickle rebuilds a tensor from arguments torch.save never writes');
  }
  if ((hooks as PyDict).map.size > 0) fail('its pickle attaches backward hooks to a tensor, which a state_dict never has');
  return new PyTensor(storage as PyStorage, offset as number, (shape as PyTuple).items as number[], (stride as PyTuple).items as number[]);
}

function persistentLoad(pid: PyValue, fail: (detail: string) => never): PyStorage {
  const [kind, type, key, location, numel] = pid instanceof PyTuple ? pid.items : [];
  if (
    !(pid instanceof PyTuple) || pid.items.length !== 5 || kind !== 'storage' || !(type instanceof PyGlobal) ||
    typeof key !== 'string' || typeof location !== 'string' || !Number.isSafeInteger(numel) || (numel as number) < 0
  ) {
    return fail("its pickle refers to outside data other than a tensor storage ('storage', type, key, location, size)");
  }
  if ((type as PyGlobal).name !== FLOAT_STORAGE) fail(`wrong dtype: the bot's weights must be float32 (found ${(type as PyGlobal).name})`);
  return new PyStorage(key as string, location as string, numel as number);
}

/** One tensor to pickle: its state_dict key and shape; its storage is data/<index in the list>. */
export interface PickledTensor {
  key: string;
  shape: readonly number[];
}

/**
 * data.pkl exactly as torch.save writes it for an OrderedDict of contiguous float32 CPU
 * tensors (protocol 2, pickle.py's memo numbering, byte-identical to PyTorch 1.13's).
 * Two passes over the same emitter: the first only measures, so the buffer is allocated once.
 */
export function writeStateDictPickle(tensors: readonly PickledTensor[]): Uint8Array {
  const measure = new Emitter(null);
  emitStateDict(measure, tensors);
  const out = new Emitter(new Uint8Array(measure.pos));
  emitStateDict(out, tensors);
  return out.bytes as Uint8Array;
}

function emitStateDict(e: Emitter, tensors: readonly PickledTensor[]): void {
  e.byte(OP.PROTO).byte(2);
  const orderedDict = e.global('collections', 'OrderedDict');
  e.byte(OP.EMPTY_TUPLE).byte(OP.REDUCE).memoize();
  // Strings and globals pickle.py sees again (same Python object) become BINGETs.
  const shared = new Map<string, number>();
  const once = (name: string, first: () => number): void => {
    const index = shared.get(name);
    if (index === undefined) shared.set(name, first());
    else e.get(index);
  };
  for (let start = 0; start < tensors.length; start += BATCH_SIZE) {
    const batch = tensors.slice(start, start + BATCH_SIZE);
    if (batch.length > 1) e.byte(OP.MARK);
    batch.forEach((t, j) => {
      const index = start + j;
      e.str(t.key);
      once('rebuild', () => e.global('torch._utils', '_rebuild_tensor_v2'));
      e.byte(OP.MARK).byte(OP.MARK);
      once('storage', () => e.str('storage'));
      once('float', () => e.global('torch', 'FloatStorage'));
      e.str(String(index));
      once('cpu', () => e.str('cpu'));
      e.int(t.shape.reduce((n, d) => n * d, 1));
      e.byte(OP.TUPLE).memoize().byte(OP.BINPERSID);
      e.int(0);
      e.tuple(t.shape);
      e.tuple(contiguousStrides(t.shape));
      e.byte(OP.NEWFALSE);
      e.get(orderedDict);
      e.byte(OP.EMPTY_TUPLE).byte(OP.REDUCE).memoize(); // backward_hooks: an empty OrderedDict
      e.byte(OP.TUPLE).memoize().byte(OP.REDUCE).memoize();
    });
    e.byte(batch.length > 1 ? OP.SETITEMS : OP.SETITEM);
  }
  e.byte(OP.STOP);
}

/** Row-major strides as PyTorch computes them (a size-0 dim counts as 1). */
export function contiguousStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= Math.max(shape[i], 1);
  }
  return strides;
}

class Emitter {
  pos = 0;
  private memoCount = 0;
  constructor(readonly bytes: Uint8Array | null) {}

  byte(b: number): this {
    if (this.bytes) this.bytes[this.pos] = b;
    this.pos++;
    return this;
  }
  private u32(v: number): this {
    for (let i = 0; i < 4; i++) this.byte((v >>> (8 * i)) & 0xff);
    return this;
  }
  private raw(b: Uint8Array): this {
    if (this.bytes) this.bytes.set(b, this.pos);
    this.pos += b.length;
    return this;
  }
  memoize(): this {
    const index = this.memoCount++;
    return index < 256 ? this.byte(OP.BINPUT).byte(index) : this.byte(OP.LONG_BINPUT).u32(index);
  }
  get(index: number): this {
    return index < 256 ? this.byte(OP.BINGET).byte(index) : this.byte(OP.LONG_BINGET).u32(index);
  }
  /** Returns the memo index, for later BINGETs. */
  str(s: string): number {
    const utf8 = new TextEncoder().encode(s);
    this.byte(OP.BINUNICODE).u32(utf8.length).raw(utf8).memoize();
    return this.memoCount - 1;
  }
  global(module: string, name: string): number {
    this.byte(OP.GLOBAL).raw(new TextEncoder().encode(`${module}\n${name}\n`)).memoize();
    return this.memoCount - 1;
  }
  /** pickle.py's save_long: smallest of BININT1, BININT2, BININT, else LONG1 (non-negative here). */
  int(v: number): this {
    if (v <= 0xff) return this.byte(OP.BININT1).byte(v);
    if (v <= 0xffff) return this.byte(OP.BININT2).byte(v & 0xff).byte(v >>> 8);
    if (v <= 0x7fffffff) return this.byte(OP.BININT).u32(v);
    let big = BigInt(v);
    const n = (big.toString(2).length >> 3) + 1;
    this.byte(OP.LONG1).byte(n);
    for (let i = 0; i < n; i++, big >>= 8n) this.byte(Number(big & 0xffn));
    return this;
  }
  /** pickle.py's save_tuple for protocol 2: () unmemoized, TUPLE1-3 for short ones, else MARK..TUPLE. */
  tuple(items: readonly number[]): this {
    if (items.length === 0) return this.byte(OP.EMPTY_TUPLE);
    if (items.length > 3) this.byte(OP.MARK);
    items.forEach((v) => this.int(v));
    return this.byte(items.length > 3 ? OP.TUPLE : OP.TUPLE1 + items.length - 1).memoize();
  }
}
