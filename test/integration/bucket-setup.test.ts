import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3Store } from '../../src/index.js';
import { type RunningS3rver, S3RVER_CREDENTIALS, startS3rver } from '../helpers/s3rver.js';

describe('bucket setup on s3rver', () => {
  let server: RunningS3rver;

  beforeAll(async () => {
    server = await startS3rver();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('ensureBucket creates once', async () => {
    const store = new S3Store({ bucket: 'created-here', endpoint: server.endpoint, credentials: S3RVER_CREDENTIALS });
    expect(await store.ensureBucket()).toBe(true);
    expect(await store.ensureBucket()).toBe(false);

    await store.put('k', new TextEncoder().encode('v'));
    expect(await store.head('k')).not.toBeNull();
  });

  it('putCors lets browsers read ETag', async () => {
    const store = new S3Store({ bucket: 'cors-bucket', endpoint: server.endpoint, credentials: S3RVER_CREDENTIALS });
    await store.ensureBucket();
    await store.putCors({ origins: ['http://127.0.0.1:5173'] });
    await store.put('k', new TextEncoder().encode('v'));

    const preflight = await fetch(store.objectUrl('k'), {
      method: 'OPTIONS',
      headers: {
        origin: 'http://127.0.0.1:5173',
        'access-control-request-method': 'PUT',
        'access-control-request-headers': 'authorization,x-amz-date,x-amz-content-sha256,if-match,content-type',
      },
    });
    expect(preflight.status).toBe(200);
    expect(preflight.headers.get('access-control-allow-methods')).toContain('PUT');

    const response = await fetch(store.objectUrl('k'), { headers: { origin: 'http://127.0.0.1:5173' } });
    await response.body?.cancel();
    expect(response.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:5173');
    expect(response.headers.get('access-control-expose-headers')).toContain('ETag');
  });

  it('presigned GET works', async () => {
    const store = new S3Store({ bucket: 'presign-bucket', endpoint: server.endpoint, credentials: S3RVER_CREDENTIALS });
    await store.ensureBucket();
    await store.put('a b+c', new TextEncoder().encode('shared'));

    const url = await store.presign('GET', 'a b+c', { expiresIn: 60 });
    expect(url).toContain('X-Amz-Signature=');
    expect(url).toContain('X-Amz-Expires=60');
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('shared');
  });
});
