/**
 * The rule for the responses that S3 requests succeed with, shared by
 * S3Transport and PresignedStore. It is in a module of its own because
 * PresignedStore must not load the transport and its signer.
 */

/**
 * True for the responses a request succeeds with: 2xx, 304, and a 404 for a
 * missing object when the request accepts that (`absentOn404`). A 404 for a
 * missing bucket is never accepted.
 */
export function isAccepted(status: number, body: Uint8Array, absentOn404: boolean | undefined): boolean {
  if ((status >= 200 && status < 300) || status === 304) return true;
  return status === 404 && absentOn404 === true && !new TextDecoder().decode(body).includes('<Code>NoSuchBucket</Code>');
}
