/**
 * Registers the runtime cases with vitest, for the suites that run inside a
 * browser or workerd. The servers' addresses come from the global setup
 * (scripts/runtimes/vitest-global-setup.mjs) through `inject`.
 */
import { describe, inject, it } from 'vitest';
import type { ObjectStore } from '../../dist/index.js';
import {
  connectionCases,
  type NodbLibrary,
  parseTargets,
  recordCases,
  s3RecordContext,
  storeRecordContext,
} from './cases.js';

declare module 'vitest' {
  interface ProvidedContext {
    /** RuntimeTargets as JSON. */
    nodbTargets: string;
  }
}

export interface VitestCaseOptions {
  /** True in browsers, which hide responses without CORS headers. */
  hidesResponsesWithoutCors: boolean;
  /** Stores to run the record cases on besides s3rver, by name, such as an R2 binding. */
  stores?: Record<string, () => ObjectStore>;
}

/** Registers the record cases on s3rver and on each given store, and the connection cases. */
export function registerVitestCases(lib: NodbLibrary, options: VitestCaseOptions): void {
  const targets = parseTargets(inject('nodbTargets'), 'The provided nodbTargets');

  describe('NoDB on s3rver', () => {
    const context = s3RecordContext(lib, targets.s3);
    for (const testCase of recordCases) it(testCase.name, () => testCase.run(context));
  });

  for (const [name, openStore] of Object.entries(options.stores ?? {})) {
    describe(`NoDB on ${name}`, () => {
      for (const testCase of recordCases) it(testCase.name, () => testCase.run(storeRecordContext(lib, openStore())));
    });
  }

  describe('NoDB connections', () => {
    const context = { lib, targets, hidesResponsesWithoutCors: options.hidesResponsesWithoutCors };
    for (const testCase of connectionCases) it(testCase.name, () => testCase.run(context));
  });
}
