/**
 * Diagnosis of a request from this page that got no readable response. A
 * browser hides every response that lacks CORS headers for the page's
 * origin. S3 servers send none for a missing bucket, and Ceph RGW 16 sends
 * none with a rejected signature either. So a NetworkError alone cannot tell
 * a missing CORS rule from wrong keys. Two unsigned probes of the bucket
 * narrow it down.
 */

export type Diagnosis =
  /** The bucket responded to an unsigned probe with CORS headers: CORS works, so the signed request was rejected. */
  | 'signature-rejected'
  /** The server responded, but without CORS headers for this origin: no CORS rule, or no such bucket. */
  | 'no-cors'
  /** Nothing responded at that address. */
  | 'unreachable';

/**
 * Probes the bucket at `bucketUrl` (such as `http://127.0.0.1:9000/my-bucket`)
 * without credentials. A private bucket returns 403 AccessDenied, which is
 * readable when its CORS rule lets this origin in.
 */
export async function diagnoseBucket(bucketUrl: string): Promise<Diagnosis> {
  const probe = `${bucketUrl}?list-type=2&max-keys=0`;
  try {
    const response = await fetch(probe, { cache: 'no-store' });
    await response.body?.cancel();
    return 'signature-rejected';
  } catch {
    // No readable response: find out whether any server responded at all.
  }

  try {
    // An opaque response: unreadable, but it proves that the server responded.
    await fetch(probe, { mode: 'no-cors', cache: 'no-store' });
    return 'no-cors';
  } catch {
    return 'unreachable';
  }
}

/**
 * Returns the bucket URL of a failed presigned request: its origin and first
 * path segment, as for the path-style URLs of a custom endpoint, or only the
 * origin for a virtual-hosted AWS URL.
 */
export function bucketUrlOf(requestUrl: string): string {
  const url = new URL(requestUrl);
  if (/\.s3[.-]/.test(url.hostname) && !url.hostname.startsWith('s3.')) return url.origin;
  const bucket = url.pathname.split('/')[1] ?? '';
  return `${url.origin}/${bucket}`;
}
