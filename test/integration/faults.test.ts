/**
 * NoDB through a fault-injecting proxy in front of s3rver: retries must lose,
 * corrupt or duplicate nothing, and aborts and timeouts must end promptly.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NoDB, S3Store, TimeoutError } from '../../src/index.js';
import { seededRandom, startFaultProxy } from '../helpers/fault-proxy.js';
import { type RunningS3rver, S3RVER_CREDENTIALS, startS3rver } from '../helpers/s3rver.js';

interface Item {
  id: string;
  n: number;
  text: string;
}

describe('NoDB under injected faults', () => {
  let server: RunningS3rver;

  beforeAll(async () => {
    server = await startS3rver();
    await server.createBucket('faults');
  });
  afterAll(async () => {
    await server?.stop();
  });

  const openDb = (endpoint: string, retry: ConstructorParameters<typeof S3Store>[0]['retry']) =>
    new NoDB<Item>({ store: new S3Store({ bucket: 'faults', endpoint, credentials: S3RVER_CREDENTIALS, retry }), prefix: `f-${crypto.randomUUID().slice(0, 8)}/` });

  it('1,000 saves and loads at 10% faults', async () => {
    const proxy = await startFaultProxy({ target: server.endpoint, rate: 0.1, seed: 20261204, delayMs: 600 });
    try {
      const db = openDb(proxy.endpoint, { retries: 10, baseDelayMs: 5, maxDelayMs: 100, attemptTimeoutMs: 300 });
      const random = seededRandom(7);
      const items: Item[] = Array.from({ length: 1000 }, (_, n) => ({
        id: `item-${n}`,
        n,
        text: Array.from({ length: 20 + Math.floor(random() * 200) }, () => String.fromCharCode(32 + Math.floor(random() * 95))).join(''),
      }));

      await inPool(items, 16, (item) => db.save(item));
      const loaded = await inPool(items, 16, (item) => db.load(item.id));
      expect(loaded).toEqual(items);

      // Every kind of fault happened at least once.
      for (const [fault, count] of Object.entries(proxy.counts)) expect(count, fault).toBeGreaterThan(0);

      // Nothing was stored twice under another key.
      proxy.setRate(0);
      const keys = [];
      for await (const info of db.store.list({ prefix: db.prefix })) keys.push(info.key);
      expect(keys.length).toBe(items.length);
    } finally {
      await proxy.stop();
    }
  }, 180_000);

  it('abort rejects promptly with the reason', async () => {
    const proxy = await startFaultProxy({ target: server.endpoint, rate: 1, seed: 1, faults: ['delay'], delayMs: 5000 });
    try {
      const db = openDb(proxy.endpoint, { attemptTimeoutMs: 10_000 });
      for (const operation of [(signal: AbortSignal) => db.save({ id: 'a', n: 1, text: 'x' }, { signal }), (signal: AbortSignal) => db.load('a', { signal })]) {
        const controller = new AbortController();
        const reason = new Error('caller cancelled');
        setTimeout(() => controller.abort(reason), 50);

        const started = Date.now();
        await expect(operation(controller.signal)).rejects.toBe(reason);
        expect(Date.now() - started).toBeLessThan(1000);

        // Nothing goes on after the abort: no retry reaches the server.
        const received = proxy.received;
        await new Promise((resolve) => setTimeout(resolve, 300));
        expect(proxy.received).toBe(received);
      }
    } finally {
      await proxy.stop();
    }
  });

  it('timeout raises TimeoutError', async () => {
    const proxy = await startFaultProxy({ target: server.endpoint, rate: 1, seed: 2, faults: ['delay'], delayMs: 5000 });
    try {
      const db = openDb(proxy.endpoint, { retries: 1, baseDelayMs: 1, attemptTimeoutMs: 100 });
      const started = Date.now();
      const error = await db.load('x').catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(TimeoutError);
      expect((error as Error).name).toBe('TimeoutError');
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      await proxy.stop();
    }
  });
});

/** Runs `work` on every item with `size` calls in flight, and returns the results in item order. */
async function inPool<T, R>(items: T[], size: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: size }, worker));
  return results;
}
