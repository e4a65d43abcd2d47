/**
 * The retry policy, in one place for every store: which failures are worth
 * another attempt, how long to wait, and when to give up. S3Store loads this
 * module (through store/s3-retry.ts) only after a first attempt has failed,
 * and PresignedStore imports it up front. The options, the attempt itself
 * and the sleep are in retry.ts.
 *
 * Backoff is "full jitter": a random delay between 0 and
 * min(maxDelayMs, baseDelayMs * 2^attempt), which spreads out clients that
 * failed together. A server's Retry-After wins when it is longer. The
 * caller's AbortSignal is checked before each attempt and ends a sleep at
 * once; the total deadline bounds attempts and sleeps together.
 */
import { NetworkError, NoDBError, type NoDBErrorDetails, TimeoutError } from './errors.js';
import { type Attempt, type RetryEvent, type RetryOptions, sleep, startAttempt } from './retry.js';

/** HTTP statuses worth another attempt: timeout, throttling and transient server errors. */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504]);

/** The first attempt of an operation, which its store ran before loading this module. */
export interface FirstAttempt {
  /** Date.now() time by which every attempt and sleep must be over. */
  deadline: number;
  /** The error the first attempt failed with, as attemptError() returns it. */
  error: unknown;
}

/**
 * Runs `operation` until it succeeds, fails with an error `isRetryable` rejects,
 * or the retries or the deadline run out. A timed-out attempt raises
 * TimeoutError (and is retried); the caller's abort rejects with its reason.
 * With `first`, the first attempt has already failed, and this continues
 * from its error with attempt 2.
 */
export async function withRetry<T>(
  operation: (attempt: Attempt) => Promise<T>,
  settings: {
    policy: Required<RetryOptions>;
    signal?: AbortSignal | undefined;
    isRetryable: (error: unknown) => boolean;
    retryAfterMs?: (error: unknown) => number | undefined;
    beforeRetry?: ((event: RetryEvent) => void) | undefined;
    describe: string;
    /** Key and bucket for the TimeoutErrors this raises. */
    details?: NoDBErrorDetails;
    first?: FirstAttempt;
  },
): Promise<T> {
  const { policy, signal, first } = settings;
  const deadline = first?.deadline ?? Date.now() + policy.deadlineMs;

  for (let number = 1; ; number++) {
    let error: unknown;
    if (number === 1 && first) {
      error = first.error;
    } else {
      signal?.throwIfAborted();
      const attempt = startAttempt(number, policy, deadline, signal);
      try {
        return await operation(attempt);
      } catch (caught) {
        error = attemptError(caught, attempt, signal, settings.describe, settings.details);
      } finally {
        attempt.end();
      }
    }

    if (signal?.aborted) throw signal.reason;
    if (number > policy.retries || !settings.isRetryable(error)) throw error;

    const backoff = Math.random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (number - 1));
    const retryAfter = Math.min(settings.retryAfterMs?.(error) ?? 0, policy.maxDelayMs);
    const delayMs = Math.max(backoff, retryAfter);

    if (Date.now() + delayMs >= deadline) {
      throw new TimeoutError(
        `${settings.describe} did not succeed within the ${policy.deadlineMs} ms deadline ` +
          `(${number} attempts). The last error: ${(error as Error)?.message ?? String(error)}`,
        { ...settings.details, ...errorContext(error), cause: error },
      );
    }

    settings.beforeRetry?.({ attempt: number, delayMs, error });
    await sleep(delayMs, signal);
  }
}

/**
 * Returns the error to report for a failed attempt. That is the caller's
 * abort reason once the caller has aborted. It is a TimeoutError when the
 * attempt ran out of time before a response arrived, because fetch then
 * rejects with an AbortError or the signal's reason. Otherwise it is `error`
 * itself. An error built from a response (it has a status) stays as it is,
 * because a timer that fired after the response arrived does not make the
 * request unanswered.
 */
export function attemptError(
  error: unknown,
  attempt: Attempt,
  callerSignal: AbortSignal | undefined,
  describe: string,
  details: NoDBErrorDetails = {},
): unknown {
  if (callerSignal?.aborted) return callerSignal.reason;
  const answered = error instanceof NoDBError && error.status !== undefined;
  if (attempt.signal.aborted && !answered) {
    return new TimeoutError(`${describe} timed out after ${attempt.timeoutMs} ms (attempt ${attempt.number}).`, details);
  }
  return error;
}

/** Network failures, timeouts, throttling and transient server errors are worth another attempt. */
export function isRetryable(error: unknown): boolean {
  if (error instanceof NetworkError || error instanceof TimeoutError) return true;
  return error instanceof NoDBError && error.status !== undefined && RETRYABLE_STATUSES.has(error.status);
}

/**
 * True for failures that leave a request's outcome unknown: no response came
 * (a network error or a timeout), so the server may have applied it. An error
 * response is taken as "not applied".
 * NOTE: that is an assumption about S3 servers. A server that applied a write
 * and then responded with a 5xx would make a retried conditional write look like a conflict.
 */
export function isUnanswered(error: unknown): boolean {
  return error instanceof NetworkError || error instanceof TimeoutError;
}

/** Reads a Retry-After header: seconds, or an HTTP date. Returns milliseconds. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);

  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function errorContext(error: unknown): { key?: string; bucket?: string } {
  const known = error as Partial<NoDBError> | undefined;
  const context: { key?: string; bucket?: string } = {};
  if (known?.key !== undefined) context.key = known.key;
  if (known?.bucket !== undefined) context.bucket = known.bucket;
  return context;
}
