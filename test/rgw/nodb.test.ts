import { createRgwBucket } from '../helpers/rgw.js';
import { nodbSuite } from '../integration/nodb-suite.js';

nodbSuite('Ceph RGW', { binaryKeyOrder: true }, async () => ({ store: await createRgwBucket('nodb') }));
