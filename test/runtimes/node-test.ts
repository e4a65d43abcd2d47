/**
 * Registers the runtime cases with `node:test`, which both Deno and Bun
 * implement: their harnesses stay one import and one call.
 */
import { env } from 'node:process';
import { test } from 'node:test';
import { connectionCases, type NodbLibrary, parseTargets, recordCases, s3RecordContext } from './cases.js';

/** Registers every record and connection case against the servers in NODB_RUNTIME_TARGETS. */
export function registerNodeTests(lib: NodbLibrary): void {
  const targets = parseTargets(env.NODB_RUNTIME_TARGETS, 'NODB_RUNTIME_TARGETS');
  const records = s3RecordContext(lib, targets.s3);
  const connection = { lib, targets, hidesResponsesWithoutCors: false };

  for (const testCase of recordCases) test(`s3rver: ${testCase.name}`, () => testCase.run(records));
  for (const testCase of connectionCases) test(`connection: ${testCase.name}`, () => testCase.run(connection));
}
