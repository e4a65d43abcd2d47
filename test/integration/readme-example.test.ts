/**
 * The README's first example, run as a user would: `node examples/quickstart.mjs`
 * against a real S3 server, importing the package by its name.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { startS3rver } from '../helpers/s3rver.js';

const root = new URL('../../', import.meta.url);
const example = readFileSync(new URL('examples/quickstart.mjs', root), 'utf8');

it('README shows the example verbatim', () => {
  const readme = readFileSync(new URL('README.md', root), 'utf8');
  expect(readme).toContain(example.trim());
});

it('quickstart example runs', async () => {
  const server = await startS3rver();
  try {
    await server.createBucket('nodb-demo');
    const { stdout } = await promisify(execFile)(process.execPath, ['examples/quickstart.mjs'], {
      cwd: root,
      env: { ...process.env, NODB_ENDPOINT: server.endpoint },
    });

    expect(stdout).toMatch(/^saved under \.nodb\/[0-9a-f]{64}$/m);
    expect(stdout).toContain("loaded { id: 'ada', name: 'Ada Lovelace', born: 1815 }");
    expect(stdout).toContain('missing null');
    expect(stdout).toContain('records in the bucket: 1');
    expect(stdout).toContain('exists after delete: false');
  } finally {
    await server.stop();
  }
}, 60_000);
