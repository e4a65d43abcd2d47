// The built package inside workerd: NoDB over fetch to s3rver and Ceph RGW, and over the
// Miniflare R2 binding through R2BindingStore.
import { env } from 'cloudflare:workers';
import * as nodb from '../../dist/index.js';
import { registerVitestCases } from '../runtimes/vitest-cases.js';

registerVitestCases(nodb, {
  hidesResponsesWithoutCors: false,
  stores: { 'the R2 binding': () => new nodb.R2BindingStore(env.NODB_BUCKET, { name: 'NODB_BUCKET' }) },
});
