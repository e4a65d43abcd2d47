import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { BucketNotFoundError, NetworkError, NoDB } from '../../src/index.js';
import { S3RVER_CREDENTIALS, startS3rver } from '../helpers/s3rver.js';
import { nodbSuite } from './nodb-suite.js';

// s3rver lists keys in the order of its files, so the key-order case runs elsewhere.
nodbSuite('s3rver', { binaryKeyOrder: false }, async () => {
  const server = await startS3rver();
  const store = await server.createBucket('integration');
  return { store, stop: () => server.stop() };
});

describe('NoDB connection errors', () => {
  it('missing bucket names bucket and endpoint', async () => {
    const server = await startS3rver();
    try {
      const db = new NoDB({ bucket: 'no-such-bucket', endpoint: server.endpoint, credentials: S3RVER_CREDENTIALS });
      for (const attempt of [() => db.load('x'), () => db.save({ id: 'x' }), () => db.all()[Symbol.asyncIterator]().next()]) {
        const error = await attempt().catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(BucketNotFoundError);
        expect((error as Error).message).toContain('"no-such-bucket"');
        expect((error as Error).message).toContain(server.endpoint);
      }
    } finally {
      await server.stop();
    }
  });

  it('NoDB passes hooks and retry', async () => {
    const server = await startS3rver();
    try {
      await server.createBucket('hooked');
      const seen: string[] = [];
      const db = new NoDB({
        bucket: 'hooked',
        endpoint: server.endpoint,
        credentials: S3RVER_CREDENTIALS,
        retry: { retries: 1, attemptTimeoutMs: 5_000 },
        hooks: {
          beforeRequest: (request) => seen.push(`${request.method} ${request.attempt}`),
          afterResponse: (response) => seen.push(`${response.status}`),
        },
      });

      await db.save({ id: 'x' });
      expect(await db.load('x')).toEqual({ id: 'x' });
      expect(seen).toEqual(['PUT 1', '200', 'GET 1', '200']);
    } finally {
      await server.stop();
    }
  });

  it('unreachable endpoint names the endpoint', async () => {
    const endpoint = `http://127.0.0.1:${await closedPort()}`;
    const db = new NoDB({ bucket: 'records', endpoint, credentials: S3RVER_CREDENTIALS });

    const error = await db.load('x').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as Error).message).toContain(endpoint);
    expect((error as Error).message).toContain('Check that the server is running');
  });
});

/** Returns a port on 127.0.0.1 that nothing listens on, by binding it once and releasing it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
