/**
 * Conditional writes, update() and lock() against a store that enforces
 * If-Match and If-None-Match: MemoryStore and Ceph RGW. s3rver ignores both
 * headers, so these cases never run there.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConflictError, NoDB, type ObjectStore } from '../../src/index.js';

export interface ConcurrencyTarget {
  /** Returns a new store client on the same bucket, as a second process would have. */
  openStore: () => ObjectStore;
  stop?: () => Promise<void>;
}

interface Counter {
  id: string;
  value: number;
}

export function concurrencySuite(name: string, open: () => Promise<ConcurrencyTarget>): void {
  describe(`concurrency on ${name}`, () => {
    let target: ConcurrencyTarget;
    let prefix: string;
    const openDb = <T = Counter>() => new NoDB<T>({ store: target.openStore(), prefix });

    beforeAll(async () => {
      target = await open();
    });
    afterAll(async () => {
      await target?.stop?.();
    });

    beforeEach(() => {
      prefix = `c-${crypto.randomUUID().slice(0, 8)}/`;
    });

    it('onlyIfNew rejects an existing record', async () => {
      const db = openDb();
      await db.save({ id: 'n', value: 1 }, { onlyIfNew: true });

      await expect(db.save({ id: 'n', value: 2 }, { onlyIfNew: true })).rejects.toBeInstanceOf(ConflictError);
      expect(await db.load('n')).toEqual({ id: 'n', value: 1 });
    });

    it('ifMatch rejects a stale ETag', async () => {
      const db = openDb();
      const first = await db.save({ id: 'm', value: 1 });
      const second = await db.save({ id: 'm', value: 2 }, { ifMatch: first.etag });

      await expect(db.save({ id: 'm', value: 3 }, { ifMatch: first.etag })).rejects.toBeInstanceOf(ConflictError);
      const record = await db.load('m', { metainfo: true });
      expect(record?.obj).toEqual({ id: 'm', value: 2 });
      expect(record?.etag).toBe(second.etag);
    });

    it('ifMatch accepts quoted and unquoted', async () => {
      const db = openDb();
      const first = await db.save({ id: 'q', value: 1 });
      const unquoted = first.etag.replace(/"/g, '');
      const second = await db.save({ id: 'q', value: 2 }, { ifMatch: unquoted });
      await db.save({ id: 'q', value: 3 }, { ifMatch: `W/${second.etag}` });
      expect(await db.load('q')).toEqual({ id: 'q', value: 3 });
    });

    it('delete with stale ifMatch conflicts', async () => {
      const db = openDb();
      const first = await db.save({ id: 'd', value: 1 });
      const second = await db.save({ id: 'd', value: 2 });

      await expect(db.delete('d', { ifMatch: first.etag })).rejects.toBeInstanceOf(ConflictError);
      expect(await db.load('d')).toEqual({ id: 'd', value: 2 });

      await db.delete('d', { ifMatch: second.etag });
      expect(await db.exists('d')).toBe(false);
    });

    it('update creates then increments', async () => {
      const db = openDb();
      const created = await db.update('u', (current) => ({ id: 'u', value: (current?.value ?? 0) + 1 }));
      expect(created.obj).toEqual({ id: 'u', value: 1 });

      const updated = await db.update('u', (current) => ({ id: 'u', value: current!.value + 10 }));
      expect(updated.obj.value).toBe(11);
      expect(updated.etag).not.toBe(created.etag);
      expect(await db.load('u')).toEqual({ id: 'u', value: 11 });
    });

    it('50 concurrent updates count 50', async () => {
      const clients = Array.from({ length: 50 }, () => openDb());
      const results = await Promise.all(
        clients.map((db) =>
          db.update('counter', (current) => ({ id: 'counter', value: (current?.value ?? 0) + 1 }), {
            retries: 200,
            baseDelayMs: 5,
            maxDelayMs: 200,
          }),
        ),
      );

      expect(await openDb().load('counter')).toEqual({ id: 'counter', value: 50 });
      expect(new Set(results.map((result) => result.obj.value)).size).toBe(50);
    }, 120_000);

    it('update gives up after retries', async () => {
      const db = openDb();
      await db.save({ id: 'busy', value: 0 });
      const rival = openDb();

      // Every attempt loses: a rival write lands between its read and its write.
      const error = await db
        .update('busy', async (current) => {
          await rival.save({ id: 'busy', value: Math.random() });
          return { id: 'busy', value: current!.value + 1 };
        }, { retries: 2, baseDelayMs: 1 })
        .catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(ConflictError);
      expect((error as Error).message).toMatch(/gave up after 3 conflicting writes/);
    });

    it('held lock blocks others', async () => {
      const first = openDb();
      const second = openDb();
      const lock = await first.lock('resource', { ttl: 10_000 });

      const error = await second.lock('resource').catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ConflictError);
      expect((error as Error).message).toContain('held by another client');

      await lock.release();
      const next = await second.lock('resource');
      expect(next.token).toBe(lock.token + 1);
      await next.release();
    });

    it('expired lock is taken over', async () => {
      const first = openDb();
      const second = openDb();
      const stale = await first.lock('lease', { ttl: 100 });
      await new Promise((resolve) => setTimeout(resolve, 150));

      const fresh = await second.lock('lease', { ttl: 10_000 });
      expect(fresh.token).toBeGreaterThan(stale.token);

      await expect(stale.release()).rejects.toBeInstanceOf(ConflictError);
      await expect(stale.extend()).rejects.toThrowError(/another client acquired it/);
      await fresh.release();
    });

    it('lock wait succeeds after release', async () => {
      const first = openDb();
      const second = openDb();
      const lock = await first.lock('queue', { ttl: 10_000 });
      setTimeout(() => void lock.release(), 100);

      const started = Date.now();
      const next = await second.lock('queue', { wait: 5_000, pollMs: 20 });
      expect(Date.now() - started).toBeGreaterThanOrEqual(90);
      await next.release();
    });

    it('two lock holders never overlap', async () => {
      const log: string[] = [];
      const worker = async (name: string) => {
        const db = openDb();
        for (let round = 0; round < 8; round++) {
          await db.withLock('critical', async () => {
            log.push(`enter ${name}`);
            await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 10));
            log.push(`exit ${name}`);
          }, { ttl: 10_000, wait: 30_000, pollMs: 10 });
        }
      };
      await Promise.all([worker('A'), worker('B')]);

      expect(log.length).toBe(32);
      for (let i = 0; i < log.length; i += 2) {
        const name = log[i]!.slice('enter '.length);
        expect(log[i], `entry ${i}`).toBe(`enter ${name}`);
        expect(log[i + 1], `entry ${i + 1}`).toBe(`exit ${name}`);
      }
    }, 60_000);

    it('locks stay out of all()', async () => {
      const db = openDb();
      await db.save({ id: 'r', value: 1 });
      const lock = await db.lock('r');

      const records = [];
      for await (const record of db.all()) records.push(record);
      expect(records).toEqual([{ id: 'r', value: 1 }]);
      await lock.release();
    });
  });
}
