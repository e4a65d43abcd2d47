/**
 * Object attributes read from S3 response headers, for stores that speak the
 * S3 REST API without importing S3Store (and with it aws4fetch).
 */
import type { ObjectHead, ObjectMetadata } from './types.js';

/**
 * Metadata that identifies one conditional PUT, so that a repeat of it can
 * tell "my earlier attempt already wrote this" from a real conflict. Both S3
 * stores write it, and s3-conditional.ts checks it for both. Reads strip it
 * from the metadata they return.
 */
export const WRITE_ID_METADATA = 'nodb-write-id';

/** Reads the attributes that GET and HEAD responses share. */
export function readAttributes(headers: Headers): Pick<ObjectHead, 'etag' | 'metadata' | 'lastModified' | 'contentType'> {
  return {
    etag: headers.get('etag') ?? '',
    metadata: readMetadata(headers),
    lastModified: readDate(headers.get('last-modified')),
    contentType: headers.get('content-type') ?? undefined,
  };
}

/** Returns the `x-amz-meta-*` headers as metadata, without the write id. */
export function readMetadata(headers: Headers): ObjectMetadata {
  const metadata: ObjectMetadata = {};
  headers.forEach((value, name) => {
    const field = name.startsWith('x-amz-meta-') ? name.slice('x-amz-meta-'.length) : undefined;
    if (field !== undefined && field !== WRITE_ID_METADATA) metadata[field] = value;
  });
  return metadata;
}

/** Parses an HTTP date header; undefined when it is missing or invalid. */
export function readDate(value: string | null): Date | undefined {
  if (value === null) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
