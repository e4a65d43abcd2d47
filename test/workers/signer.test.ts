// createSigner's handler and PresignedStore inside workerd, on the built package,
// against Ceph RGW reached through workerd's outbound fetch.
import { describe, inject, it } from 'vitest';
import * as nodb from '../../dist/index.js';
import * as signerLib from '../../dist/signer-entry.js';
import { parseTargets } from '../runtimes/cases.js';
import { signerCases } from '../runtimes/signer-cases.js';

describe('signer in workerd', () => {
  const targets = parseTargets(inject('nodbTargets'), 'The provided nodbTargets');
  const context = { lib: nodb, signerLib, target: targets.verifying };
  for (const testCase of signerCases) it(testCase.name, () => testCase.run(context));
});
