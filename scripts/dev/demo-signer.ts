/**
 * The demo's signer endpoint: createSigner for the records of one bucket,
 * served at /sign of the page's own server, so that the page's presigned
 * mode needs no other server.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Credentials } from '../../src/index.js';
import { createSigner } from '../../src/signer-entry.js';
import { fetchMiddleware } from '../../test/helpers/serve-fetch.js';

export interface DemoSignerSettings {
  endpoint: string;
  bucket: string;
  region?: string;
  credentials: Credentials;
}

/** Path of the signer on the page's server. */
export const SIGNER_PATH = '/sign';

/** The prefix of NoDB's records, the only keys the demo's signer signs. */
const RECORD_PREFIX = '.nodb/';

/** Seconds a demo URL stays valid: each one is used at once. */
const EXPIRES_IN = 120;

/**
 * Returns a Connect middleware that responds to POST /sign with presigned URLs
 * for the records in `settings.bucket`: every operation, under ".nodb/" only.
 */
export function demoSignerMiddleware(
  settings: DemoSignerSettings,
): (req: IncomingMessage, res: ServerResponse, next: () => void) => void {
  const handler = createSigner({
    ...settings,
    prefix: RECORD_PREFIX,
    methods: ['GET', 'HEAD', 'PUT', 'DELETE', 'LIST'],
    expiresIn: EXPIRES_IN,
  });
  return fetchMiddleware(SIGNER_PATH, handler);
}
