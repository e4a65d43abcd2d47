import { MemoryStore } from '../../src/index.js';
import { concurrencySuite } from './concurrency-suite.js';

// Every client shares one MemoryStore, as processes share one bucket.
concurrencySuite('MemoryStore', async () => {
  const store = new MemoryStore();
  return { openStore: () => store };
});
