/**
 * The SigV4 timestamp, which signed requests (s3-transport.ts) and presigned
 * URLs (s3-presign.ts) both need. Both load on demand, so it has a file of
 * its own. That way neither pulls in the other, and it stays out of the
 * up-front code.
 */

/** Formats a time as SigV4's `YYYYMMDDTHHMMSSZ`. */
export function amzDate(time: number): string {
  return new Date(time).toISOString().replace(/[:-]|\.\d{3}/g, '');
}
