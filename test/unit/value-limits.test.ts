/**
 * limits.maxValues and limits.maxBigIntBytes: a small record must not decode
 * to more JavaScript values than the limit. Each hostile input here would take
 * at most about 50 MB if it were decoded, and the larger ones reach only the
 * scans, so a regression fails an assertion instead of ending the runner.
 */
import { encode as msgpackEncode } from '@msgpack/msgpack';
import { describe, expect, it } from 'vitest';
import { writeHeader } from '../../src/codecs/header.js';
import { countJsonValues } from '../../src/codecs/json-values.js';
import { DEFAULT_LIMITS } from '../../src/codecs/limits.js';
import { ScanFailure, scanMsgpack, type ExtensionKind } from '../../src/codecs/msgpack-scan.js';
import { gzip } from '../../src/compression.js';
import { DecodeError, EncodeError, MemoryStore, NoDB, type DecodeLimits } from '../../src/index.js';

const encoder = new TextEncoder();
const EXTENSIONS: ReadonlyMap<number, ExtensionKind> = new Map<number, ExtensionKind>([[3, 'bigint']]);

/** msgpack bytes of an array32 header for `count` elements followed by `count` copies of `element`. */
function msgpackArrayOf(count: number, element: number): Uint8Array {
  const bytes = new Uint8Array(5 + count);
  bytes[0] = 0xdd;
  new DataView(bytes.buffer).setUint32(1, count);
  bytes.fill(element, 5);
  return bytes;
}

/** A msgpack record whose obj is the raw msgpack `objBytes`. */
function msgpackRecord(objBytes: Uint8Array): Uint8Array {
  const prefix = msgpackEncode({ dt: '2020-01-01 00:00:00', uuid: 'u' });
  const head = Uint8Array.from([0x83, ...prefix.subarray(1), ...msgpackEncode('obj')]);
  const payload = new Uint8Array(head.length + objBytes.length);
  payload.set(head);
  payload.set(objBytes, head.length);
  return payload;
}

/** A JSON record whose obj is the text `objText`. */
function jsonRecord(objText: string): Uint8Array {
  return encoder.encode(`{"serializer": "json", "dt": "", "uuid": "", "obj": ${objText}}`);
}

async function loadFailure(body: Uint8Array, limits?: DecodeLimits): Promise<DecodeError> {
  const store = new MemoryStore();
  const db = new NoDB<unknown>({ store, limits });
  const key = await db.keyFor('x');
  await store.put(key, body);
  const error = await db.load('x').catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(DecodeError);
  expect((error as DecodeError).key).toBe(key);
  return error as DecodeError;
}

function scanFailure(bytes: Uint8Array): ScanFailure {
  try {
    scanMsgpack(bytes, DEFAULT_LIMITS, EXTENSIONS);
  } catch (error) {
    expect(error).toBeInstanceOf(ScanFailure);
    return error as ScanFailure;
  }
  throw new Error('expected a ScanFailure');
}

describe('maxValues in msgpack', () => {
  it('scan stops 15 million empty arrays', () => {
    // Decoded, these would take about 600 MB, so only the scan reads them.
    const started = performance.now();
    const inner = msgpackArrayOf(1_000_000, 0x90);
    const bytes = new Uint8Array(3 + 15 * inner.length);
    bytes.set([0xdc, 0x00, 15]);
    for (let i = 0; i < 15; i++) bytes.set(inner, 3 + i * inner.length);
    const failure = scanFailure(bytes);
    expect(failure.limit).toBe('maxValues');
    expect(failure.message).toBe('it has more than 500000 values');
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('rejects a gzipped record of empty maps', async () => {
    const body = writeHeader('msgpack', 1, gzip(msgpackRecord(msgpackArrayOf(600_000, 0x80))));
    expect(body.length).toBeLessThan(4096);
    const error = await loadFailure(body);
    expect(error.message).toContain('over limits.maxValues (500000): it has more than 500000 values');
  });

  it('counts map keys and the envelope', async () => {
    // The envelope is 7 values: the map, 3 keys, dt, uuid and obj.
    const ok = msgpackRecord(Uint8Array.from([0x81, 0xa1, 0x61, 0x01]));
    const store = new MemoryStore();
    const key = await new NoDB({ store }).keyFor('x');
    await store.put(key, writeHeader('msgpack', 0, ok));
    await expect(new NoDB({ store, limits: { maxValues: 9 } }).load('x')).resolves.toEqual({ a: 1 });
    const error = await loadFailure(writeHeader('msgpack', 0, ok), { maxValues: 8 });
    expect(error.message).toContain('over limits.maxValues (8)');
  });

  it('writer rejects what readers would reject', async () => {
    const store = new MemoryStore();
    const db = new NoDB<unknown>({ store, serializer: 'msgpack', limits: { maxValues: 100 } });
    const error = await db.save({ list: Array.from({ length: 100 }, () => []) }, { index: 'k' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(EncodeError);
    expect((error as Error).message).toContain('over limits.maxValues (100)');
    expect((error as Error).message).toContain('Nothing was written');
    expect(await store.head(await db.keyFor('k'))).toBeNull();
    await expect(db.save({ list: Array.from({ length: 90 }, () => []) }, { index: 'ok' })).resolves.toBeDefined();
  });
});

describe('maxValues in JSON', () => {
  it('counts brackets and commas outside strings', () => {
    expect(countJsonValues(encoder.encode('{"a": [1, 2], "b": {}}'), 100)).toBe(6);
    expect(countJsonValues(encoder.encode('"[{,\\"[,"'), 100)).toBe(1);
    expect(countJsonValues(encoder.encode('[' + '{},'.repeat(999) + '{}]'), 10)).toBe(11);
  });

  it('rejects a gzipped record of empty objects before parsing', async () => {
    const text = jsonRecord('[' + '{},'.repeat(599_999) + '{}]');
    const body = writeHeader('json', 1, gzip(text));
    expect(body.length).toBeLessThan(16_384);
    const error = await loadFailure(body);
    expect(error.message).toContain('over limits.maxValues (500000)');
    expect(error.message).toContain('brackets and commas outside strings');
  });

  it('rejects a plain record of empty arrays', async () => {
    const error = await loadFailure(jsonRecord('[' + '[],'.repeat(599_999) + '[]]'));
    expect(error.message).toContain('over limits.maxValues (500000)');
  });

  it('reads commas inside strings', async () => {
    const store = new MemoryStore();
    const db = new NoDB<unknown>({ store, limits: { maxValues: 100 } });
    const value = { id: 'csv', text: ',[{'.repeat(10_000) };
    await db.save(value);
    expect(await db.load('csv')).toEqual(value);
  });

  it('writer rejects what readers would reject', async () => {
    for (const compression of [false, { threshold: 0 }] as const) {
      const store = new MemoryStore();
      const db = new NoDB<unknown>({ store, compression, limits: { maxValues: 100 } });
      const error = await db.save({ list: Array.from({ length: 100 }, () => ({})) }, { index: 'k' }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(EncodeError);
      expect((error as Error).message).toContain('over limits.maxValues (100)');
      expect((error as Error).message).toContain('Nothing was written');
      expect(await store.head(await db.keyFor('k'))).toBeNull();
    }
  });
});

describe('maxBigIntBytes', () => {
  it('scan stops a 16 MiB BigInt', () => {
    const length = 16 * 1024 * 1024;
    const bytes = new Uint8Array(6 + length);
    bytes.set([0xc9, 0x01, 0x00, 0x00, 0x00, 0x03]);
    const failure = scanFailure(bytes);
    expect(failure.limit).toBe('maxBigIntBytes');
    expect(failure.message).toBe(`a BigInt has ${length} bytes`);
  });

  it('rejects a gzipped BigInt over the limit', async () => {
    const length = 2 * 1024 * 1024;
    const bigint = new Uint8Array(6 + length).fill(0xff);
    bigint.set([0xc9, 0x00, 0x20, 0x00, 0x00, 0x03, 0x00]);
    const body = writeHeader('msgpack', 1, gzip(msgpackRecord(bigint)));
    const error = await loadFailure(body);
    expect(error.message).toContain(`over limits.maxBigIntBytes (1048576): a BigInt has ${length} bytes`);
  });

  it('round-trips a BigInt at the limit', async () => {
    const store = new MemoryStore();
    const db = new NoDB<unknown>({ store, serializer: 'msgpack' });
    const big = -(2n ** BigInt(8 * (1024 * 1024 - 1)) - 12345n);
    await db.save({ id: 'big', big, small: 255n, zero: 0n });
    expect(await db.load('big')).toEqual({ id: 'big', big, small: 255n, zero: 0n });
  });
});
