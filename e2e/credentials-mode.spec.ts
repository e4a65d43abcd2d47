/**
 * The built demo with access keys typed into the page. The full record
 * workflow runs on s3rver (this file edits and deletes ping:001). Ceph RGW,
 * which verifies signatures and conditions, shows the messages for a wrong
 * secret, a conflicting save and a CORS rule that hides the ETag. s3rver
 * shows those for a missing bucket and a bucket without a CORS rule.
 */
import { type AddressInfo, createServer } from 'node:net';
import { expect, test } from '@playwright/test';
import { S3Store, type StoredObject } from '../src/index.ts';
import {
  RECORD_PREFIX,
  connectWithKeys,
  deleteOpenRecord,
  editAndSave,
  editorObject,
  expectRecordsListed,
  findRecord,
  openLocal,
  readStored,
  requiredEnv,
  screenshot,
  storedCount,
  typeKeys,
} from './demo-helpers.ts';

const RECORD_ID = 'ping:001';
const RECORD_KEY = `${RECORD_PREFIX}${RECORD_ID}`;
const EDITED_ZEN = 'Edited by the Playwright test of the access-keys mode.';

/** s3rver's well-known keys; it checks the key id but not the signature. */
const S3RVER_KEYS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

const s3rverKeys = () => ({ endpoint: requiredEnv('NODB_DEMO_ENDPOINT'), bucket: requiredEnv('NODB_DEMO_BUCKET'), ...S3RVER_KEYS });

function rgwKeys(bucket: string, secretAccessKey = requiredEnv('NODB_RGW_SECRET_ACCESS_KEY')) {
  return {
    endpoint: requiredEnv('NODB_RGW_ENDPOINT'),
    region: process.env.NODB_RGW_REGION ?? 'us-east-1',
    bucket,
    accessKeyId: requiredEnv('NODB_RGW_ACCESS_KEY_ID'),
    secretAccessKey,
  };
}

/** Opens an S3Store in this test process, as a second user of the RGW bucket would. */
function rgwStore(bucket: string): S3Store {
  const keys = rgwKeys(bucket);
  return new S3Store({ bucket, endpoint: keys.endpoint, region: keys.region, credentials: keys });
}

test.describe.configure({ mode: 'serial' });

test('keeps typed keys in memory only', async ({ page }) => {
  await openLocal(page);
  await connectWithKeys(page, s3rverKeys());
  await expectRecordsListed(page);
  await expect(page.locator('#connection')).toContainText('keys typed into this page, kept in memory only');
  await screenshot(page, 'credentials-list');

  const storage = await page.evaluate(() => ({ local: localStorage.length, session: sessionStorage.length, cookies: document.cookie }));
  expect(storage).toEqual({ local: 0, session: 0, cookies: '' });
  expect(page.url()).not.toContain(S3RVER_KEYS.secretAccessKey);
  expect(page.url()).toContain('mode=credentials');

  // After a reload the keys are gone, but the endpoint and the bucket are filled in.
  await page.reload();
  await expect(page.locator('#form-credentials')).toBeVisible();
  await expect(page.locator('#cred-endpoint')).toHaveValue(requiredEnv('NODB_DEMO_ENDPOINT'));
  await expect(page.locator('#cred-bucket')).toHaveValue(requiredEnv('NODB_DEMO_BUCKET'));
  await expect(page.locator('#cred-access-key')).toHaveValue('');
  await expect(page.locator('#cred-secret')).toHaveValue('');
  await expect(page.locator('#workspace')).toBeHidden();
  await screenshot(page, 'credentials-form');
});

test('edits, reloads and deletes a record', async ({ page }) => {
  await openLocal(page);
  await connectWithKeys(page, s3rverKeys());
  await expectRecordsListed(page);
  const before = await storedCount();

  await findRecord(page, RECORD_ID);
  const stored = await readStored(RECORD_KEY);
  await expect(page.locator('#envelope')).toHaveText(stored.text);
  await expect(page.locator('#meta-etag')).toHaveText(stored.etag ?? 'missing ETag');
  await screenshot(page, 'credentials-record');

  await editAndSave(page, (obj) => {
    (obj.payload as Record<string, unknown>).zen = EDITED_ZEN;
  });
  await expect(page.locator('#status')).toContainText(`Saved ${RECORD_KEY}`);
  expect((await readStored(RECORD_KEY)).text).toContain(EDITED_ZEN);

  await page.reload();
  await typeKeys(page, S3RVER_KEYS);
  await expectRecordsListed(page);
  await findRecord(page, RECORD_ID);
  expect(((await editorObject(page)).payload as Record<string, unknown>).zen).toBe(EDITED_ZEN);

  await deleteOpenRecord(page, RECORD_ID);
  await expect(page.locator('#record-count')).toHaveText(`${before - 1} records`);
  expect((await readStored(RECORD_KEY)).status).toBe(404);
});

test('explains an unknown access key id', async ({ page }) => {
  // s3rver checks the key id, and sends CORS headers with its 403, so the page can read it.
  await openLocal(page);
  await connectWithKeys(page, { ...s3rverKeys(), accessKeyId: 'UNKNOWNKEY' });

  await expect(page.locator('#error-headline')).toHaveText(
    'Access denied: the server rejected the credentials. Check the access key id, the secret access key and the session token.',
  );
  await expect(page.locator('#error-text')).toContainText('AccessDeniedError: ');
  await expect(page.locator('#error-text')).toContainText('the access key id "UNKNOWNKEY" is not known to the server');
  await screenshot(page, 'credentials-unknown-key');
});

test('explains a wrong secret on RGW', async ({ page }) => {
  await openLocal(page);
  await connectWithKeys(page, rgwKeys(requiredEnv('NODB_E2E_RGW_BUCKET'), 'wrong-secret-key'));

  await expect(page.locator('#error-headline')).toContainText("The server rejected the request's signature", { timeout: 30_000 });
  await expect(page.locator('#error-headline')).toContainText('Check the credentials.');
  await screenshot(page, 'credentials-wrong-secret');

  // The same bucket with the right secret works, so the message named the real cause.
  await page.locator('#cred-secret').fill(requiredEnv('NODB_RGW_SECRET_ACCESS_KEY'));
  await page.locator('#form-credentials button[type="submit"]').click();
  await expect(page.locator('#record-count')).toHaveText('4 records');
  await expect(page.locator('#error-banner')).toBeHidden();
});

test('explains a conflicting save on RGW', async ({ page }) => {
  const bucket = requiredEnv('NODB_E2E_RGW_BUCKET');
  await openLocal(page);
  await connectWithKeys(page, rgwKeys(bucket));
  await expect(page.locator('#record-count')).toHaveText('4 records');
  await findRecord(page, 'ping:002');

  // Someone else saves the record after the page opened it.
  const other = rgwStore(bucket);
  const current = await other.get(`${RECORD_PREFIX}ping:002`);
  if (current === null || !current.modified) throw new Error('The RGW bucket lacks ping:002.');
  const theirs = new TextDecoder().decode(current.body).replace('"zen": "', '"zen": "Saved by someone else. ');
  await other.put(`${RECORD_PREFIX}ping:002`, new TextEncoder().encode(theirs), { contentType: 'application/json' });

  await editAndSave(page, (obj) => {
    (obj.payload as Record<string, unknown>).zen = 'My edit, which must not overwrite theirs.';
  });
  await expect(page.locator('#conflict')).toBeVisible();
  await expect(page.locator('#conflict-text')).toContainText('Not saved: someone else saved this record after you opened it');
  await expect(page.locator('#status')).toBeHidden();
  expect(((await editorObject(page)).payload as Record<string, unknown>).zen).toBe('My edit, which must not overwrite theirs.');
  await screenshot(page, 'credentials-conflict');

  const after = await other.get(`${RECORD_PREFIX}ping:002`);
  expect(after?.modified).toBe(true);
  expect(new TextDecoder().decode((after as StoredObject).body)).toBe(theirs);

  await page.locator('#conflict-reload').click();
  await expect(page.locator('#conflict')).toBeHidden();
  expect(((await editorObject(page)).payload as Record<string, unknown>).zen).toMatch(/^Saved by someone else\. /);
});

test('explains an ETag hidden by CORS', async ({ page }) => {
  const bucket = requiredEnv('NODB_E2E_RGW_HIDDEN_ETAG_BUCKET');
  await openLocal(page);
  await connectWithKeys(page, rgwKeys(bucket));
  await expect(page.locator('#record-count')).toHaveText('1 record');
  await findRecord(page, 'ping:000');
  await expect(page.locator('#meta-etag')).toHaveText('(not readable: the CORS rule does not expose ETag)');

  await editAndSave(page, (obj) => {
    obj.note = 'saved without a readable ETag';
  });
  await expect(page.locator('#error-text')).toContainText(
    "ProtocolError: The PUT of \".nodb/ping:000\" to bucket \"" + bucket,
  );
  await expect(page.locator('#error-text')).toContainText("the bucket's CORS rule must expose the ETag header");
  await screenshot(page, 'credentials-hidden-etag');

  // The write itself went through; only its ETag was hidden from the page.
  const stored = await rgwStore(bucket).get(`${RECORD_PREFIX}ping:000`);
  expect(stored?.modified).toBe(true);
  expect(new TextDecoder().decode((stored as StoredObject).body)).toContain('saved without a readable ETag');
});

test('explains a missing bucket', async ({ page }) => {
  await openLocal(page);
  await connectWithKeys(page, { ...s3rverKeys(), bucket: 'no-such-bucket' });

  const headline = page.locator('#error-headline');
  await expect(headline).toContainText('The server sent no CORS headers for this page', { timeout: 30_000 });
  await expect(headline).toContainText('or the bucket does not exist');
  await screenshot(page, 'credentials-missing-bucket');
});

test('explains a bucket without CORS', async ({ page }) => {
  await openLocal(page);
  await connectWithKeys(page, { ...s3rverKeys(), bucket: requiredEnv('NODB_DEMO_NO_CORS_BUCKET') });

  const headline = page.locator('#error-headline');
  await expect(headline).toContainText('The server sent no CORS headers for this page', { timeout: 30_000 });
  await expect(headline).toContainText('Either the bucket has no CORS rule for this origin');
  await expect(headline).toContainText('S3Store.putCors');
  await expect(page.locator('#error-text')).toContainText('NetworkError');
});

test('explains an unreachable endpoint', async ({ page }) => {
  const endpoint = `http://127.0.0.1:${await closedPort()}`;
  await openLocal(page);
  await connectWithKeys(page, { ...s3rverKeys(), endpoint });
  await expect(page.locator('#error-headline')).toHaveText(
    `No server responded at ${endpoint}. Check the endpoint, and that the server is running.`,
    { timeout: 30_000 },
  );
});

/** Returns a port on 127.0.0.1 that nothing listens on: bound once, then released. */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
