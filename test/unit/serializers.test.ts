import { describe, expect, it } from 'vitest';
import {
  DecodeError,
  DEFAULT_LIMITS,
  EncodeError,
  InvalidOptionsError,
  MemoryStore,
  NoDB,
  type Serializer,
} from '../../src/index.js';
import { taggedJson } from '../helpers/codec-roundtrip.js';

describe('custom serializers', () => {
  it('writes its name into the header', async () => {
    const store = new MemoryStore();
    const db = new NoDB({ store, serializer: 'tagged-json', serializers: [taggedJson], compression: false });
    const { key } = await db.save({ id: 'a', when: new Date(7) });
    const stored = await store.get(key);
    if (!stored?.modified) throw new Error('not stored');

    expect([...stored.body.subarray(0, 7)]).toEqual([0x89, 0x4e, 0x44, 0x42, 1, 0, 11]);
    expect(new TextDecoder().decode(stored.body.subarray(7, 18))).toBe('tagged-json');
    expect(await db.load('a')).toEqual({ id: 'a', when: new Date(7) });
  });

  it('is found from the record by any reader that has it', async () => {
    const store = new MemoryStore();
    await new NoDB({ store, serializer: 'tagged-json', serializers: [taggedJson] }).save({ id: 'a' });

    expect(await new NoDB({ store, serializer: 'msgpack', serializers: [taggedJson] }).load('a')).toEqual({ id: 'a' });
    await expect(new NoDB({ store }).load('a')).rejects.toThrow(/serializer "tagged-json", which this NoDB does not have/);
  });

  it('encode errors are EncodeErrors', async () => {
    const failing: Serializer = {
      name: 'failing',
      encode: () => {
        throw new Error('cannot');
      },
      decode: () => ({}),
    };
    const store = new MemoryStore();
    const db = new NoDB({ store, serializer: 'failing', serializers: [failing] });
    const error = await db.save({ id: 'x' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(EncodeError);
    expect((error as Error).message).toContain('"failing" could not encode');
    expect(((error as Error).cause as Error).message).toBe('cannot');
    expect(await db.exists('x')).toBe(false);
  });

  it('non-bytes from encode are EncodeErrors', async () => {
    const wrong = { name: 'wrong', encode: () => 'text', decode: () => ({}) } as unknown as Serializer;
    const db = new NoDB({ store: new MemoryStore(), serializer: 'wrong', serializers: [wrong] });
    await expect(db.save({ id: 'x' })).rejects.toThrow(/returned string instead of a Uint8Array/);
  });

  it('decode errors are DecodeErrors', async () => {
    const store = new MemoryStore();
    const writer: Serializer = { name: 'fragile', encode: () => new Uint8Array([1]), decode: () => ({}) };
    await new NoDB({ store, serializer: 'fragile', serializers: [writer] }).save({ id: 'x' });

    const throwing: Serializer = { ...writer, decode: () => { throw new Error('corrupt'); } };
    await expect(new NoDB({ store, serializers: [throwing] }).load('x')).rejects.toThrow(/could not be decoded by the serializer "fragile"/);

    const shapeless: Serializer = { ...writer, decode: () => ({ obj: 1 }) };
    const error = await new NoDB({ store, serializers: [shapeless] }).load('x').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DecodeError);
    expect((error as Error).message).toContain('without string "dt" and "uuid"');
  });

  const invalid: Array<[string, () => unknown, RegExp]> = [
    ['reserved json', () => new NoDB({ store: new MemoryStore(), serializers: [{ ...taggedJson, name: 'json' }] }), /"json" is reserved/],
    ['reserved msgpack', () => new NoDB({ store: new MemoryStore(), serializers: [{ ...taggedJson, name: 'msgpack' }] }), /"msgpack" is reserved/],
    ['name with a space', () => new NoDB({ store: new MemoryStore(), serializers: [{ ...taggedJson, name: 'a b' }] }), /printable ASCII/],
    ['name too long', () => new NoDB({ store: new MemoryStore(), serializers: [{ ...taggedJson, name: 'x'.repeat(65) }] }), /1 to 64/],
    ['non-ASCII name', () => new NoDB({ store: new MemoryStore(), serializers: [{ ...taggedJson, name: 'ü' }] }), /printable ASCII/],
    ['duplicate names', () => new NoDB({ store: new MemoryStore(), serializers: [taggedJson, taggedJson] }), /Two serializers are named/],
    ['missing decode', () => new NoDB({ store: new MemoryStore(), serializers: [{ name: 'x', encode: taggedJson.encode } as Serializer] }), /needs encode\(record\) and decode\(bytes\)/],
    ['serializers not an array', () => new NoDB({ store: new MemoryStore(), serializers: taggedJson as never }), /must be an array/],
    ['unknown serializer', () => new NoDB({ store: new MemoryStore(), serializer: 'yaml' }), /serializer must be one of "json", "msgpack"; got "yaml"/],
  ];

  for (const [name, attempt, message] of invalid) {
    it(`rejects ${name}`, () => {
      expect(attempt).toThrowError(InvalidOptionsError);
      expect(attempt).toThrowError(message);
    });
  }
});

describe('limits option', () => {
  it('has defaults', () => {
    expect(DEFAULT_LIMITS).toEqual({
      maxDecompressedBytes: 16 * 1024 * 1024,
      maxValues: 500_000,
      maxStringLength: 16 * 1024 * 1024,
      maxBinaryLength: 16 * 1024 * 1024,
      maxBigIntBytes: 1024 * 1024,
      maxArrayLength: 1_000_000,
      maxMapLength: 1_000_000,
      maxDepth: 512,
    });
  });

  const invalid: Array<[string, unknown, RegExp]> = [
    ['unknown limit', { maxSize: 1 }, /limits\.maxSize is not a known limit/],
    ['zero', { maxDepth: 0 }, /limits\.maxDepth must be an integer of at least 1/],
    ['fraction', { maxArrayLength: 1.5 }, /limits\.maxArrayLength must be/],
    ['string', { maxDecompressedBytes: '1MB' }, /limits\.maxDecompressedBytes must be/],
    ['string limit below a UUID', { maxStringLength: 10 }, /at least 64/],
    ['map limit below the envelope', { maxMapLength: 2 }, /at least 3/],
    ['not an object', 5, /limits must be an object/],
    ['NaN', { maxDepth: Number.NaN }, /limits\.maxDepth must be .*; got NaN\./],
    ['negative infinity', { maxValues: Number.NEGATIVE_INFINITY }, /limits\.maxValues must be .*; got -Infinity\./],
    ['values below the envelope', { maxValues: 6 }, /at least 7/],
  ];

  for (const [name, limits, message] of invalid) {
    it(`rejects ${name}`, () => {
      const attempt = () => new NoDB({ store: new MemoryStore(), limits: limits as never });
      expect(attempt).toThrowError(InvalidOptionsError);
      expect(attempt).toThrowError(message);
    });
  }

  it('accepts Infinity', () => {
    expect(() => new NoDB({ store: new MemoryStore(), limits: { maxArrayLength: Number.POSITIVE_INFINITY } })).not.toThrow();
  });
});

describe('option messages', () => {
  it('print NaN in a compression threshold', () => {
    const attempt = () => new NoDB({ store: new MemoryStore(), compression: { threshold: Number.NaN } });
    expect(attempt).toThrowError(InvalidOptionsError);
    expect(attempt).toThrowError('got { threshold: NaN }.');
  });

  it('print a serializer name that is a number', () => {
    const serializer = { name: Number.NaN, encode: () => new Uint8Array(), decode: () => ({}) };
    const attempt = () => new NoDB({ store: new MemoryStore(), serializers: [serializer as never] });
    expect(attempt).toThrowError(InvalidOptionsError);
    expect(attempt).toThrowError('got NaN.');
  });
});
