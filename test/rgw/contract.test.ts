import { storeContract } from '../contract/store-contract.js';
import { createRgwBucket } from '../helpers/rgw.js';

storeContract('S3Store on Ceph RGW', { conditionalWrites: true, binaryKeyOrder: true, longSegments: true }, async () => ({
  store: await createRgwBucket('contract'),
}));
