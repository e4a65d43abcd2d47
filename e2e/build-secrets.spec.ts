/**
 * No secret may ship in the built page: the global setup ran `vite build`,
 * and this test searches every file of the output for the dev servers' keys
 * and for anything shaped like a secret.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { expect, test } from '@playwright/test';
import { requiredEnv } from './demo-helpers.ts';

/** Patterns of credentials in general, whatever the server. */
const SECRET_PATTERNS: Array<[string, RegExp]> = [
  ['an AWS access key id', /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/],
  ['a 40-character secret access key', /(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/],
  ['a secretAccessKey with a literal value', /secretAccessKey["']?\s*[:=]\s*["'`][^"'`]+["'`]/],
  ['a session token with a literal value', /sessionToken["']?\s*[:=]\s*["'`][^"'`]+["'`]/],
  ['a private key', /-----BEGIN [A-Z ]*PRIVATE KEY-----/],
];

async function listFiles(dir: string): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await listFiles(path)));
    else files.push(path);
  }
  return files;
}

test('built assets carry no secret', async () => {
  const buildDir = requiredEnv('NODB_DEMO_BUILD_DIR');
  const files = await listFiles(buildDir);
  const names = files.map((file) => relative(buildDir, file));
  expect(names).toContain('index.html');
  expect(names.some((name) => /^assets\/index-[\w-]+\.js$/.test(name))).toBe(true);

  const knownSecrets = [
    ['the s3rver key id and secret', 'S3RVER'],
    ['the RGW access key id', requiredEnv('NODB_RGW_ACCESS_KEY_ID')],
    ['the RGW secret access key', requiredEnv('NODB_RGW_SECRET_ACCESS_KEY')],
  ];

  let scanned = 0;
  for (const file of files) {
    const text = await readFile(file, 'utf8');
    scanned += text.length;
    const name = relative(buildDir, file);
    for (const [what, secret] of knownSecrets) expect(text.includes(secret!), `${name} contains ${what}`).toBe(false);
    for (const [what, pattern] of SECRET_PATTERNS) expect(text.match(pattern)?.[0], `${name} contains ${what}`).toBeUndefined();
  }
  // The page itself is in the scan: NoDB and aws4fetch make up tens of kilobytes.
  expect(scanned).toBeGreaterThan(50_000);
});

test('secret search finds planted keys', () => {
  // The patterns must match what they are meant to find, or the test above proves nothing.
  const planted = 'const c={accessKeyId:"AKIAIOSFODNN7EXAMPLE",secretAccessKey:"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}';
  const found = SECRET_PATTERNS.filter(([, pattern]) => pattern.test(planted)).map(([what]) => what);
  expect(found).toEqual(['an AWS access key id', 'a 40-character secret access key', 'a secretAccessKey with a literal value']);
});
