/**
 * The codecs against a real S3 server: round trips of every serializer and
 * compression setting, and the stored objects' headers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NoDB, type S3Store } from '../../src/index.js';
import { codecRoundTripSuite } from '../helpers/codec-roundtrip.js';
import { startS3rver, type RunningS3rver } from '../helpers/s3rver.js';

codecRoundTripSuite('s3rver', 25, async () => {
  const server = await startS3rver();
  const store = await server.createBucket('codecs');
  return { store, stop: () => server.stop() };
});

describe('compressed records on s3rver', () => {
  let server: RunningS3rver;
  let store: S3Store;

  beforeAll(async () => {
    server = await startS3rver();
    store = await server.createBucket('compressed');
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('no Content-Encoding on the object', async () => {
    const db = new NoDB({ store, serializer: 'msgpack', compression: { threshold: 0 } });
    const { key } = await db.save({ id: 'big', text: 'compressible '.repeat(500) });

    // A plain fetch, as a browser would make it: it must not inflate the body on its own.
    const response = await fetch(`${server.endpoint}/compressed/${key}`);
    const body = new Uint8Array(await response.arrayBuffer());
    expect(response.headers.get('content-encoding')).toBeNull();
    expect(response.headers.get('content-type')).toBe('application/octet-stream');
    expect([...body.subarray(0, 6)]).toEqual([0x89, 0x4e, 0x44, 0x42, 1, 1]);
    expect(body.length).toBeLessThan(500);
    expect(await db.load('big')).toEqual({ id: 'big', text: 'compressible '.repeat(500) });
  });

  it('plain JSON keeps its Content-Type', async () => {
    const db = new NoDB({ store, prefix: 'plain/' });
    const { key } = await db.save({ id: 'a', text: 'x'.repeat(5000) });

    const response = await fetch(`${server.endpoint}/compressed/${key}`);
    const text = await response.text();
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(text.startsWith('{"serializer": "json"')).toBe(true);
  });
});
