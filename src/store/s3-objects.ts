/**
 * Object requests for every store that speaks the S3 REST API, in one place.
 * S3Store signs its requests and PresignedStore requests URLs from a signer,
 * but the headers they send and the way they read responses are the same.
 * Conditional writes (s3-conditional.ts), metadata checks and error messages
 * load only when a request needs them.
 */
import { quoteEtag } from './etag.js';
import { readAttributes } from './object-headers.js';
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

/** Writes an object; with `ifMatch` or `ifNoneMatch`, s3-conditional.ts makes it a conditional write. */
export async function putObject(
  writer: ObjectWriter,
  key: string,
  body: Uint8Array,
  options: PutOptions,
): Promise<{ etag: string }> {
  const headers = new Headers({ 'content-type': options.contentType ?? 'application/octet-stream' });
  if (options.metadata !== undefined) {
    const { setMetadataHeaders } = await import('./metadata.js');
    setMetadataHeaders(headers, options.metadata, key);
  }

  let response: S3Response;
  if (options.ifMatch === undefined && options.ifNoneMatch === undefined) {
    response = await writer.send({ method: 'PUT', key, headers, body, signal: options.signal });
  } else {
    const { putConditionally } = await import('./s3-conditional.js');
    response = await putConditionally(writer, key, body, headers, options);
  }

  const etag = response.headers.get('etag');
  if (etag !== null) return { etag };
  const { missingEtagError } = await import('./s3-errors.js');
  throw missingEtagError(key, writer.description, writer.bucket);
}

/** Deletes an object; a missing one is not an error. */
export async function deleteObject(writer: ObjectWriter, key: string, options: DeleteOptions): Promise<void> {
  let headers: Headers | undefined;
  if (options.ifMatch !== undefined) {
    const { deleteCondition } = await import('./s3-conditional.js');
    headers = await deleteCondition(writer, key, options.ifMatch, options.signal);
  }

  // S3 returns 204 whether or not the key existed; some servers return 404.
  await writer.send({ method: 'DELETE', key, headers, signal: options.signal, absentOn404: true });
}
