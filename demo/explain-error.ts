/**
 * Turns an error into a headline with the next step for the reader, for the
 * error banner.
 * The library's own message follows it as the detail.
 */
import {
  AccessDeniedError,
  BucketNotFoundError,
  ConflictError,
  DecodeError,
  EncodeError,
  InvalidIndexError,
  InvalidOptionsError,
  NetworkError,
  NoDBError,
  ProtocolError,
} from '../src/index.ts';
import type { Connection } from './connection.ts';
import { bucketUrlOf, diagnoseBucket } from './diagnose.ts';

export interface Explanation {
  headline: string;
  /** The error as `Name: message`. */
  detail: string;
}

/** Explains `error`; for a NetworkError it probes the bucket first, so it may take a moment. */
export async function explainError(error: unknown, connection: Connection | undefined): Promise<Explanation> {
  const detail = describeError(error);
  return { headline: await headlineFor(error, connection), detail };
}

/** Formats an error as `Name: message`. NoDBError.is also matches NoDB errors from another realm. */
export function describeError(error: unknown): string {
  if (NoDBError.is(error) || error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

async function headlineFor(error: unknown, connection: Connection | undefined): Promise<string> {
  const presigned = connection?.mode === 'presigned';

  if (AccessDeniedError.is(error)) {
    if (presigned && /^the signer/i.test(error.message)) {
      return 'Access denied: the signer rejected this request.';
    }
    return presigned
      ? "Access denied: the server rejected the presigned URL. Check the signer's credentials and clock."
      : 'Access denied: the server rejected the credentials. Check the access key id, the secret access key and the session token.';
  }
  if (InvalidOptionsError.is(error) && presigned && /^the signer/i.test(error.message)) {
    return 'The signer did not accept the request. Check the signer URL.';
  }
  if (BucketNotFoundError.is(error)) {
    return `The bucket does not exist at this endpoint. Check the bucket name and the endpoint, or create the bucket.`;
  }
  if (ConflictError.is(error)) {
    return 'Someone else changed this record first. Nothing was overwritten.';
  }
  if (NetworkError.is(error) && connection) return explainNetworkError(connection);
  if (ProtocolError.is(error)) return 'The server returned a response this client cannot use.';
  if (InvalidIndexError.is(error) || EncodeError.is(error)) return 'This record cannot be saved as it is.';
  if (DecodeError.is(error)) return 'A stored object is not a record this page can read.';
  return 'The request failed.';
}

async function explainNetworkError(connection: Connection): Promise<string> {
  const failed = connection.failures.last;
  if (connection.signerUrl !== undefined && failed === connection.signerUrl) {
    return `The signer at ${connection.signerUrl} could not be reached. Check its URL, and that the server behind it is running.`;
  }

  const bucketUrl = connection.bucketUrl ?? (failed === undefined ? undefined : bucketUrlOf(failed));
  if (bucketUrl === undefined) return 'No response arrived. Check the endpoint, and that the server is running.';

  const credentialsOwner = connection.mode === 'presigned' ? "the signer's" : 'the';
  switch (await diagnoseBucket(bucketUrl)) {
    case 'signature-rejected':
      return (
        `The server rejected the request's signature. The bucket responds to this page with CORS headers, but the ` +
        `signed request got no readable response, which is how Ceph RGW responds to a wrong access key id or secret ` +
        `access key (or to an expired session token, or a clock more than 15 minutes off). ` +
        `Check ${credentialsOwner} credentials.`
      );
    case 'no-cors':
      return (
        `The server sent no CORS headers for this page's origin (${location.origin}), so the browser hid its response. ` +
        `Either the bucket has no CORS rule for this origin (set one, for instance with ` +
        `S3Store.putCors({ origins: ['${location.origin}'] })), or the bucket does not exist: servers send no CORS ` +
        `headers for a missing bucket.`
      );
    case 'unreachable':
      return `No server responded at ${new URL(bucketUrl).origin}. Check the endpoint, and that the server is running.`;
  }
}
