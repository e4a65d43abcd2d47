import { defineConfig } from 'vitest/config';

/** Test files that start s3rver; every other file runs without a server. */
const S3RVER_FILES = [
  'test/contract/s3rver.test.ts',
  'test/contract/presigned-s3rver.test.ts',
  'test/integration/s3rver.test.ts',
  'test/integration/bucket-setup.test.ts',
  'test/integration/codecs-s3rver.test.ts',
  'test/integration/faults.test.ts',
  'test/integration/readme-example.test.ts',
];

const ALL_FILES = ['test/unit/**/*.test.ts', 'test/contract/**/*.test.ts', 'test/integration/**/*.test.ts'];

// Two projects, so that the test runner can report counts per server.
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: { name: 'memory', include: ALL_FILES, exclude: S3RVER_FILES },
      },
      {
        extends: true,
        test: { name: 's3rver', include: S3RVER_FILES },
      },
    ],
  },
});
