// R2BindingStore behaviour that the store contract does not cover, on Miniflare's R2 binding.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { ConflictError, InvalidOptionsError, R2BindingStore, S3Error, type R2BucketBinding } from '../../src/index.js';

const encoder = new TextEncoder();
const store = new R2BindingStore(env.NODB_BUCKET, { name: 'NODB_BUCKET' });
const scope = () => `r2-${crypto.randomUUID()}/`;

describe('R2BindingStore', () => {
  it('returns ETags in quoted form', async () => {
    const key = scope() + 'etag';
    const { etag } = await store.put(key, encoder.encode('x'));
    const object = await env.NODB_BUCKET.head(key);

    expect(etag).toBe(`"${object!.etag}"`);
    expect((await store.head(key))!.etag).toBe(etag);
  });

  it('accepts unquoted ETags in conditions', async () => {
    const key = scope() + 'unquoted';
    const { etag } = await store.put(key, encoder.encode('v1'));
    const bare = etag.slice(1, -1);

    expect((await store.get(key, { ifNoneMatch: bare }))!.modified).toBe(false);
    await store.put(key, encoder.encode('v2'), { ifMatch: bare });
    await expect(store.put(key, encoder.encode('v3'), { ifMatch: bare })).rejects.toBeInstanceOf(ConflictError);
  });

  it('delete with If-Match deletes current', async () => {
    const key = scope() + 'guarded';
    const { etag } = await store.put(key, encoder.encode('v1'));

    await store.delete(key, { ifMatch: etag });
    expect(await store.head(key)).toBeNull();
  });

  it('delete with stale If-Match conflicts', async () => {
    const key = scope() + 'stale';
    const first = await store.put(key, encoder.encode('v1'));
    await store.put(key, encoder.encode('v2'));

    await expect(store.delete(key, { ifMatch: first.etag })).rejects.toBeInstanceOf(ConflictError);
    expect(await store.head(key)).not.toBeNull();
    await expect(store.delete(scope() + 'absent', { ifMatch: first.etag })).rejects.toBeInstanceOf(ConflictError);
  });

  it('list combines start-after and cursor', async () => {
    const prefix = scope();
    const keys = ['a', 'b', 'c', 'd', 'e'].map((name) => prefix + name);
    await Promise.all(keys.map((key) => store.put(key, encoder.encode(key))));

    const listed: string[] = [];
    for await (const info of store.list({ prefix, startAfter: keys[1], pageSize: 1 })) listed.push(info.key);
    expect(listed).toEqual(keys.slice(2));
  });

  it('metadata and content type round-trip', async () => {
    const key = scope() + 'described';
    await store.put(key, encoder.encode('{}'), { contentType: 'application/json', metadata: { owner: 'team-a' } });

    const read = await store.get(key);
    expect(read).toMatchObject({ modified: true, contentType: 'application/json', metadata: { owner: 'team-a' } });
    await store.put(key, encoder.encode('raw'));
    expect((await store.head(key))!.contentType).toBe('application/octet-stream');
  });

  it('invalid page size and empty key rejected', async () => {
    await expect(store.listPage({ pageSize: 0 })).rejects.toBeInstanceOf(InvalidOptionsError);
    await expect(store.put('', encoder.encode('x'))).rejects.toBeInstanceOf(InvalidOptionsError);
  });

  it('binding errors name the key', async () => {
    // R2 limits keys to 1,024 bytes, and the binding throws for longer ones.
    const key = scope() + 'k'.repeat(1100);
    const error = await store.put(key, encoder.encode('x')).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(S3Error);
    expect((error as S3Error).key).toBe(key);
    expect((error as S3Error).message).toContain('NODB_BUCKET');
    expect((error as S3Error).cause).toBeInstanceOf(Error);
  });

  it('value without binding methods rejected', () => {
    expect(() => new R2BindingStore({} as R2BucketBinding)).toThrowError(InvalidOptionsError);
    expect(() => new R2BindingStore(undefined as unknown as R2BucketBinding)).toThrowError(/get, head, put, delete, list/);
  });
});
