import { describe, expect, it } from 'vitest';
import { writeHeader } from '../../src/codecs/header.js';
import { DecodeError, MemoryStore, NetworkError, NoDB, type ObjectStore } from '../../src/index.js';
import { collect } from '../helpers/collect.js';

const encoder = new TextEncoder();

/** Builds a store with three good records in three formats and four that cannot be decoded. */
async function mixedStore() {
  const store = new MemoryStore();
  const prefix = 'mixed/';
  await new NoDB({ store, prefix }).save({ id: 'json', n: 1 });
  await new NoDB({ store, prefix, serializer: 'msgpack' }).save({ id: 'msgpack', n: 2 });
  await new NoDB({ store, prefix, compression: { threshold: 0 } }).save({ id: 'gzip', n: 3, text: 'x'.repeat(100) });

  const bad = [`${prefix}junk`, `${prefix}truncated-gzip`, `${prefix}unknown-serializer`, `${prefix}newer-version`];
  await store.put(bad[0]!, encoder.encode('just some text'));
  await store.put(bad[1]!, writeHeader('json', 1, Uint8Array.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0x4b])));
  await store.put(bad[2]!, writeHeader('cbor', 0, Uint8Array.from([0xa0])));
  await store.put(bad[3]!, Uint8Array.from([0x89, 0x4e, 0x44, 0x42, 9, 0, 4, 0x6a, 0x73, 0x6f, 0x6e]));
  return { store, prefix, bad };
}

describe('all() with undecodable records', () => {
  it('throws by default', async () => {
    const { store, prefix, bad } = await mixedStore();
    const error = await collect(new NoDB({ store, prefix }).all()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DecodeError);
    expect(bad).toContain((error as DecodeError).key);
  });

  it('skips and reports each one', async () => {
    const { store, prefix, bad } = await mixedStore();
    const reported: DecodeError[] = [];
    const records = await collect(
      new NoDB<{ id: string }>({ store, prefix, concurrency: 2 }).all({
        onDecodeError: (error) => {
          reported.push(error);
          return 'skip';
        },
      }),
    );

    expect(records.map((record) => record.id).sort()).toEqual(['gzip', 'json', 'msgpack']);
    expect(reported.map((error) => error.key).sort()).toEqual([...bad].sort());
    for (const error of reported) expect(error.message).toContain(error.key!);
  });

  it('skips in insertion order too', async () => {
    const { store, prefix } = await mixedStore();
    const records = await collect(new NoDB<{ id: string }>({ store, prefix }).all({ order: 'inserted', onDecodeError: async () => 'skip' as const }));
    expect(records.map((record) => record.id)).toEqual(['json', 'msgpack', 'gzip']);
  });

  it('throw from the handler ends the iteration', async () => {
    const { store, prefix } = await mixedStore();
    const error = await collect(
      new NoDB({ store, prefix }).all({
        onDecodeError: (decodeError) => (decodeError.key!.endsWith('junk') ? 'throw' : 'skip'),
      }),
    ).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DecodeError);
    expect((error as DecodeError).key).toBe(`${prefix}junk`);
  });

  it('other errors are not offered to the handler', async () => {
    const { store, prefix } = await mixedStore();
    const failing: ObjectStore = {
      description: 'failing store',
      get: async () => {
        throw new NetworkError('connection reset');
      },
      head: (key, options) => store.head(key, options),
      put: (key, body, options) => store.put(key, body, options),
      delete: (key, options) => store.delete(key, options),
      listPage: (options) => store.listPage(options),
      list: (options) => store.list(options),
    };
    let calls = 0;
    const error = await collect(
      new NoDB({ store: failing, prefix }).all({
        onDecodeError: () => {
          calls += 1;
          return 'skip';
        },
      }),
    ).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NetworkError);
    expect(calls).toBe(0);
  });
});
