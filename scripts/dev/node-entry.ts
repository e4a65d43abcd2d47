/**
 * The TypeScript half of the dev stack, bundled by esbuild when the stack
 * starts (see load-typescript.mjs), because Node 20 cannot run TypeScript.
 */

// Loading the test helper patches s3rver's FilesystemStore so that keys with
// empty, "." or ".." segments keep distinct file paths. The dev server needs
// the same fix as the tests, and stack.mjs checks that the patch is in place.
import '../../test/helpers/s3rver.js';

export { exampleRecords, importExamples } from './examples.js';
export type { ExampleRecord, ImportResult, ImportTarget } from './examples.js';
export { SIGNER_PATH, demoSignerMiddleware } from './demo-signer.js';
export type { DemoSignerSettings } from './demo-signer.js';
export { NoDB, S3Store } from '../../src/index.js';
