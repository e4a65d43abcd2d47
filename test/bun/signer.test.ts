// createSigner's handler and PresignedStore in Bun, on the built package, against
// Ceph RGW started in Node.
import { env } from 'node:process';
import { test } from 'node:test';
import * as nodb from '../../dist/index.js';
import * as signerLib from '../../dist/signer-entry.js';
import { parseTargets } from '../runtimes/cases.js';
import { signerCases } from '../runtimes/signer-cases.js';

const targets = parseTargets(env.NODB_RUNTIME_TARGETS, 'NODB_RUNTIME_TARGETS');
const context = { lib: nodb, signerLib, target: targets.verifying };
for (const testCase of signerCases) test(`signer: ${testCase.name}`, () => testCase.run(context));
