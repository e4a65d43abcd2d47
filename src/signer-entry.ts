/**
 * The `nodb/signer` entry: a signer endpoint for servers and edge functions.
 * It needs credentials, so it stays out of the main entry, which browser
 * apps import.
 */
export { DEFAULT_SIGNER_METHODS, createSigner } from './signer.js';
export type { SignerHandler, SignerOperation, SignerOptions } from './signer.js';
export type { PresignListQuery, PresignMethod, PresignRequest, PresignedRequest } from './store/presign-request.js';
