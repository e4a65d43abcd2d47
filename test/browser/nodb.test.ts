// The built package in Chromium, bundled by Vite, against s3rver and Ceph RGW over CORS.
import * as nodb from '../../dist/index.js';
import { registerVitestCases } from '../runtimes/vitest-cases.js';

registerVitestCases(nodb, { hidesResponsesWithoutCors: true });
