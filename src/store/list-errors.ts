/**
 * Errors for listings that a server got wrong. Stores load this module only
 * when one occurs.
 */
import { ProtocolError } from '../errors.js';
import type { ListProblem } from './s3-xml.js';

/** Builds the error for an unusable ListObjectsV2 response. */
export function listProblemError(problem: ListProblem, description: string): ProtocolError {
  const listing = `The listing of ${description}`;
  switch (problem.problem) {
    case 'not-a-listing':
      return new ProtocolError(`${listing} is not a ListBucketResult document.`);
    case 'incomplete':
      return new ProtocolError(
        `${listing} is incomplete: it has no <IsTruncated> or no closing tag. The response was cut off; try again.`,
      );
    case 'entry-without-key':
      return new ProtocolError(`${listing} has an entry without a <Key>.`);
    case 'invalid-key-encoding':
      return new ProtocolError(`${listing} has a key that is not valid URL encoding: "${problem.key}".`);
    case 'truncated-without-token':
      return new ProtocolError(
        `${listing} is marked truncated but has no continuation token, so the remaining keys cannot be read. ` +
          `The server is not S3-compatible here.`,
      );
  }
}

/** Error for a listing that returned a key outside the requested prefix. */
export function keyOutsidePrefixError(description: string, prefix: string, key: string): ProtocolError {
  return new ProtocolError(
    `The listing of ${description} for prefix "${prefix}" returned the key "${key}", which is outside it. ` +
      `Report this to the server's operators.`,
  );
}

/** Error for a listing that returned a continuation token a second time, and so would never end. */
export function repeatedTokenError(description: string): ProtocolError {
  return new ProtocolError(
    `The listing of ${description} returned a continuation token it had returned before, ` +
      `so it would never end. Report this to the server's operators.`,
  );
}
