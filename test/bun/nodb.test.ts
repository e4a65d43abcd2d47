// The built package in Bun, against s3rver and Ceph RGW started in Node.
import * as nodb from '../../dist/index.js';
import { registerNodeTests } from '../runtimes/node-test.js';

registerNodeTests(nodb);
