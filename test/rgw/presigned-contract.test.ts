// PresignedStore on Ceph RGW, which verifies every presigned signature and
// enforces conditional writes. The signer is createSigner served over HTTP on
// 127.0.0.1, and the store reaches it by URL, as a browser app would.
import { PresignedStore } from '../../src/index.js';
import { createSigner } from '../../src/signer-entry.js';
import { storeContract } from '../contract/store-contract.js';
import { createRgwBucket, rgwServer } from '../helpers/rgw.js';
import { serveFetch } from '../helpers/serve-fetch.js';

storeContract('PresignedStore on Ceph RGW', { conditionalWrites: true, binaryKeyOrder: true, longSegments: true }, async () => {
  const server = rgwServer();
  const bucket = await createRgwBucket('presigned-contract');
  const signer = await serveFetch(
    createSigner({
      bucket: bucket.bucket,
      endpoint: server.endpoint,
      region: server.region,
      credentials: server.credentials,
      prefix: '',
      methods: ['GET', 'HEAD', 'PUT', 'DELETE', 'LIST'],
    }),
  );

  return {
    store: new PresignedStore({ signer: `${signer.origin}/sign`, bucket: bucket.bucket }),
    stop: () => signer.stop(),
  };
});
