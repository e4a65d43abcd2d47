// The ObjectStore contract on R2BindingStore, inside workerd, over Miniflare's R2 simulator.
import { env } from 'cloudflare:workers';
import { R2BindingStore } from '../../src/index.js';
import { storeContract } from '../contract/store-contract.js';

storeContract(
  'R2BindingStore on Miniflare R2',
  { conditionalWrites: true, binaryKeyOrder: true, longSegments: true },
  async () => ({ store: new R2BindingStore(env.NODB_BUCKET, { name: 'NODB_BUCKET' }) }),
);
