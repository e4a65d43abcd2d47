/**
 * Object requests for every store that speaks the S3 REST API, in one place.
 * S3Store signs its requests and PresignedStore requests URLs from a signer,
 * but the headers they send and the way they read responses are the same.
 * The interpretation of failed conditional writes (s3-conditional.ts),
 * metadata checks and error messages load only when a request needs them.
 */
import { BucketNotFoundError, ConflictError, NoDBError } from '../errors.js';
import { loadModule } from '../load-module.js';
import { etagValue, quoteEtag, sameEtag } from './etag.js';
import { WRITE_ID_METADATA, readAttributes } from './object-headers.js';
import type { S3Request, S3Response } from './s3-transport.js';
import type { DeleteOptions, GetOptions, ObjectHead, PutOptions, StoredObject, Unmodified } from './types.js';

/** A request on one object: the store derives its URL from the key. */
export type ObjectRequest = Omit<S3Request, 'url'> & { key: string };

/** The parts of a store that the shared requests use. */
export interface ObjectWriter {
  readonly description: string;
  readonly bucket: string | undefined;
  /**
   * True once a server (Ceph RGW 16) has shown that it accepts If-Match ETags
   * only unquoted. Until then they are sent quoted, as HTTP specifies.
   */
  unquotedIfMatch: boolean;
  send(request: ObjectRequest): Promise<S3Response>;
  head(key: string, options: { signal?: AbortSignal }): Promise<ObjectHead | null>;
}

/** Reads an object; null when absent, `Unmodified` when `ifNoneMatch` still matches. */
export async function getObject(
  writer: ObjectWriter,
  key: string,
  options: GetOptions,
): Promise<StoredObject | Unmodified | null> {
  const headers = new Headers();
  if (options.ifNoneMatch !== undefined) headers.set('if-none-match', quoteEtag(options.ifNoneMatch));

  const response = await writer.send({ method: 'GET', key, headers, signal: options.signal, absentOn404: true });
  if (response.status === 404) return null;

  const attributes = readAttributes(response.headers);
  if (response.status === 304) {
    return { modified: false, key, etag: attributes.etag || quoteEtag(options.ifNoneMatch ?? '') };
  }
  return { modified: true, key, body: response.body, ...attributes };
}

/** Reads an object's attributes from the headers of a successful HEAD. */
export function headFromResponse(key: string, response: S3Response): ObjectHead {
  return { key, size: Number(response.headers.get('content-length') ?? '0'), ...readAttributes(response.headers) };
}

/**
 * Writes an object. A conditional write (`ifMatch`, `ifNoneMatch`) carries a
 * write id, so that a repeat of it can recognise its own write. When it
 * fails, s3-conditional.ts works out what happened.
 */
export async function putObject(
  writer: ObjectWriter,
  key: string,
  body: Uint8Array,
  options: PutOptions,
): Promise<{ etag: string }> {
  const { signal } = options;
  const headers = new Headers({ 'content-type': options.contentType ?? 'application/octet-stream' });
  if (options.metadata !== undefined) {
    const { setMetadataHeaders } = await loadModule(() => import('./metadata.js'), signal);
    setMetadataHeaders(headers, options.metadata, key);
  }

  const conditional = options.ifMatch !== undefined || options.ifNoneMatch !== undefined;
  const writeId = conditional ? crypto.randomUUID() : undefined;
  if (writeId !== undefined) headers.set(`x-amz-meta-${WRITE_ID_METADATA}`, writeId);
  if (options.ifNoneMatch !== undefined) headers.set('if-none-match', options.ifNoneMatch);
  if (options.ifMatch !== undefined) headers.set('if-match', ifMatchValue(writer, options.ifMatch));

  const unanswered = { value: false };
  let response: S3Response;
  try {
    response = await writer.send({ method: 'PUT', key, headers, body, signal, unanswered });
  } catch (error) {
    if (writeId === undefined || !mayBeConditionFailure(error, options)) throw error;
    let conditional: typeof import('./s3-conditional.js');
    try {
      conditional = await loadModule(() => import('./s3-conditional.js'), signal);
    } catch {
      // Without the module (a browser that went offline), the failure is reported as the server sent it.
      signal?.throwIfAborted();
      throw error;
    }
    response = await conditional.resolveConditionalFailure(error, writer, { key, writeId, unanswered: unanswered.value, headers, body, options });
  }

  const etag = response.headers.get('etag');
  if (etag !== null) return { etag };
  const { missingEtagError } = await loadModule(() => import('./s3-errors.js'), signal);
  throw missingEtagError(key, writer.description, writer.bucket);
}

/**
 * Deletes an object; a missing one is not an error. With `ifMatch`, deletes
 * only while the object still has that ETag, and otherwise throws ConflictError.
 */
export async function deleteObject(writer: ObjectWriter, key: string, options: DeleteOptions): Promise<void> {
  const { ifMatch, signal } = options;
  const headers = new Headers();

  if (ifMatch !== undefined) {
    // Ceph RGW 16 ignores If-Match on DELETE, so check the ETag with a HEAD first.
    // NOTE: on such servers a write between this HEAD and the DELETE is lost;
    // servers that honour the header (AWS) still reject that case atomically.
    const current = await writer.head(key, { signal });
    if (current === null || !sameEtag(current.etag, ifMatch)) {
      const { staleDeleteError } = await loadModule(() => import('./s3-conditional.js'), signal);
      throw staleDeleteError(writer, key, ifMatch, current?.etag);
    }
    headers.set('if-match', ifMatchValue(writer, ifMatch));
  }

  // S3 returns 204 whether or not the key existed; some servers return 404.
  await writer.send({ method: 'DELETE', key, headers, signal, absentOn404: true });
}

/**
 * True for the failures of a conditional PUT that s3-conditional.ts must
 * look into: a ConflictError, and a 404 for If-Match on a missing key (AWS)
 * but not for a missing bucket. Any other failure is reported as it is.
 */
function mayBeConditionFailure(error: unknown, options: PutOptions): boolean {
  if (error instanceof ConflictError) return true;
  return options.ifMatch !== undefined && error instanceof NoDBError && error.status === 404 && !(error instanceof BucketNotFoundError);
}

/** Returns an If-Match value in the form the store's server accepts. */
export function ifMatchValue(writer: ObjectWriter, etag: string): string {
  return writer.unquotedIfMatch ? etagValue(etag) : quoteEtag(etag);
}
