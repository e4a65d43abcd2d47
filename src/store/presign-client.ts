/**
 * Requests one presigned URL from a signer: an app-supplied function, or a
 * signer endpoint that responds to a JSON POST (see createSigner in nodb/signer). Every
 * failure becomes a typed error whose class decides whether the retry policy
 * tries again.
 */
import { describeCause } from '../error-cause.js';
import { AccessDeniedError, InvalidOptionsError, NetworkError, NoDBError, ProtocolError, S3Error } from '../errors.js';
import { untilAborted } from '../retry.js';
import { parseRetryAfter } from '../retry-loop.js';
import type { PresignFunction, PresignRequest, PresignedRequest } from './presign-request.js';

/** Headers for a signer endpoint, or a function that returns them per request. */
export type SignerHeaders = HeadersInit | (() => HeadersInit | Promise<HeadersInit>);

export interface SignerClientSettings {
  signer: string | PresignFunction;
  fetch: typeof fetch;
  headers?: SignerHeaders | undefined;
  credentials?: RequestCredentials | undefined;
}

/** Key and bucket of the request, for messages and error details. */
export interface SignContext {
  key: string | undefined;
  bucket: string | undefined;
}

export class SignerClient {
  /** Such as `the signer at https://app.example.com/sign`. */
  readonly description: string;
  readonly #signer: URL | PresignFunction;
  readonly #fetch: typeof fetch;
  readonly #headers: SignerHeaders | undefined;
  readonly #credentials: RequestCredentials | undefined;
  /** Retry-After of a throttled signer response, kept beside the error it produced. */
  readonly #retryAfter = new WeakMap<object, number>();

  constructor(settings: SignerClientSettings) {
    if (typeof settings.signer === 'function') {
      this.#signer = settings.signer;
      this.description = 'the signer function';
    } else {
      this.#signer = parseSignerUrl(settings.signer);
      this.description = `the signer at ${this.#signer.href}`;
    }
    this.#fetch = settings.fetch;
    this.#headers = settings.headers;
    this.#credentials = settings.credentials;
  }

  /** Returns the server's Retry-After, in milliseconds, for an error that `sign` threw. */
  retryAfterMs(error: unknown): number | undefined {
    return typeof error === 'object' && error !== null ? this.#retryAfter.get(error) : undefined;
  }

  /** Returns a presigned URL for `request`, or throws a NoDBError (or the abort reason). */
  async sign(request: PresignRequest, signal: AbortSignal, context: SignContext): Promise<PresignedRequest> {
    const result =
      typeof this.#signer === 'function'
        ? await this.#callFunction(this.#signer, request, signal, context)
        : await this.#callEndpoint(this.#signer, request, signal, context);
    return this.#checkResult(result, request, context);
  }

  async #callFunction(
    signer: PresignFunction,
    request: PresignRequest,
    signal: AbortSignal,
    context: SignContext,
  ): Promise<unknown> {
    try {
      // A signer that ignores its signal must not hold the attempt past its timeout.
      return await untilAborted(signer(request, { signal }), signal);
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      if (NoDBError.is(error)) throw error;
      throw new AccessDeniedError(
        `${this.description} failed for ${describeRequest(request)} (${describeCause(error)}), so the request was not sent. ` +
          `Throw a NetworkError from the signer to have the request retried.`,
        { ...context, cause: error },
      );
    }
  }

  async #callEndpoint(url: URL, request: PresignRequest, signal: AbortSignal, context: SignContext): Promise<unknown> {
    const headers = new Headers(typeof this.#headers === 'function' ? await this.#headers() : this.#headers);
    headers.set('content-type', 'application/json');
    // A redirect would post the request, with its keys and metadata, to another server.
    const init: RequestInit = { method: 'POST', headers, body: JSON.stringify(request), signal, redirect: 'error' };
    // Set only when asked: workerd rejects the credentials field.
    if (this.#credentials !== undefined) init.credentials = this.#credentials;

    let response: Response;
    let text: string;
    try {
      response = await this.#fetch(url.href, init);
      text = await readBounded(response, MAX_SIGNER_RESPONSE_BYTES);
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      throw new NetworkError(
        `POST to ${this.description} failed before a response arrived (${describeCause(error)}). ` +
          `Check that the signer is running and that its URL is right; a signer on another origin ` +
          `must send CORS headers for this page.`,
        { ...context, cause: error },
      );
    }

    if (!response.ok) throw this.#httpError(response, text, request, context);
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      throw new ProtocolError(
        `${this.description} responded to ${describeRequest(request)} with a body that is not JSON: ${JSON.stringify(text.slice(0, 200))}.`,
        { ...context, cause: error },
      );
    }
  }

  /** 401 and 403 deny; 408, 429 and 5xx are worth another attempt; any other status means a bad request or URL. */
  #httpError(response: Response, text: string, request: PresignRequest, context: SignContext): NoDBError {
    const status = response.status;
    const reason = readErrorMessage(text);
    const message = `${this.description} rejected ${describeRequest(request)} with ${status}${reason ? `: ${reason}` : ''}.`;
    const details = { ...context, status };

    if (status === 401 || status === 403) {
      return new AccessDeniedError(`${message} The signer does not allow this request for this user.`, details);
    }
    if (status === 408 || status === 429 || status >= 500) {
      const error = new S3Error(`${message} The request may be retried.`, details);
      const retryAfter = parseRetryAfter(response.headers.get('retry-after'));
      if (retryAfter !== undefined) this.#retryAfter.set(error, retryAfter);
      return error;
    }
    return new InvalidOptionsError(`${message} Check the signer URL, and that this client and the signer agree on the request.`, details);
  }

  #checkResult(result: unknown, request: PresignRequest, context: SignContext): PresignedRequest {
    const fields = typeof result === 'object' && result !== null ? (result as Record<string, unknown>) : {};
    const headers = fields.headers;
    const headersValid =
      headers === undefined ||
      (typeof headers === 'object' && headers !== null && Object.values(headers).every((value) => typeof value === 'string'));

    if (typeof fields.url !== 'string' || !isHttpUrl(fields.url) || !headersValid) {
      throw new ProtocolError(
        `${this.description} returned no usable response for ${describeRequest(request)}: expected ` +
          `{"url": "http(s)://…", "headers"?: {name: value}}, got ${preview(result)}.`,
        context,
      );
    }
    return { url: fields.url, headers: headers as Record<string, string> | undefined };
  }
}

/** Describes a request for messages, such as `PUT "a/b"` or `LIST with prefix "a/"`. */
export function describeRequest(request: PresignRequest): string {
  if (request.method === 'LIST') return `LIST with prefix ${JSON.stringify(request.list?.prefix ?? '')}`;
  return `${request.method} ${JSON.stringify(request.key)}`;
}

/**
 * Parses the signer URL. A relative URL such as `/sign` is resolved against
 * the page in browsers; elsewhere there is nothing to resolve it against.
 */
function parseSignerUrl(signer: unknown): URL {
  const base = (globalThis as { location?: { href?: string } }).location?.href;
  let url: URL | undefined;
  try {
    url = typeof signer === 'string' && signer !== '' ? new URL(signer, base) : undefined;
  } catch {
    // Reported below.
  }
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new InvalidOptionsError(
      `signer must be a function or the http(s) URL of a signer endpoint, such as "https://app.example.com/sign" ` +
        `(or "/sign" in a browser), not ${JSON.stringify(signer)}.`,
    );
  }
  return url;
}

function isHttpUrl(text: string): boolean {
  try {
    const protocol = new URL(text).protocol;
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

/** Reads `message` from a signer's JSON error body, or returns the start of a plain-text body. */
function readErrorMessage(text: string): string {
  try {
    const body = JSON.parse(text) as { message?: unknown };
    if (typeof body?.message === 'string') return body.message;
  } catch {
    // Not JSON: fall through to the text itself.
  }
  return text.trim().slice(0, 300);
}

function preview(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}


/** Maximum size of a signer's response, which carries one URL and a few headers. */
const MAX_SIGNER_RESPONSE_BYTES = 64 * 1024;


/** Reads a response body as text, failing once it passes `maxBytes`. */
async function readBounded(response: Response, maxBytes: number): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > maxBytes || !response.body) {
    await response.body?.cancel().catch(() => undefined);
    if (declared > maxBytes) throw new RangeError(`the signer's response is ${declared} bytes, over ${maxBytes}`);
    return '';
  }

  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new RangeError(`the signer's response is over ${maxBytes} bytes`);
    }
    chunks.push(value);
  }

  const joined = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    joined.set(chunk, offset);
    offset += chunk.length;
  }
  return new TextDecoder().decode(joined);
}
