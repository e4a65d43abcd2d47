import { MemoryStore } from '../../src/index.js';
import { nodbSuite } from './nodb-suite.js';

nodbSuite('MemoryStore', { binaryKeyOrder: true }, async () => ({ store: new MemoryStore() }));
