/**
 * Whether the code runs in a browser, in a module of its own so that error
 * messages can ask without loading the S3 transport and its signer.
 */

/**
 * True in browsers and their workers. Their fetch has an HTTP cache, which
 * fetchOnce turns off with `cache: 'no-store'` only there, because older
 * Cloudflare Workers reject that option. s3-errors.ts also uses it to name
 * CORS in a NetworkError, because browsers hide error responses without CORS headers.
 */
export const IN_BROWSER = typeof (globalThis as { document?: unknown }).document !== 'undefined' ||
  typeof (globalThis as { importScripts?: unknown }).importScripts === 'function';
