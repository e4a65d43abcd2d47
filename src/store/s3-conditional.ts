/**
 * Interpretation of a failed conditional PUT. Servers differ here, and this
 * is the one place that handles how:
 * - a repeat of a PUT whose first response was lost meets its own write: the
 *   object carries that PUT's write id, so the write succeeded;
 * - Ceph RGW 16 rejects a quoted If-Match ETag with 412 even when it is
 *   current: when the object still has that ETag, the PUT is sent again with
 *   the ETag unquoted, and the store keeps sending it unquoted;
 * - AWS returns 404 for If-Match on a missing key where RGW returns 412, and
 *   both become a ConflictError;
 * - a PUT retried after an attempt that got no answer, which then meets
 *   someone else's write, cannot tell whether that attempt landed in between:
 *   OutcomeUnknownError, so that update() does not apply one change twice.
 */
import { BucketNotFoundError, ConflictError, NoDBError, OutcomeUnknownError } from '../errors.js';
import { etagValue, sameEtag } from './etag.js';
import { WRITE_ID_METADATA } from './object-headers.js';
import type { ObjectRequest } from './s3-objects.js';
import type { S3Response } from './s3-transport.js';
import type { PutOptions } from './types.js';

export interface ConditionalPut {
  key: string;
  writeId: string;
  /** True when an attempt of the PUT got no response and was retried, so it may have been applied. @default false */
  unanswered?: boolean;
  headers: Headers;
  body: Uint8Array;
  options: PutOptions;
  description: string;
  bucket: string;
  send: (request: ObjectRequest) => Promise<S3Response>;
  /** Makes the store send If-Match unquoted from now on; false when it already does. */
  switchToUnquotedIfMatch: () => boolean;
}

/** Returns the response of a PUT that did succeed, or throws the error it deserves. */
export async function resolveConditionalFailure(error: unknown, put: ConditionalPut): Promise<S3Response> {
  const { key, options } = put;
  const missingOnIfMatch =
    options.ifMatch !== undefined && error instanceof NoDBError && error.status === 404 && !(error instanceof BucketNotFoundError);
  if (!(error instanceof ConflictError) && !missingOnIfMatch) throw error;

  const current = await put.send({ method: 'HEAD', key, signal: options.signal, absentOn404: true });
  const exists = current.status !== 404;
  if (exists && current.headers.get(`x-amz-meta-${WRITE_ID_METADATA}`) === put.writeId) return current;

  const currentEtag = current.headers.get('etag') ?? '';
  if (options.ifMatch !== undefined && exists && sameEtag(currentEtag, options.ifMatch) && put.switchToUnquotedIfMatch()) {
    put.headers.set('if-match', etagValue(options.ifMatch));
    return put.send({ method: 'PUT', key, headers: put.headers, body: put.body, signal: options.signal });
  }

  if (put.unanswered) {
    throw new OutcomeUnknownError(
      `The write to "${key}" in ${put.description} may or may not have been applied: an earlier attempt got ` +
        `no answer, and the object has changed since. Read the record again and decide whether to write.`,
      { key, bucket: put.bucket, status: 412, s3Code: 'PreconditionFailed', cause: error },
    );
  }

  const state = exists ? `its ETag is now ${currentEtag}` : 'it does not exist';
  const expected = options.ifMatch !== undefined ? `ETag ${options.ifMatch}` : 'no object';
  throw new ConflictError(
    `The write to "${key}" in ${put.description} was rejected: it expected ${expected}, but ${state}. ` +
      `The stored object was left unchanged; read it again and retry.`,
    { key, bucket: put.bucket, status: 412, s3Code: 'PreconditionFailed', cause: error },
  );
}
