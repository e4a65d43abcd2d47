import { createRgwBucket, reopen } from '../helpers/rgw.js';
import { concurrencySuite } from '../integration/concurrency-suite.js';

concurrencySuite('Ceph RGW', async () => {
  const store = await createRgwBucket('concurrency');
  return { openStore: () => reopen(store) };
});
