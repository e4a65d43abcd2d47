/**
 * The ObjectStore contract: every store, on every server, runs these cases.
 * Cases that need a server feature some servers lack (conditional writes)
 * are registered only where the server provides it, and each test file names
 * the ones it left out.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError, InvalidOptionsError, type ObjectStore, sameEtag } from '../../src/index.js';
import { expectStored } from '../helpers/stored.js';

export interface ContractTarget {
  store: ObjectStore;
  stop?: () => Promise<void>;
}

export interface ContractCapabilities {
  /** The server enforces If-Match and If-None-Match on PUT. */
  conditionalWrites: boolean;
  /** Listings come in UTF-8 binary key order across `/` boundaries. */
  binaryKeyOrder: boolean;
  /** A key may have a single segment longer than a file name (255 bytes). */
  longSegments: boolean;
}

/** Keys that break naive encoders: each must round-trip exactly. */
export const HOSTILE_KEYS = [
  'a+b c.json',
  '100%',
  'ü',
  '日本',
  '😀',
  '~t',
  'x=y&z',
  '?#',
  "!'()*",
  '/leading',
  'a//b',
  'dir/./x',
  'dir/../x',
  '%2B',
  'two  spaces',
  'tab\there',
  '<xml>&amp;"\'',
];

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function storeContract(
  name: string,
  capabilities: ContractCapabilities,
  open: () => Promise<ContractTarget>,
): void {
  describe(`ObjectStore contract: ${name}`, () => {
    let target: ContractTarget;
    let store: ObjectStore;
    let run = 0;
    // Each test writes under its own prefix, so tests never see each other's keys.
    const scope = () => `t${++run}-${crypto.randomUUID().slice(0, 8)}/`;

    beforeAll(async () => {
      target = await open();
      store = target.store;
    });
    afterAll(async () => {
      await target?.stop?.();
    });

    it('put then get returns bytes and ETag', async () => {
      const key = scope() + 'record';
      const { etag } = await store.put(key, encoder.encode('hello'), { contentType: 'text/plain' });

      const read = expectStored(await store.get(key));
      expect(decoder.decode(read.body)).toBe('hello');
      expect(sameEtag(read.etag, etag)).toBe(true);
      expect(read.contentType).toBe('text/plain');
    });

    it('get and head of missing key return null', async () => {
      const key = scope() + 'missing';
      expect(await store.get(key)).toBeNull();
      expect(await store.head(key)).toBeNull();
    });

    it('head reports size, ETag and metadata', async () => {
      const key = scope() + 'head';
      const { etag } = await store.put(key, encoder.encode('12345'), { metadata: { owner: 'team-a' } });

      const head = await store.head(key);
      expect(head).not.toBeNull();
      expect(head!.size).toBe(5);
      expect(sameEtag(head!.etag, etag)).toBe(true);
      expect(head!.metadata).toEqual({ owner: 'team-a' });
    });

    it('put replaces and changes the ETag', async () => {
      const key = scope() + 'replace';
      const first = await store.put(key, encoder.encode('one'));
      const second = await store.put(key, encoder.encode('two'));

      expect(sameEtag(first.etag, second.etag)).toBe(false);
      expect(decoder.decode(expectStored(await store.get(key)).body)).toBe('two');
    });

    it('empty and binary bodies round-trip', async () => {
      const prefix = scope();
      const allBytes = Uint8Array.from({ length: 256 }, (_, i) => i);
      await store.put(prefix + 'empty', new Uint8Array(0));
      await store.put(prefix + 'binary', allBytes);

      expect(expectStored(await store.get(prefix + 'empty')).body.length).toBe(0);
      expect(expectStored(await store.get(prefix + 'binary')).body).toEqual(allBytes);
    });

    it('delete removes; missing key succeeds', async () => {
      const key = scope() + 'doomed';
      await store.put(key, encoder.encode('x'));
      await store.delete(key);

      expect(await store.get(key)).toBeNull();
      await expect(store.delete(key)).resolves.toBeUndefined();
    });

    it('non-ASCII metadata rejected before write', async () => {
      const key = scope() + 'meta';
      await expect(store.put(key, encoder.encode('x'), { metadata: { note: 'café' } })).rejects.toBeInstanceOf(
        InvalidOptionsError,
      );
      expect(await store.head(key)).toBeNull();
    });

    it('hostile keys round-trip', async () => {
      const prefix = scope();
      for (const raw of HOSTILE_KEYS) {
        const key = prefix + raw;
        await store.put(key, encoder.encode(raw));
        const read = expectStored(await store.get(key));
        expect(decoder.decode(read.body), `body of ${JSON.stringify(raw)}`).toBe(raw);
        expect(await store.head(key), `head of ${JSON.stringify(raw)}`).not.toBeNull();
      }

      const listed = await collectKeys(store, prefix);
      expect(listed.sort()).toEqual(HOSTILE_KEYS.map((raw) => prefix + raw).sort());

      for (const raw of HOSTILE_KEYS) await store.delete(prefix + raw);
      expect(await collectKeys(store, prefix)).toEqual([]);
    });

    it('hostile key as first character', async () => {
      // A key made only of a hostile key, with no prefix before it.
      const key = `/${crypto.randomUUID()}//x`;
      await store.put(key, encoder.encode('rooted'));
      expect(decoder.decode(expectStored(await store.get(key)).body)).toBe('rooted');
      await store.delete(key);
      expect(await store.get(key)).toBeNull();
    });

    it('1,024-byte key in segments', async () => {
      const prefix = scope();
      const segments = prefix + ('s'.repeat(99) + '/').repeat(10);
      const key = segments + 'k'.repeat(1024 - segments.length);
      expect(encoder.encode(key).length).toBe(1024);

      await store.put(key, encoder.encode('long'));
      expect(decoder.decode(expectStored(await store.get(key)).body)).toBe('long');
      expect(await collectKeys(store, prefix)).toEqual([key]);
    });

    if (capabilities.longSegments) {
      it('1,024-byte key in one segment', async () => {
        const prefix = scope();
        const key = prefix + 'k'.repeat(1024 - prefix.length);
        expect(encoder.encode(key).length).toBe(1024);

        await store.put(key, encoder.encode('long'));
        expect(decoder.decode(expectStored(await store.get(key)).body)).toBe('long');
        expect(await collectKeys(store, prefix)).toEqual([key]);
      });
    }

    it('flat list is in UTF-8 binary order', async () => {
      const prefix = scope();
      const names = ['b', 'a', 'Z', '~', 'é', '日', '😀', '\uFF21', 'ab', 'abc'];
      await Promise.all(names.map((name) => store.put(prefix + name, encoder.encode(name))));

      const listed = await collectKeys(store, prefix);
      const expected = names.map((name) => prefix + name).sort(compareUtf8);
      expect(listed).toEqual(expected);
    });

    if (capabilities.binaryKeyOrder) {
      it('nested list is in UTF-8 binary order', async () => {
        const prefix = scope();
        const names = ['a', 'a b', 'a/b', 'a-b', 'a.b', 'a0', '/x', 'a//b'];
        await Promise.all(names.map((name) => store.put(prefix + name, encoder.encode(name))));

        const listed = await collectKeys(store, prefix);
        const expected = names.map((name) => prefix + name).sort(compareUtf8);
        expect(listed).toEqual(expected);
      });
    }

    it('list follows pages of size 1', async () => {
      const prefix = scope();
      const keys = Array.from({ length: 7 }, (_, i) => `${prefix}${String(i).padStart(2, '0')}`);
      await Promise.all(keys.map((key) => store.put(key, encoder.encode(key))));

      const listed: string[] = [];
      for await (const info of store.list({ prefix, pageSize: 1 })) listed.push(info.key);
      expect(listed).toEqual(keys);
    });

    it('listPage returns tokens and start-after', async () => {
      const prefix = scope();
      const keys = ['a', 'b', 'c', 'd'].map((name) => prefix + name);
      await Promise.all(keys.map((key) => store.put(key, encoder.encode(key))));

      const first = await store.listPage({ prefix, pageSize: 3 });
      expect(first.objects.map((info) => info.key)).toEqual(keys.slice(0, 3));
      expect(first.nextToken).toBeTypeOf('string');

      const second = await store.listPage({ prefix, pageSize: 3, continuationToken: first.nextToken });
      expect(second.objects.map((info) => info.key)).toEqual(keys.slice(3));
      expect(second.nextToken).toBeUndefined();

      const after = await store.listPage({ prefix, startAfter: keys[1] });
      expect(after.objects.map((info) => info.key)).toEqual(keys.slice(2));
    });

    it('invalid page size rejected', async () => {
      for (const pageSize of [0, -1, 1.5, Number.NaN]) {
        await expect(store.listPage({ pageSize }), String(pageSize)).rejects.toBeInstanceOf(InvalidOptionsError);
      }
    });

    it('list entries carry size and ETag', async () => {
      const prefix = scope();
      const { etag } = await store.put(prefix + 'sized', encoder.encode('abc'));

      const [info] = await collect(store, prefix);
      expect(info!.size).toBe(3);
      expect(sameEtag(info!.etag, etag)).toBe(true);
    });

    it('list returns more than 1,000 keys', async () => {
      const prefix = scope();
      const count = 1005;
      const keys = Array.from({ length: count }, (_, i) => `${prefix}${String(i).padStart(5, '0')}`);
      await inBatches(keys, 32, (key) => store.put(key, encoder.encode('x')));

      const listed = await collectKeys(store, prefix);
      expect(listed.length).toBe(count);
      expect(listed).toEqual(keys);
    }, 120_000);

    it('list of prefix with special characters', async () => {
      const prefix = scope() + 'sp ace+plus%/é/';
      await store.put(prefix + 'inside', encoder.encode('1'));
      await store.put(prefix.slice(0, -1) + 'x', encoder.encode('2'));

      expect(await collectKeys(store, prefix)).toEqual([prefix + 'inside']);
    });

    it('get with matching If-None-Match is unmodified', async () => {
      const key = scope() + 'cached';
      const { etag } = await store.put(key, encoder.encode('v1'));

      const unchanged = await store.get(key, { ifNoneMatch: etag });
      expect(unchanged).not.toBeNull();
      expect(unchanged!.modified).toBe(false);

      await store.put(key, encoder.encode('v2'));
      const changed = expectStored(await store.get(key, { ifNoneMatch: etag }));
      expect(decoder.decode(changed.body)).toBe('v2');
    });

    if (capabilities.conditionalWrites) {
      it('If-None-Match * on existing key conflicts', async () => {
        const key = scope() + 'create-only';
        await store.put(key, encoder.encode('original'), { ifNoneMatch: '*' });

        await expect(store.put(key, encoder.encode('clobber'), { ifNoneMatch: '*' })).rejects.toBeInstanceOf(
          ConflictError,
        );
        expect(decoder.decode(expectStored(await store.get(key)).body)).toBe('original');
      });

      it('If-Match with stale ETag conflicts', async () => {
        const key = scope() + 'guarded';
        const first = await store.put(key, encoder.encode('v1'));
        const second = await store.put(key, encoder.encode('v2'), { ifMatch: first.etag });

        await expect(store.put(key, encoder.encode('v3'), { ifMatch: first.etag })).rejects.toBeInstanceOf(
          ConflictError,
        );
        const read = expectStored(await store.get(key));
        expect(decoder.decode(read.body)).toBe('v2');
        expect(sameEtag(read.etag, second.etag)).toBe(true);
      });

      it('delete with stale If-Match conflicts', async () => {
        const key = scope() + 'guarded-delete';
        const first = await store.put(key, encoder.encode('v1'));
        const second = await store.put(key, encoder.encode('v2'));

        await expect(store.delete(key, { ifMatch: first.etag })).rejects.toBeInstanceOf(ConflictError);
        expect(decoder.decode(expectStored(await store.get(key)).body)).toBe('v2');

        await store.delete(key, { ifMatch: second.etag });
        expect(await store.get(key)).toBeNull();
      });

      it('If-Match on missing key conflicts', async () => {
        const key = scope() + 'absent';
        await expect(store.put(key, encoder.encode('v1'), { ifMatch: '"0123456789abcdef"' })).rejects.toBeInstanceOf(
          ConflictError,
        );
        expect(await store.get(key)).toBeNull();
      });
    }
  });
}

async function collect(store: ObjectStore, prefix: string) {
  const infos = [];
  for await (const info of store.list({ prefix })) infos.push(info);
  return infos;
}

async function collectKeys(store: ObjectStore, prefix: string): Promise<string[]> {
  return (await collect(store, prefix)).map((info) => info.key);
}

async function inBatches<T>(items: T[], size: number, work: (item: T) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(work));
}

function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
