/**
 * The part of S3Transport.send that runs after a first attempt that did not
 * succeed. It turns the failure into a typed error, corrects a skewed clock
 * and signs again, and runs the remaining attempts of the retry policy.
 * Loaded on the first failure only.
 */
import { type NoDBError, S3Error } from '../errors.js';
import { type Attempt, startAttempt } from '../retry.js';
import { attemptError, isRetryable, isUnanswered, parseRetryAfter, withRetry } from '../retry-loop.js';
import { isAccepted } from './accepted.js';
import { type RequestContext, bodyReadError, errorFromResponse, networkError } from './s3-errors.js';
import { NoResponse, type S3Request, type S3Response, type S3Transport } from './s3-transport.js';

/** The first attempt as S3Transport.send ran it. It has ended, and its signal shows whether it timed out. */
export interface FirstS3Attempt {
  attempt: Attempt;
  /** Date.now() time by which every attempt and sleep must be over. */
  deadline: number;
  /** The response, when one arrived. */
  response: S3Response | undefined;
  /** The error the attempt threw when no response arrived. */
  failure: unknown;
}

/** Finishes a request whose first attempt did not succeed: returns a later success, or throws the typed error. */
export async function retryRequest(
  transport: S3Transport,
  request: S3Request,
  payloadHash: string,
  first: FirstS3Attempt,
): Promise<S3Response> {
  const { settings } = transport;
  const context: RequestContext = {
    method: request.method,
    key: request.key,
    bucket: settings.bucket,
    endpoint: settings.endpoint,
    accessKeyId: settings.credentials.accessKeyId,
  };
  const target = request.key === undefined ? `bucket "${settings.bucket}"` : `"${request.key}"`;
  const describe = `${request.method} ${target} at ${settings.endpoint}`;
  const details = { key: request.key, bucket: settings.bucket };
  /** Retry-After of failed responses, kept beside the error they produced. */
  const retryAfter = new WeakMap<object, number>();

  // Finishes one attempt: re-signs after clock skew, returns a success, and
  // turns anything else into the typed error. The signal of `attempt`
  // distinguishes a timeout from a network failure.
  const settle = async (attempt: Attempt, fetched: Promise<S3Response>): Promise<S3Response> => {
    let current = attempt;
    try {
      let response = await fetched;

      // A clock that is off by more than 15 minutes fails every signature. The
      // server's Date header says by how much: correct the clock and re-sign once.
      const serverTime = Date.parse(response.headers.get('date') ?? '');
      if (response.status === 403 && isClockSkew(response.body, serverTime - (Date.now() + transport.clockOffsetMs))) {
        transport.clockOffsetMs = serverTime - Date.now();
        // The first attempt has ended, so the re-signed request gets a timer of its own.
        if (attempt === first.attempt) current = startAttempt(attempt.number, settings.retry, first.deadline, request.signal);
        response = await transport.fetchOnce(request, payloadHash, current);
      }

      if (isAccepted(response.status, response.body, request.absentOn404)) return response;
      const error = responseError(response, context);
      const delayMs = parseRetryAfter(response.headers.get('retry-after'));
      if (delayMs !== undefined) retryAfter.set(error, delayMs);
      throw error;
    } catch (error) {
      // After a timeout or an abort, attemptError() reports why instead: the
      // caller's call for `attempt`, the one here for a re-signed request's own timer.
      if (!(error instanceof NoResponse) || current.signal.aborted) {
        throw current === attempt ? error : attemptError(error, current, request.signal, describe, details);
      }
      throw error.readingBody ? bodyReadError(error.cause, context) : networkError(error.cause, context);
    } finally {
      if (current !== attempt) current.end();
    }
  };

  let firstError: unknown;
  try {
    return await settle(first.attempt, first.response ? Promise.resolve(first.response) : Promise.reject(first.failure));
  } catch (error) {
    firstError = attemptError(error, first.attempt, request.signal, describe, details);
  }

  return withRetry((attempt) => settle(attempt, transport.fetchOnce(request, payloadHash, attempt)), {
    policy: settings.retry,
    signal: request.signal,
    describe,
    details,
    isRetryable,
    retryAfterMs: (error) => (typeof error === 'object' && error ? retryAfter.get(error) : undefined),
    beforeRetry: (event) => {
      if (request.unanswered && isUnanswered(event.error)) request.unanswered.value = true;
      settings.hooks.beforeRetry?.({ ...event, method: request.method, key: request.key });
    },
    first: { deadline: first.deadline, error: firstError },
  });
}

/** Builds the error for a response that is neither a success nor an accepted 404. */
function responseError(response: S3Response, context: RequestContext): NoDBError {
  // Browsers report a redirect that was not followed as status 0 (an opaque redirect).
  const location = response.headers.get('location');
  if (response.status === 0 || (response.status >= 300 && response.status < 400 && location !== null)) {
    return new S3Error(
      `${context.method} to ${context.endpoint} was redirected${location ? ` to ${location}` : ''}; ` +
        `nodb does not follow redirects. Check the endpoint and the region of bucket "${context.bucket}".`,
      { status: response.status, s3Code: 'Redirect', key: context.key, bucket: context.bucket },
    );
  }
  return errorFromResponse(response.status, response.headers, new TextDecoder().decode(response.body), context);
}

/**
 * True when a 403 comes from a skewed clock: the body has the code RequestTimeTooSkewed,
 * or (for HEAD, which has no body) the server's clock differs from the one we
 * sign with by more than five minutes.
 */
function isClockSkew(body: Uint8Array, differenceMs: number): boolean {
  if (Number.isNaN(differenceMs)) return false;
  return new TextDecoder().decode(body).includes('<Code>RequestTimeTooSkewed</Code>') || Math.abs(differenceMs) > 5 * 60_000;
}
