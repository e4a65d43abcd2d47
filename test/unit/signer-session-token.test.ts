/**
 * Temporary credentials: the session token must be covered by the signature,
 * in a presigned URL's query and in a signed request's headers, or anyone
 * holding the URL could swap it. An independent SigV4 check proves it.
 */
import { describe, expect, it } from 'vitest';
import { S3Store } from '../../src/index.js';
import { createSigner } from '../../src/signer-entry.js';
import { checkSigV4 } from '../helpers/sigv4.js';

const credentials = { accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 'temporary-secret', sessionToken: 'token/with+special=chars' };
const endpoint = 'http://127.0.0.1:9000';

async function presignedUrl(body: object): Promise<string> {
  const handler = createSigner({ bucket: 'b', endpoint, credentials, prefix: 'p/', methods: ['GET', 'PUT', 'LIST'] });
  const response = await handler(
    new Request('http://127.0.0.1/sign', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  );
  expect(response.status).toBe(200);
  return ((await response.json()) as { url: string }).url;
}

describe('session token', () => {
  it('is in the signed query', async () => {
    const url = await presignedUrl({ method: 'GET', key: 'p/a' });
    expect(new URL(url).searchParams.get('X-Amz-Security-Token')).toBe(credentials.sessionToken);

    const check = checkSigV4({ method: 'GET', url, headers: new Headers() }, credentials.secretAccessKey);
    expect(check.valid).toBe(true);
    expect(check.signedQuery).toContain('X-Amz-Security-Token');
  });

  it('change breaks the signature', async () => {
    const url = new URL(await presignedUrl({ method: 'GET', key: 'p/a' }));
    url.searchParams.set('X-Amz-Security-Token', 'another-token');
    expect(checkSigV4({ method: 'GET', url: url.href, headers: new Headers() }, credentials.secretAccessKey).valid).toBe(false);
  });

  it('is signed into listing URLs', async () => {
    const url = await presignedUrl({ method: 'LIST', list: { prefix: 'p/' } });
    const check = checkSigV4({ method: 'GET', url, headers: new Headers() }, credentials.secretAccessKey);
    expect(check.valid).toBe(true);
    expect(check.signedQuery).toEqual(expect.arrayContaining(['X-Amz-Security-Token', 'prefix', 'list-type', 'encoding-type']));
  });

  it('is signed with conditional headers', async () => {
    const url = await presignedUrl({ method: 'PUT', key: 'p/a', headers: { 'if-none-match': '*', 'content-type': 'application/json' } });
    const headers = new Headers({ 'if-none-match': '*', 'content-type': 'application/json' });

    const check = checkSigV4({ method: 'PUT', url, headers }, credentials.secretAccessKey);
    expect(check.valid).toBe(true);
    expect(check.signedHeaders).toEqual(['content-type', 'host', 'if-none-match']);
    expect(check.signedQuery).toContain('X-Amz-Security-Token');
  });

  it('is a signed header of requests', async () => {
    const requests: Request[] = [];
    const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
      requests.push(new Request(input, init));
      return new Response(null, { status: 200, headers: { etag: '"e"' } });
    };
    const store = new S3Store({ bucket: 'b', endpoint, credentials, fetch });
    await store.head('p/a');

    const request = requests[0]!;
    expect(request.headers.get('x-amz-security-token')).toBe(credentials.sessionToken);
    const check = checkSigV4(request, credentials.secretAccessKey);
    expect(check.valid).toBe(true);
    expect(check.signedHeaders).toContain('x-amz-security-token');
  });
});
