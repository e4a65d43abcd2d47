import { gzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { writeHeader } from '../../src/codecs/header.js';
import { gunzip, gzip } from '../../src/compression.js';
import { DecodeError, InvalidOptionsError, MemoryStore, NoDB } from '../../src/index.js';

const MiB = 1024 * 1024;

/** Returns `data` with its gzip trailer's size field (and optionally CRC) replaced. */
function withTrailer(data: Uint8Array, size: number, crc?: number): Uint8Array {
  const copy = data.slice();
  const view = new DataView(copy.buffer, copy.length - 8, 8);
  if (crc !== undefined) view.setUint32(0, crc, true);
  view.setUint32(4, size, true);
  return copy;
}

function decodeFailure(attempt: () => unknown): DecodeError {
  try {
    attempt();
  } catch (error) {
    expect(error).toBeInstanceOf(DecodeError);
    return error as DecodeError;
  }
  throw new Error('expected a DecodeError');
}

describe('gunzip', () => {
  it('round-trips', () => {
    const data = new TextEncoder().encode('hello '.repeat(1000));
    expect(Buffer.compare(gunzip(gzip(data), MiB, 'k'), data)).toBe(0);
  });

  it('round-trips on the bounded path', () => {
    const data = Uint8Array.from({ length: 300_000 }, (_, i) => (i * 7919) % 251);
    const compressed = gzip(data);
    // Bounded when the input could inflate past the limit at the maximum ratio.
    expect(compressed.length * 1032).toBeGreaterThan(1 * MiB);
    expect(Buffer.compare(gunzip(compressed, 1 * MiB, 'k'), data)).toBe(0);
  });

  it('rejects an honest bomb by its trailer', () => {
    const bomb = gzip(new Uint8Array(8 * MiB));
    const error = decodeFailure(() => gunzip(bomb, MiB, '.nodb/bomb'));
    expect(error.message).toContain('".nodb/bomb"');
    expect(error.message).toContain(`limits.maxDecompressedBytes (${MiB})`);
    expect(error.message).toContain(`states ${8 * MiB} bytes`);
    expect(error.key).toBe('.nodb/bomb');
  });

  it('stops a bomb whose trailer lies', () => {
    const bomb = withTrailer(gzip(new Uint8Array(64 * MiB)), 100);
    const started = performance.now();
    const error = decodeFailure(() => gunzip(bomb, MiB, 'k'));
    expect(error.message).toContain('damaged gzip payload: it inflates past the 100 bytes that its gzip trailer states');
    // It stops at the trailer's size instead of inflating all 64 MiB.
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('rejects an understated size', () => {
    const small = withTrailer(gzip(new Uint8Array(10_000)), 100);
    expect(decodeFailure(() => gunzip(small, MiB, 'k')).message).toContain('does not match the size and CRC-32');
  });

  it('rejects an overstated size', () => {
    const small = withTrailer(gzip(new Uint8Array(100)), 200);
    expect(decodeFailure(() => gunzip(small, MiB, 'k')).message).toContain('does not match the size and CRC-32');
  });

  it('rejects a wrong CRC', () => {
    const data = gzip(new TextEncoder().encode('checked'));
    const wrong = withTrailer(data, 7, 12345);
    expect(decodeFailure(() => gunzip(wrong, MiB, 'k')).message).toContain('does not match the size and CRC-32');
  });

  it('rejects truncated data', () => {
    const data = gzip(Uint8Array.from({ length: 50_000 }, (_, i) => (i * 31) % 256));
    for (const length of [0, 5, 17, 100, Math.floor(data.length / 2), data.length - 1]) {
      const error = decodeFailure(() => gunzip(data.subarray(0, length), MiB, 'k'));
      expect(error.message, `length ${length}`).toMatch(/damaged gzip payload|limits\.maxDecompressedBytes/);
    }
  });

  it('calls a truncated record truncated', () => {
    // The last 8 bytes of a cut stream are deflate data, read as a trailer of 2857545550 bytes.
    const truncated = withTrailer(gzip(new Uint8Array(64 * 1024)).subarray(0, 40), 2_857_545_550);
    const error = decodeFailure(() => gunzip(truncated, 32 * MiB, 'k'));
    expect(error.message).toContain('states 2857545550 bytes');
    expect(error.message).toContain('truncated or corrupt');
    expect(error.message).not.toContain('Raise the limit');
    expect(error.message).not.toContain('maxDecompressedBytes');
  });

  it('keeps the limit message for a plausible size', () => {
    // 64 KiB of deflate data can inflate to 64 MiB at the maximum ratio, so a 32 MiB claim is plausible.
    const noise = gzip(crypto.getRandomValues(new Uint8Array(65_536)));
    const error = decodeFailure(() => gunzip(withTrailer(noise, 32 * MiB), MiB, 'k'));
    expect(error.message).toContain(`limits.maxDecompressedBytes (${MiB})`);
  });

  it('rejects data that is not gzip', () => {
    expect(decodeFailure(() => gunzip(new TextEncoder().encode('not gzip at all, just text'), MiB, 'k')).message).toContain(
      'without a complete gzip header',
    );
  });

  it('rejects corrupt deflate data', () => {
    const data = gzip(new TextEncoder().encode('some text that compresses '.repeat(50)));
    const corrupt = data.slice();
    for (let i = 12; i < corrupt.length - 8; i += 3) corrupt[i] = corrupt[i]! ^ 0x5a;
    expect(decodeFailure(() => gunzip(corrupt, MiB, 'k')).message).toMatch(/damaged gzip payload/);
  });
});

describe('compression option', () => {
  const big = { id: 'big', text: 'compressible text '.repeat(200) };
  const small = { id: 'small', text: 'short' };

  async function stored(db: NoDB<unknown>, store: MemoryStore, value: { id: string }) {
    const { key } = await db.save(value);
    const object = await store.get(key);
    if (!object?.modified) throw new Error('not stored');
    return object.body;
  }

  it('JSON stays plain by default', async () => {
    const store = new MemoryStore();
    const db = new NoDB<unknown>({ store });
    expect((await stored(db, store, big))[0]).toBe(0x7b);
  });

  it('JSON above the threshold is gzipped', async () => {
    const store = new MemoryStore();
    const db = new NoDB<unknown>({ store, compression: { threshold: 1024 } });
    const body = await stored(db, store, big);
    expect([...body.subarray(0, 11)]).toEqual([0x89, 0x4e, 0x44, 0x42, 1, 1, 4, 0x6a, 0x73, 0x6f, 0x6e]);
    expect((await stored(db, store, small))[0]).toBe(0x7b);

    // A default reader, and the gunzipped payload is the Python-readable text.
    expect(await new NoDB({ store }).load('big')).toEqual(big);
    expect(new TextDecoder().decode(gunzip(body.subarray(11), MiB, 'k'))).toMatch(/^\{"serializer": "json", "dt": /);
  });

  it('msgpack compresses above 1 KiB by default', async () => {
    const store = new MemoryStore();
    const db = new NoDB<unknown>({ store, serializer: 'msgpack' });
    expect((await stored(db, store, big))[5]).toBe(1);
    expect((await stored(db, store, small))[5]).toBe(0);
  });

  it('false turns it off', async () => {
    const store = new MemoryStore();
    const db = new NoDB<unknown>({ store, serializer: 'msgpack', compression: false });
    expect((await stored(db, store, big))[5]).toBe(0);
  });

  it('skips gzip that does not shrink', async () => {
    const store = new MemoryStore();
    const db = new NoDB<unknown>({ store, serializer: 'msgpack', compression: { threshold: 0 } });
    const noise = crypto.getRandomValues(new Uint8Array(4096));
    const body = await stored(db, store, { id: 'noise', noise } as { id: string });
    expect(body[5]).toBe(0);
    expect(await db.load('noise')).toEqual({ id: 'noise', noise });
  });

  it('leaves payloads over the limit uncompressed', async () => {
    const store = new MemoryStore();
    const db = new NoDB<unknown>({ store, serializer: 'msgpack', limits: { maxDecompressedBytes: 1000 } });
    const body = await stored(db, store, big);
    expect(body[5]).toBe(0);
    expect(await db.load('big')).toEqual(big);
  });

  it('readers enforce their own limit', async () => {
    const store = new MemoryStore();
    await new NoDB<unknown>({ store, serializer: 'msgpack' }).save(big);
    const strict = new NoDB({ store, limits: { maxDecompressedBytes: 1000 } });
    await expect(strict.load('big')).rejects.toThrow(/over limits\.maxDecompressedBytes \(1000\)/);
  });

  const invalid: Array<[string, unknown]> = [
    ['negative threshold', { threshold: -1 }],
    ['fractional threshold', { threshold: 1.5 }],
    ['string', 'gzip'],
    ['true', true],
  ];
  for (const [name, compression] of invalid) {
    it(`rejects ${name}`, () => {
      expect(() => new NoDB({ store: new MemoryStore(), compression: compression as never })).toThrowError(InvalidOptionsError);
    });
  }

  it('a gzip bomb record fails with the key', async () => {
    const store = new MemoryStore();
    const db = new NoDB({ store });
    const key = await db.keyFor('bomb');
    await store.put(key, writeHeader('json', 1, gzipSync(new Uint8Array(64 * MiB))));

    const error = await db.load('bomb').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DecodeError);
    expect((error as DecodeError).key).toBe(key);
    expect((error as Error).message).toContain('limits.maxDecompressedBytes (16777216)');
  });
});
