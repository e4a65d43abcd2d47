/**
 * Object requests for every store that speaks the S3 REST API, in one place.
 * S3Store signs its requests and PresignedStore requests URLs from a signer,
 * but the headers they send and the way they read responses are the same.
 */
import { ConflictError, ProtocolError } from '../errors.js';
import { etagValue, quoteEtag, sameEtag } from './etag.js';
import { checkMetadata } from './metadata.js';
import { WRITE_ID_METADATA, readDate, readMetadata } from './object-headers.js';
import type { S3Request, S3Response } from './s3-transport.js';
import type { DeleteOptions, GetOptions, ObjectHead, PutOptions, StoredObject, Unmodified } from './types.js';

/** A request on one object: the store derives its URL from the key. */
export type ObjectRequest = Omit<S3Request, 'url'> & { key: string };

/**
 * The form in which a store sends If-Match ETags: quoted, as HTTP specifies,
 * until a server (Ceph RGW 16) shows that it only accepts them unquoted.
 */
export class IfMatchForm {
  #unquoted = false;

  value(etag: string): string {
    return this.#unquoted ? etagValue(etag) : quoteEtag(etag);
  }

  /** Sends ETags unquoted from now on; returns false when it already did. */
  switchToUnquoted(): boolean {
    if (this.#unquoted) return false;
    this.#unquoted = true;
    return true;
  }
}

/** The parts of a store that the shared requests use. */
export interface ObjectWriter {
  readonly description: string;
  readonly bucket: string | undefined;
  readonly ifMatch: IfMatchForm;
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

  const etag = response.headers.get('etag') ?? '';
  if (response.status === 304) return { modified: false, key, etag: etag || quoteEtag(options.ifNoneMatch ?? '') };

  return {
    modified: true,
    key,
    body: response.body,
    etag,
    metadata: readMetadata(response.headers),
    lastModified: readDate(response.headers.get('last-modified')),
    contentType: response.headers.get('content-type') ?? undefined,
  };
}

/** Reads an object's attributes from the headers of a successful HEAD. */
export function headFromResponse(key: string, response: S3Response): ObjectHead {
  return {
    key,
    etag: response.headers.get('etag') ?? '',
    size: Number(response.headers.get('content-length') ?? '0'),
    metadata: readMetadata(response.headers),
    lastModified: readDate(response.headers.get('last-modified')),
    contentType: response.headers.get('content-type') ?? undefined,
  };
}

/** Writes an object, with the write id that lets a repeated conditional PUT recognise itself. */
export async function putObject(
  writer: ObjectWriter,
  key: string,
  body: Uint8Array,
  options: PutOptions,
): Promise<{ etag: string }> {
  checkMetadata(options.metadata, key);
  const conditional = options.ifMatch !== undefined || options.ifNoneMatch !== undefined;
  const writeId = conditional ? crypto.randomUUID() : undefined;

  const headers = new Headers({ 'content-type': options.contentType ?? 'application/octet-stream' });
  for (const [name, value] of Object.entries(options.metadata ?? {})) headers.set(`x-amz-meta-${name}`, value);
  if (writeId) headers.set(`x-amz-meta-${WRITE_ID_METADATA}`, writeId);
  if (options.ifNoneMatch !== undefined) headers.set('if-none-match', options.ifNoneMatch);
  if (options.ifMatch !== undefined) headers.set('if-match', writer.ifMatch.value(options.ifMatch));

  const unanswered = { value: false };
  let response: S3Response;
  try {
    response = await writer.send({ method: 'PUT', key, headers, body, signal: options.signal, unanswered });
  } catch (error) {
    if (!conditional) throw error;
    // Loaded on this rare path only, to keep it out of the core bundle.
    const { resolveConditionalFailure } = await import('./s3-conditional.js');
    response = await resolveConditionalFailure(error, {
      key,
      writeId: writeId!,
      unanswered: unanswered.value,
      headers,
      body,
      options,
      description: writer.description,
      bucket: writer.bucket ?? '',
      send: (request) => writer.send(request),
      switchToUnquotedIfMatch: () => writer.ifMatch.switchToUnquoted(),
    });
  }

  const etag = response.headers.get('etag');
  if (etag === null) {
    // Browsers hide response headers that the bucket's CORS rule does not expose.
    throw new ProtocolError(
      `The PUT of "${key}" to ${writer.description} succeeded, but its response has no readable ETag. ` +
        `If this runs in a browser, the bucket's CORS rule must expose the ETag header.`,
      { key, bucket: writer.bucket },
    );
  }
  return { etag };
}

/** Deletes an object; a missing one is not an error. */
export async function deleteObject(writer: ObjectWriter, key: string, options: DeleteOptions): Promise<void> {
  const headers = new Headers();

  if (options.ifMatch !== undefined) {
    // Ceph RGW 16 ignores If-Match on DELETE, so check the ETag first as well.
    // NOTE: on such servers a write between this HEAD and the DELETE is lost;
    // servers that honour the header (AWS) still reject that case atomically.
    const current = await writer.head(key, { signal: options.signal });
    if (current === null || !sameEtag(current.etag, options.ifMatch)) {
      throw new ConflictError(
        `The delete of "${key}" in ${writer.description} was skipped: its ETag is no longer ${options.ifMatch}.`,
        { key, bucket: writer.bucket, status: 412, s3Code: 'PreconditionFailed' },
      );
    }
    headers.set('if-match', writer.ifMatch.value(options.ifMatch));
  }

  // S3 returns 204 whether or not the key existed; some servers return 404.
  await writer.send({ method: 'DELETE', key, headers, signal: options.signal, absentOn404: true });
}
