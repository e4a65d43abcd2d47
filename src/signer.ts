/**
 * A signer endpoint for PresignedStore: a fetch handler, `(request) =>
 * Promise<Response>`, that keeps the credentials and hands out short-lived
 * presigned URLs for keys under one prefix. It uses only Request, Response
 * and Web Crypto, so the same handler runs in Cloudflare Workers, Deno, Bun
 * and Node (behind any server that speaks Request and Response).
 *
 * The HTTP interface: POST a JSON PresignRequest with
 * `content-type: application/json`, get `{"url", "method", "headers",
 * "expiresIn"}` back, or `{"error", "message"}` with 400 (malformed), 403
 * (not allowed), 405, 413 or 415.
 *
 * NOTE: the signer only limits what it signs. Ceph RGW 16 also accepts
 * x-amz-* headers that were not signed. A client with a presigned PUT URL
 * can add `x-amz-copy-source` (copy any object the signer's credentials can
 * read), `x-amz-acl` or `x-amz-grant-*` (make the object public), and tagging
 * or metadata headers. Give the signer credentials limited to its prefix and
 * without permission to change ACLs. Other servers were not tested for this.
 */
import { checkOptionNames } from './codecs/option-value.js';
import { InvalidOptionsError } from './errors.js';
import { type SignerOperation, type SignerPolicy, checkSigningRequest } from './signer-policy.js';
import { PRESIGN_METHODS, type PresignMethod, httpMethodOf } from './store/presign-request.js';
import { MAX_PRESIGN_SECONDS, S3Store } from './store/s3.js';
import { presignListObjects, presignObject } from './store/s3-presign.js';
import type { Credentials } from './store/s3-transport.js';

export type { SignerOperation } from './signer-policy.js';

export interface SignerOptions {
  /** Credentials the URLs are signed with. Give them access to `prefix` only. */
  credentials: Credentials;
  /** Bucket name. */
  bucket: string;
  /** Server URL; a custom endpoint means path-style addressing. @default AWS S3 in `region` */
  endpoint?: string;
  /** Signing region; `auto` for Cloudflare R2. @default 'us-east-1' */
  region?: string;
  /**
   * Every key and listing prefix must start with this string, compared as
   * raw text. End it with "/" to scope a folder: "user-1" would also allow
   * "user-10/…". The empty string allows the whole bucket.
   */
  prefix: string;
  /** Operations the signer signs. @default ['GET', 'HEAD', 'LIST'] (read only) */
  methods?: PresignMethod[];
  /** Maximum validity of a URL in seconds; a longer request is shortened to it. @default 300 */
  expiresIn?: number;
  /**
   * Decides per request, for instance from the app's session cookie or
   * token in `request`. Only `true` allows it; `false`, any other value or a
   * throw gets a 403 response.
   */
  authorize?: (request: Request, operation: SignerOperation) => boolean | Promise<boolean>;
  /**
   * Origins of pages on other origins that may call the signer, such as
   * `https://app.example.com`, or `*`. Same-origin pages and clients that
   * send no Origin header are always served. @default []
   */
  allowedOrigins?: string[];
  /** Called with each request the signer rejects (400, 403, 405, 413, 415), for logging. */
  onRejected?: (rejection: { status: number; code: string; message: string }, request: Request) => void;
  /** Called with each unexpected error before the signer responds with 500. */
  onError?: (error: unknown, request: Request) => void;
  /** Milliseconds added to the local clock when signing. @default 0 */
  clockOffsetMs?: number;
}

/** A fetch handler, as Cloudflare Workers, Deno.serve and Bun.serve take it. */
export type SignerHandler = (request: Request) => Promise<Response>;

export const DEFAULT_SIGNER_METHODS: readonly PresignMethod[] = ['GET', 'HEAD', 'LIST'];

/** Names of the options of createSigner. */
const SIGNER_OPTION_NAMES: ReadonlyArray<keyof SignerOptions> = [
  'credentials',
  'bucket',
  'endpoint',
  'region',
  'prefix',
  'methods',
  'expiresIn',
  'authorize',
  'allowedOrigins',
  'onRejected',
  'onError',
  'clockOffsetMs',
];
const DEFAULT_MAX_EXPIRES_IN = 300;

/** Largest request body read, in bytes: a key is at most 1 KiB and S3 metadata at most 2 KiB. */
const MAX_BODY_BYTES = 16 * 1024;

/** Seconds browsers may cache a preflight response. */
const PREFLIGHT_MAX_AGE = 600;

/** Returns a fetch handler that signs requests for `options.bucket`. Throws InvalidOptionsError. */
export function createSigner(options: SignerOptions): SignerHandler {
  // A misspelt authorize or prefix would sign more than intended, so unknown names are rejected.
  if (typeof options === 'object' && options !== null) checkOptionNames(options, SIGNER_OPTION_NAMES, 'createSigner()');
  // S3Store checks the bucket, endpoint and credentials.
  const store = new S3Store({
    bucket: options?.bucket,
    endpoint: options.endpoint,
    region: options.region,
    credentials: options.credentials,
    clockOffsetMs: options.clockOffsetMs,
  });
  const policy = checkOptions(options);
  const credentials = { ...options.credentials };
  const allowedOrigins = new Set(options.allowedOrigins ?? []);

  function sign(operation: SignerOperation): Promise<string> {
    const settings = { store, credentials, expiresIn: operation.expiresIn, clockOffsetMs: options.clockOffsetMs };
    if (operation.method === 'LIST') return presignListObjects(operation.list ?? {}, settings);
    return presignObject(httpMethodOf(operation.method), operation.key!, operation.headers, settings);
  }

  function reject(request: Request, status: number, code: string, message: string, headers: Record<string, string>): Response {
    // A logging hook that throws must not turn a rejection into a 500 or no response.
    try {
      options.onRejected?.({ status, code, message }, request);
    } catch (error) {
      options.onError?.(error, request);
    }
    return jsonResponse(status, { error: code, message }, headers);
  }

  async function handle(request: Request, cors: Record<string, string>): Promise<Response> {
    if (request.method !== 'POST') {
      return reject(request, 405, 'MethodNotAllowed', 'Send signing requests as POST.', { ...cors, allow: 'POST' });
    }
    const contentType = request.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase();
    if (contentType !== 'application/json') {
      return reject(request, 415, 'UnsupportedMediaType', 'Send the signing request as application/json.', cors);
    }

    const text = await readBody(request);
    if (text === undefined) {
      return reject(request, 413, 'RequestTooLarge', `The request body is larger than ${MAX_BODY_BYTES} bytes.`, cors);
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return reject(request, 400, 'InvalidRequest', 'The request body is not valid JSON.', cors);
    }

    const checked = checkSigningRequest(body, policy);
    if ('rejection' in checked) {
      const { status, code, message } = checked.rejection;
      return reject(request, status, code, message, cors);
    }
    const operation = checked.operation;

    if (options.authorize && !(await isAuthorized(options.authorize, request, operation))) {
      return reject(request, 403, 'AccessDenied', 'The signer did not authorize this request.', cors);
    }

    const url = await sign(operation);
    const result = { url, method: httpMethodOf(operation.method), headers: operation.headers, expiresIn: operation.expiresIn };
    return jsonResponse(200, result, cors);
  }

  return async (request) => {
    const origin = request.headers.get('origin');
    const crossOrigin = origin !== null && origin !== originOf(request.url);
    if (crossOrigin && !allowedOrigins.has(origin) && !allowedOrigins.has('*')) {
      return reject(request, 403, 'OriginNotAllowed', `The origin ${origin} may not call this signer.`, {});
    }
    const cors: Record<string, string> = crossOrigin ? { 'access-control-allow-origin': origin, vary: 'origin' } : {};

    if (request.method === 'OPTIONS' && crossOrigin) {
      return new Response(null, {
        status: 204,
        headers: {
          ...cors,
          'access-control-allow-methods': 'POST',
          'access-control-allow-headers': request.headers.get('access-control-request-headers') ?? 'content-type',
          'access-control-max-age': String(PREFLIGHT_MAX_AGE),
        },
      });
    }

    try {
      return await handle(request, cors);
    } catch (error) {
      options.onError?.(error, request);
      return jsonResponse(500, { error: 'InternalError', message: 'The signer failed to sign the request.' }, cors);
    }
  };
}

function checkOptions(options: SignerOptions): SignerPolicy {
  if (typeof options.prefix !== 'string') {
    throw new InvalidOptionsError(
      `prefix must be a string such as "uploads/" (or "" for the whole bucket), not ${JSON.stringify(options.prefix)}.`,
      { bucket: options.bucket },
    );
  }

  const methods = options.methods ?? DEFAULT_SIGNER_METHODS;
  if (!Array.isArray(methods) || methods.length === 0 || !methods.every((method) => PRESIGN_METHODS.includes(method))) {
    throw new InvalidOptionsError(
      `methods must be a non-empty list of ${PRESIGN_METHODS.join(', ')}, not ${JSON.stringify(options.methods)}.`,
      { bucket: options.bucket },
    );
  }

  const maxExpiresIn = options.expiresIn ?? DEFAULT_MAX_EXPIRES_IN;
  if (!Number.isInteger(maxExpiresIn) || maxExpiresIn < 1 || maxExpiresIn > MAX_PRESIGN_SECONDS) {
    throw new InvalidOptionsError(
      `expiresIn must be a whole number of seconds from 1 to ${MAX_PRESIGN_SECONDS}, not ${JSON.stringify(options.expiresIn)}.`,
      { bucket: options.bucket },
    );
  }

  if (options.authorize !== undefined && typeof options.authorize !== 'function') {
    throw new InvalidOptionsError(`authorize must be a function, not ${JSON.stringify(options.authorize)}.`, { bucket: options.bucket });
  }
  const origins = options.allowedOrigins ?? [];
  if (!Array.isArray(origins) || !origins.every((origin) => typeof origin === 'string' && (origin === '*' || isOrigin(origin)))) {
    throw new InvalidOptionsError(
      `allowedOrigins must list origins such as "https://app.example.com" (scheme, host and port only) or "*", ` +
        `not ${JSON.stringify(options.allowedOrigins)}.`,
      { bucket: options.bucket },
    );
  }

  return { prefix: options.prefix, methods: new Set(methods), maxExpiresIn };
}

async function isAuthorized(
  authorize: NonNullable<SignerOptions['authorize']>,
  request: Request,
  operation: SignerOperation,
): Promise<boolean> {
  try {
    // The hook gets a copy, so that it cannot change what was checked.
    return (await authorize(request, structuredClone(operation))) === true;
  } catch {
    return false;
  }
}

/** Reads the body as text, or returns undefined when it exceeds MAX_BODY_BYTES. */
async function readBody(request: Request): Promise<string | undefined> {
  if (Number(request.headers.get('content-length') ?? 0) > MAX_BODY_BYTES) return undefined;
  if (request.body === null) return '';

  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > MAX_BODY_BYTES) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }

  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes);
}

function jsonResponse(status: number, body: unknown, headers: Record<string, string>): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { ...headers, 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
  });
}

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

function isOrigin(text: string): boolean {
  try {
    return new URL(text).origin === text;
  } catch {
    return false;
  }
}
