import { MemoryStore } from '../../src/index.js';
import { storeContract } from './store-contract.js';

storeContract('MemoryStore', { conditionalWrites: true, binaryKeyOrder: true, longSegments: true }, async () => ({ store: new MemoryStore() }));
