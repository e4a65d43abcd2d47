/**
 * The Ceph RGW server of this test run. scripts/test.mjs starts one RGW per
 * run and passes its address and keys in NODB_RGW_* variables; every RGW test
 * file makes its own bucket on it.
 */
import { S3Store, type S3StoreOptions } from '../../src/index.js';

export interface RgwServer {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
}

/** Returns the run's RGW, or throws when the runner did not start one. */
export function rgwServer(): RgwServer {
  const endpoint = process.env.NODB_RGW_ENDPOINT;
  const accessKeyId = process.env.NODB_RGW_ACCESS_KEY_ID;
  const secretAccessKey = process.env.NODB_RGW_SECRET_ACCESS_KEY;
  if (!endpoint || !accessKeyId || !secretAccessKey) {
    throw new Error(
      'No Ceph RGW for these tests: NODB_RGW_ENDPOINT, NODB_RGW_ACCESS_KEY_ID and NODB_RGW_SECRET_ACCESS_KEY ' +
        'are not set. Run them through `npm test` (or `node scripts/test.mjs rgw`), which starts RGW.',
    );
  }
  return { endpoint, region: process.env.NODB_RGW_REGION ?? 'us-east-1', credentials: { accessKeyId, secretAccessKey } };
}

/** Creates a fresh bucket named after `label` and returns a store for it. */
export async function createRgwBucket(label: string, options: Partial<S3StoreOptions> = {}): Promise<S3Store> {
  const server = rgwServer();
  const bucket = `${label}-${crypto.randomUUID().slice(0, 8)}`;
  const store = new S3Store({ bucket, endpoint: server.endpoint, region: server.region, credentials: server.credentials, ...options });
  await store.ensureBucket();
  return store;
}

/** Opens another client on the same bucket, as a second process would. */
export function reopen(store: S3Store, options: Partial<S3StoreOptions> = {}): S3Store {
  const server = rgwServer();
  return new S3Store({ bucket: store.bucket, endpoint: server.endpoint, region: server.region, credentials: server.credentials, ...options });
}
