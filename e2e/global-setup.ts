/**
 * Starts the demo's dev stack on free ports with a throwaway data directory,
 * and passes its URLs to the tests through environment variables.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDevStack } from '../scripts/dev/stack.mjs';

export default async function globalSetup(): Promise<() => Promise<void>> {
  const dataDir = await mkdtemp(join(tmpdir(), 'nodb-e2e-'));
  let stack;
  try {
    stack = await startDevStack({ dataDir, s3Port: 0, webPort: 0 });
  } catch (error) {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }

  // Workers inherit the environment of the runner, which runs this setup.
  process.env.NODB_DEMO_URL = stack.url;
  process.env.NODB_DEMO_ENDPOINT = stack.endpoint;
  process.env.NODB_DEMO_BUCKET = stack.bucket;

  return async () => {
    await stack.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
}
