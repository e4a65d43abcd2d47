/**
 * The interpretation of a failed conditional PUT, and the error of a
 * conditional delete that finds another ETag. s3-objects.ts sends both
 * requests, and loads this module only when one fails. Servers differ in
 * these cases:
 * - a repeat of a PUT whose first response was lost meets its own write: the
 *   object carries that PUT's write id, so the write succeeded;
 * - Ceph RGW 16 rejects a quoted If-Match ETag with 412 even when it is
 *   current: when the object still has that ETag, the PUT is sent again with
 *   the ETag unquoted, and the store keeps sending it unquoted;
 * - AWS returns 404 for If-Match on a missing key where RGW returns 412, and
 *   both become a ConflictError;
 * - a PUT retried after an attempt that got no answer, which then meets
 *   someone else's write, cannot tell whether that attempt landed in between:
 *   OutcomeUnknownError, so that update() does not apply one change twice;
 * - Ceph RGW 16 ignores If-Match on DELETE, so deleteObject (s3-objects.ts)
 *   compares the ETag with a HEAD before it sends the DELETE, and throws
 *   staleDeleteError() when the object is gone or has another ETag.
 */
import { ConflictError, OutcomeUnknownError } from '../errors.js';
import { etagValue, sameEtag } from './etag.js';
import { WRITE_ID_METADATA } from './object-headers.js';
import type { ObjectWriter } from './s3-objects.js';
import type { S3Response } from './s3-transport.js';
import type { PutOptions } from './types.js';

/** Returns the ConflictError of a conditional delete whose object is gone (`currentEtag` undefined) or has another ETag. */
export function staleDeleteError(writer: ObjectWriter, key: string, ifMatch: string, currentEtag: string | undefined): ConflictError {
  const state = currentEtag === undefined ? 'it no longer exists' : `its ETag is ${currentEtag}, not ${ifMatch}`;
  return new ConflictError(
    `The delete of "${key}" in ${writer.description} was skipped: ${state}. Read the record again and decide whether to delete it.`,
    { key, bucket: writer.bucket, status: 412, s3Code: 'PreconditionFailed' },
  );
}

/** A conditional PUT whose request failed. */
interface FailedPut {
  key: string;
  writeId: string;
  /** True when an attempt of the PUT got no response and was retried, so it may have been applied. */
  unanswered: boolean;
  headers: Headers;
  body: Uint8Array;
  options: PutOptions;
}

/**
 * Returns the response of a conditional PUT that did succeed, or throws the
 * error it deserves. s3-objects.ts calls it for a ConflictError, or a 404
 * for If-Match on a missing key, only.
 */
export async function resolveConditionalFailure(error: unknown, writer: ObjectWriter, put: FailedPut): Promise<S3Response> {
  const { key, options } = put;
  const bucket = writer.bucket ?? '';
  const current = await writer.send({ method: 'HEAD', key, signal: options.signal, absentOn404: true });
  const exists = current.status !== 404;
  if (exists && current.headers.get(`x-amz-meta-${WRITE_ID_METADATA}`) === put.writeId) return current;

  const currentEtag = current.headers.get('etag') ?? '';
  if (options.ifMatch !== undefined && exists && sameEtag(currentEtag, options.ifMatch) && !writer.unquotedIfMatch) {
    writer.unquotedIfMatch = true;
    put.headers.set('if-match', etagValue(options.ifMatch));
    return writer.send({ method: 'PUT', key, headers: put.headers, body: put.body, signal: options.signal });
  }

  if (put.unanswered) {
    throw new OutcomeUnknownError(
      `The write to "${key}" in ${writer.description} may or may not have been applied: an earlier attempt got ` +
        `no answer, and the object has changed since. Read the record again and decide whether to write.`,
      { key, bucket, status: 412, s3Code: 'PreconditionFailed', cause: error },
    );
  }

  const state = exists ? `its ETag is now ${currentEtag}` : 'it does not exist';
  const expected = options.ifMatch !== undefined ? `ETag ${options.ifMatch}` : 'no object';
  throw new ConflictError(
    `The write to "${key}" in ${writer.description} was rejected: it expected ${expected}, but ${state}. ` +
      `The stored object was left unchanged; read it again and retry.`,
    { key, bucket, status: 412, s3Code: 'PreconditionFailed', cause: error },
  );
}
