/**
 * The Ceph RGW side of the Playwright tests: RGW verifies signatures, so the
 * wrong-key, conflict and hidden-ETag cases run there. The buckets get their
 * CORS rule from S3Store.putCors, as an app's setup script would write it.
 */
import type * as NodeEntry from '../scripts/dev/node-entry.js';

export interface RgwTarget {
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
}

/** Records imported into the RGW buckets: the ping examples, enough for the cases there. */
const RECORD_PREFIX = 'ping:';

/** Returns the RGW that scripts/test.mjs started, from its NODB_RGW_* variables. */
export function rgwFromEnvironment(): RgwTarget {
  const { NODB_RGW_ENDPOINT, NODB_RGW_ACCESS_KEY_ID, NODB_RGW_SECRET_ACCESS_KEY, NODB_RGW_REGION } = process.env;
  if (!NODB_RGW_ENDPOINT || !NODB_RGW_ACCESS_KEY_ID || !NODB_RGW_SECRET_ACCESS_KEY) {
    throw new Error(
      'The Playwright tests need Ceph RGW: NODB_RGW_ENDPOINT, NODB_RGW_ACCESS_KEY_ID and NODB_RGW_SECRET_ACCESS_KEY ' +
        'are not set. Run them with `node scripts/test.mjs playwright`, which starts RGW, or start one with ' +
        '`node scripts/rgw/run.mjs` and export its values.',
    );
  }
  return {
    endpoint: NODB_RGW_ENDPOINT,
    region: NODB_RGW_REGION ?? 'us-east-1',
    accessKeyId: NODB_RGW_ACCESS_KEY_ID,
    secretAccessKey: NODB_RGW_SECRET_ACCESS_KEY,
  };
}

/**
 * Creates `bucket` with a CORS rule for `origins` and the ping examples in
 * it, and `hiddenEtagBucket`, whose CORS rule exposes no ETag, with one of
 * them.
 */
export async function setUpRgwBuckets(
  entry: typeof NodeEntry,
  rgw: RgwTarget,
  origins: string[],
  buckets: { bucket: string; hiddenEtagBucket: string },
): Promise<void> {
  const records = entry.exampleRecords().filter((record) => record.id.startsWith(RECORD_PREFIX));
  const options = (bucket: string) => ({
    bucket,
    endpoint: rgw.endpoint,
    region: rgw.region,
    credentials: { accessKeyId: rgw.accessKeyId, secretAccessKey: rgw.secretAccessKey },
  });

  const store = new entry.S3Store(options(buckets.bucket));
  await store.ensureBucket();
  await store.putCors({ origins });
  const db = new entry.NoDB<NodeEntry.ExampleRecord>({ store, humanReadableIndexes: true });
  for (const record of records) await db.save(record);

  const hidden = new entry.S3Store(options(buckets.hiddenEtagBucket));
  await hidden.ensureBucket();
  await hidden.putCors({ origins, exposeHeaders: ['x-amz-request-id'] });
  await new entry.NoDB<NodeEntry.ExampleRecord>({ store: hidden, humanReadableIndexes: true }).save(records[0]!);
}
