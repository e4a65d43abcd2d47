// PresignedStore with createSigner called as a function, on s3rver. s3rver
// ignores If-Match and If-None-Match on PUT, lists keys in the order of its
// files and cannot store a key segment longer than a file name, so those
// cases run on Ceph RGW (test/rgw/presigned-contract.test.ts).
import { PresignedStore, type PresignFunction } from '../../src/index.js';
import { createSigner } from '../../src/signer-entry.js';
import { S3RVER_CREDENTIALS, startS3rver } from '../helpers/s3rver.js';
import { storeContract } from './store-contract.js';

storeContract('PresignedStore on s3rver', { conditionalWrites: false, binaryKeyOrder: false, longSegments: false }, async () => {
  const server = await startS3rver();
  await server.createBucket('presigned');
  const handler = createSigner({
    bucket: 'presigned',
    endpoint: server.endpoint,
    credentials: S3RVER_CREDENTIALS,
    prefix: '',
    methods: ['GET', 'HEAD', 'PUT', 'DELETE', 'LIST'],
  });

  // The app's function form: the handler runs in this process, with no HTTP server between.
  const signer: PresignFunction = async (request) => {
    const response = await handler(
      new Request('http://127.0.0.1/sign', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(request),
      }),
    );
    if (!response.ok) throw new Error(`The signer responded with ${response.status}: ${await response.text()}`);
    return (await response.json()) as { url: string };
  };

  return { store: new PresignedStore({ signer, bucket: 'presigned' }), stop: () => server.stop() };
});
