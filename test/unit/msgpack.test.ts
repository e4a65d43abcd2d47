import { encode as msgpackEncode } from '@msgpack/msgpack';
import { describe, expect, it } from 'vitest';
import { EncodeError, MemoryStore, NoDB } from '../../src/index.js';
import { exactDifference } from '../helpers/values.js';

function openDb(options: ConstructorParameters<typeof NoDB>[0] extends infer O ? Partial<O & object> : never = {}) {
  const store = new MemoryStore();
  return { store, db: new NoDB<unknown>({ store, serializer: 'msgpack', compression: false, ...options }) };
}

async function roundTrip(value: unknown): Promise<unknown> {
  const { db } = openDb();
  await db.save(value, { index: 'k' });
  return db.load('k');
}

describe('msgpack serializer', () => {
  const cases: Array<[string, unknown]> = [
    ['Date', new Date(Date.UTC(2026, 11, 4, 20, 41, 27, 573))],
    ['Date before 1970', new Date(Date.UTC(1500, 5, 15, 1, 2, 3, 999))],
    ['Date at epoch minus 1 ms', new Date(-1)],
    ['Date at the largest time', new Date(8.64e15)],
    ['Uint8Array', new Uint8Array([0, 1, 127, 128, 255])],
    ['empty Uint8Array', new Uint8Array(0)],
    ['Map with non-string keys', new Map<unknown, unknown>([[1, 'one'], ['1', 'string one'], [true, null], [{ k: 1 }, [1]], [[1, 2], 'array key'], [2n ** 80n, 'bigint key']])],
    ['nested Map and Set', new Map([['set', new Set([1, 'a', new Map([[new Date(0), new Uint8Array([9])]])])]])],
    ['Set', new Set([1, '1', null, 2n])],
    ['BigInt zero', 0n],
    ['BigInt in int64', -(2n ** 63n)],
    ['BigInt beyond int64', 2n ** 64n],
    ['huge negative BigInt', -(7n ** 300n)],
    ['NaN and infinities', [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]],
    ['large integers', [2 ** 53 - 1, -(2 ** 53 - 1), 2 ** 60, 1e300]],
    ['nested objects and arrays', { a: [{ b: [[], {}, [{ c: 'd' }]] }], e: { f: { g: 1.5 } } }],
    ['__proto__ key', JSON.parse('{"__proto__": {"polluted": true}, "x": 1}')],
    ['constructor key', { constructor: { prototype: { polluted: true } } }],
    ['unicode strings', { '日本': '😀', empty: '', nul: '\u0000' }],
  ];

  for (const [name, value] of cases) {
    it(`round-trips ${name}`, async () => {
      expect(exactDifference(await roundTrip({ value }), { value })).toBeUndefined();
    });
  }

  it('leaves out undefined properties', async () => {
    expect(await roundTrip({ a: 1, b: undefined })).toEqual({ a: 1 });
    expect(Object.keys((await roundTrip({ a: 1, b: undefined })) as object)).toEqual(['a']);
  });

  it('stores -0 as 0', async () => {
    expect(Object.is(await roundTrip(-0), 0)).toBe(true);
  });

  it('loads Buffer as Uint8Array', async () => {
    const loaded = await roundTrip(Buffer.from([1, 2]));
    expect(Object.getPrototypeOf(loaded)).toBe(Uint8Array.prototype);
    expect([...(loaded as Uint8Array)]).toEqual([1, 2]);
  });

  it('keeps __proto__ keys as own data', async () => {
    const loaded = (await roundTrip(JSON.parse('{"__proto__": {"polluted": true}}'))) as Record<string, unknown>;
    expect(Object.getPrototypeOf(loaded)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(loaded, '__proto__')?.value).toEqual({ polluted: true });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('record is a header plus msgpack map', async () => {
    const { db, store } = openDb();
    const { key, dt, uuid } = await db.save({ id: 'x' });
    const stored = await store.get(key);
    if (!stored?.modified) throw new Error('not stored');

    const expected = msgpackEncode({ dt, uuid, obj: { id: 'x' } });
    expect([...stored.body.subarray(0, 14)]).toEqual([0x89, 0x4e, 0x44, 0x42, 1, 0, 7, ...new TextEncoder().encode('msgpack')]);
    expect([...stored.body.subarray(14)]).toEqual([...expected]);
    expect(stored.contentType).toBe('application/octet-stream');
  });

  it('default reader loads msgpack records', async () => {
    const { db, store } = openDb({ compression: { threshold: 0 } });
    await db.save({ id: 'x', when: new Date(5), text: 'long text '.repeat(100) });
    const reader = new NoDB({ store });
    expect(await reader.load('x')).toEqual({ id: 'x', when: new Date(5), text: 'long text '.repeat(100) });
  });
});

describe('msgpack EncodeError', () => {
  const cyclic: Record<string, unknown> = { id: 'c' };
  cyclic.self = { back: cyclic };
  const cyclicMap = new Map<string, unknown>();
  cyclicMap.set('me', cyclicMap);

  const invalid: Array<[string, unknown, RegExp]> = [
    ['cycle', cyclic, /"self\.back" is a circular reference/],
    ['cycle through a Map', { m: cyclicMap }, /"m<value 0>" is a circular reference/],
    ['function', { run: () => 1 }, /"run" is a function/],
    ['symbol', { tag: Symbol('x') }, /"tag" is a symbol/],
    ['undefined in an array', { list: [1, undefined] }, /"list\[1\]" is undefined/],
    ['array hole', { list: [1, , 3] }, /"list\[1\]" is undefined/],
    ['undefined Set item', { s: new Set([undefined]) }, /"s<item 0>" is undefined/],
    ['undefined value', undefined, /The value is undefined/],
    ['invalid Date', { when: new Date(Number.NaN) }, /"when" is an invalid Date/],
    ['Float32Array', { f: new Float32Array(2) }, /"f" is a Float32Array/],
    ['ArrayBuffer', { b: new ArrayBuffer(2) }, /"b" is a ArrayBuffer/],
    ['DataView', { v: new DataView(new ArrayBuffer(2)) }, /"v" is a DataView/],
    ['lone surrogate', { s: 'a\ud800' }, /"s" is a string with a lone UTF-16 surrogate/],
    ['lone surrogate key', { ['\udc00']: 1 }, /property name with a lone UTF-16 surrogate/],
    ['class with toJSON', { url: new URL('http://127.0.0.1/') }, /"url" is a URL with a toJSON method/],
    ['too deep', { deep: nest(600) }, /limits\.maxDepth \(512\)/],
    ['Map over maxMapLength', { m: new Map([[1, 1], [2, 2], [3, 3], [4, 4]]) }, /limits\.maxMapLength \(3\)/],
  ];

  for (const [name, value, message] of invalid) {
    it(`rejects ${name}`, async () => {
      const { db, store } = openDb(name === 'Map over maxMapLength' ? { limits: { maxMapLength: 3 } } : {});
      const error = await db.save(value, { index: 'k' }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(EncodeError);
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).toContain('Nothing was written');
      expect(await store.head(await db.keyFor('k'))).toBeNull();
    });
  }

  it('rejects what readers would reject', async () => {
    const { db } = openDb({ limits: { maxStringLength: 64, maxArrayLength: 3, maxBinaryLength: 4, maxBigIntBytes: 4 } });
    await expect(db.save({ s: 'x'.repeat(65) }, { index: 'a' })).rejects.toThrow(/over limits\.maxStringLength \(64\)/);
    await expect(db.save({ a: [1, 2, 3, 4] }, { index: 'b' })).rejects.toThrow(/over limits\.maxArrayLength \(3\)/);
    await expect(db.save({ b: new Uint8Array(5) }, { index: 'c' })).rejects.toThrow(/over limits\.maxBinaryLength \(4\)/);
    await expect(db.save({ n: 2n ** 64n }, { index: 'd' })).rejects.toThrow(/over limits\.maxBigIntBytes \(4\)/);
    await expect(db.save({ s: 'x'.repeat(64), a: [1, 2, 3], b: new Uint8Array(4) }, { index: 'e' })).resolves.toBeDefined();
  });

  it('keeps the old record on failure', async () => {
    const { db } = openDb();
    await db.save({ id: 'keep', v: 1 });
    await expect(db.save({ id: 'keep', v: () => 2 })).rejects.toBeInstanceOf(EncodeError);
    expect(await db.load('keep')).toEqual({ id: 'keep', v: 1 });
  });

  it('allows shared references', async () => {
    const shared = new Map([[1, 2]]);
    expect(await roundTrip({ a: shared, b: shared })).toEqual({ a: new Map([[1, 2]]), b: new Map([[1, 2]]) });
  });
});

function nest(depth: number): unknown {
  let value: unknown = 0;
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}
