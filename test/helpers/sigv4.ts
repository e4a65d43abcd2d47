/**
 * An independent SigV4 check for S3 requests, written from AWS's
 * "Signature Version 4" description with node:crypto, so that tests can
 * prove what a signature covers without trusting aws4fetch. It handles both
 * forms: the Authorization header and the presigned query.
 */
import { createHash, createHmac } from 'node:crypto';

export interface SignedParts {
  /** Names in the signature's SignedHeaders, in order. */
  signedHeaders: string[];
  /** Names of the query parameters the signature covers, in canonical order. */
  signedQuery: string[];
  /** True when the signature recomputed from the request and `secret` equals the one sent. */
  valid: boolean;
}

/** Recomputes the signature of a request to S3 and reports what it covers. */
export function checkSigV4(request: { method: string; url: string; headers: Headers }, secret: string): SignedParts {
  const url = new URL(request.url);
  const presigned = url.searchParams.has('X-Amz-Signature');

  let credential: string;
  let signedHeaders: string[];
  let signature: string;
  let datetime: string;
  if (presigned) {
    credential = url.searchParams.get('X-Amz-Credential')!;
    signedHeaders = url.searchParams.get('X-Amz-SignedHeaders')!.split(';');
    signature = url.searchParams.get('X-Amz-Signature')!;
    datetime = url.searchParams.get('X-Amz-Date')!;
  } else {
    const authorization = request.headers.get('authorization') ?? '';
    const match = /Credential=([^,]+), SignedHeaders=([^,]+), Signature=([0-9a-f]+)/.exec(authorization);
    if (!match) throw new Error(`No SigV4 Authorization header in ${JSON.stringify(authorization)}.`);
    credential = match[1]!;
    signedHeaders = match[2]!.split(';');
    signature = match[3]!;
    datetime = request.headers.get('x-amz-date')!;
  }
  const [, date, region, service] = credential.split('/') as [string, string, string, string];

  // Canonical order: by encoded name, then by encoded value.
  const query = [...url.searchParams]
    .filter(([name]) => name !== 'X-Amz-Signature')
    .map(([name, value]) => [rfc3986(name), rfc3986(value)] as const)
    .sort(([nameA, valueA], [nameB, valueB]) => compare(nameA, nameB) || compare(valueA, valueB));
  const headerLines = signedHeaders.map((name) => `${name}:${name === 'host' ? url.host : (request.headers.get(name) ?? '').trim()}`);
  // S3 signs the path decoded once and re-encoded, with "/" left as it is.
  const path = decodeURIComponent(url.pathname).split('/').map(rfc3986).join('/');
  const payload = presigned ? 'UNSIGNED-PAYLOAD' : (request.headers.get('x-amz-content-sha256') ?? 'UNSIGNED-PAYLOAD');

  const canonical = [
    request.method,
    path,
    query.map(([name, value]) => `${name}=${value}`).join('&'),
    headerLines.join('\n') + '\n',
    signedHeaders.join(';'),
    payload,
  ].join('\n');
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', datetime, scope, sha256(canonical)].join('\n');

  let key: Buffer = hmac(`AWS4${secret}`, date);
  for (const part of [region, service, 'aws4_request']) key = hmac(key, part);
  const expected = createHmac('sha256', key).update(stringToSign).digest('hex');

  return { signedHeaders, signedQuery: query.map(([name]) => name), valid: expected === signature };
}

function compare(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

function rfc3986(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function hmac(key: string | Buffer, text: string): Buffer {
  return createHmac('sha256', key).update(text).digest();
}
