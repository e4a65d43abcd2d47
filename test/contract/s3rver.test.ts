// s3rver ignores If-Match and If-None-Match on PUT, lists keys in the order of
// its files rather than UTF-8 binary order, and cannot store a key segment
// longer than a file name. Those cases run on MemoryStore and Ceph RGW.
import { startS3rver } from '../helpers/s3rver.js';
import { storeContract } from './store-contract.js';

storeContract('S3Store on s3rver', { conditionalWrites: false, binaryKeyOrder: false, longSegments: false }, async () => {
  const server = await startS3rver();
  const store = await server.createBucket('contract');
  return { store, stop: () => server.stop() };
});
