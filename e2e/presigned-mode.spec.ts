/**
 * The built demo in presigned mode: the page has no keys and gets a URL
 * from the signer at /sign for every request. The full record workflow runs
 * on s3rver (this file edits and deletes ping:002), and a signer with a wrong
 * secret on Ceph RGW shows its message.
 */
import { expect, test, type Page, type Request } from '@playwright/test';
import {
  RECORD_PREFIX,
  connectPresigned,
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
} from './demo-helpers.ts';

const RECORD_ID = 'ping:002';
const RECORD_KEY = `${RECORD_PREFIX}${RECORD_ID}`;
const EDITED_ZEN = 'Edited by the Playwright test of the presigned mode.';

test.describe.configure({ mode: 'serial' });

/** Records the requests the page sends to the S3 server (not to its own origin). */
function watchS3Requests(page: Page): Request[] {
  const requests: Request[] = [];
  const s3 = new URL(requiredEnv('NODB_DEMO_ENDPOINT')).origin;
  page.on('request', (request) => {
    if (new URL(request.url()).origin === s3) requests.push(request);
  });
  return requests;
}

test('lists records through presigned URLs', async ({ page }) => {
  // The page opens in local mode; watch only what the presigned mode sends.
  await openLocal(page);
  await expectRecordsListed(page);
  const s3Requests = watchS3Requests(page);
  const signerCalls: string[] = [];
  page.on('request', (request) => {
    if (new URL(request.url()).pathname === '/sign') signerCalls.push(request.method());
  });

  await connectPresigned(page);
  await expectRecordsListed(page);
  await expect(page.locator('#connection')).toHaveText(
    `presigned URLs from the signer at ${new URL('/sign', requiredEnv('NODB_DEMO_URL')).href}; this page has no keys`,
  );
  await screenshot(page, 'presigned-list');

  expect(s3Requests.length).toBeGreaterThan(50);
  expect(signerCalls.length).toBe(s3Requests.length);
  expect(new Set(signerCalls)).toEqual(new Set(['POST']));
  for (const request of s3Requests) {
    const headers = await request.allHeaders();
    expect(headers.authorization, request.url()).toBeUndefined();
    expect(new URL(request.url()).searchParams.get('X-Amz-Signature'), request.url()).toMatch(/^[0-9a-f]{64}$/);
  }
  expect(page.url()).toContain('mode=presigned');
});

test('edits, reloads and deletes a record', async ({ page }) => {
  await openLocal(page);
  await connectPresigned(page);
  await expectRecordsListed(page);
  const before = await storedCount();

  await findRecord(page, RECORD_ID);
  const stored = await readStored(RECORD_KEY);
  await expect(page.locator('#envelope')).toHaveText(stored.text);
  await expect(page.locator('#meta-etag')).toHaveText(stored.etag ?? 'missing ETag');
  await screenshot(page, 'presigned-record');

  const s3Requests = watchS3Requests(page);
  await editAndSave(page, (obj) => {
    (obj.payload as Record<string, unknown>).zen = EDITED_ZEN;
  });
  await expect(page.locator('#status')).toContainText(`Saved ${RECORD_KEY}`);
  expect((await readStored(RECORD_KEY)).text).toContain(EDITED_ZEN);
  await screenshot(page, 'presigned-saved');

  // The save was conditional, and the condition was signed into its URL.
  const put = s3Requests.find((request) => request.method() === 'PUT');
  expect(put).toBeDefined();
  const signedHeaders = new URL(put!.url()).searchParams.get('X-Amz-SignedHeaders')!.split(';');
  expect(signedHeaders).toEqual(expect.arrayContaining(['content-type', 'host', 'if-match', 'x-amz-meta-nodb-write-id']));
  expect((await put!.allHeaders())['if-match']).toBe(stored.etag);

  // The fragment keeps the mode, so the reload connects through the signer again.
  await page.reload();
  await expectRecordsListed(page);
  await findRecord(page, RECORD_ID);
  expect(((await editorObject(page)).payload as Record<string, unknown>).zen).toBe(EDITED_ZEN);

  await deleteOpenRecord(page, RECORD_ID);
  await expect(page.locator('#record-count')).toHaveText(`${before - 1} records`);
  expect((await readStored(RECORD_KEY)).status).toBe(404);
  await screenshot(page, 'presigned-deleted');
});

test('explains a wrong signer URL', async ({ page }) => {
  await openLocal(page);
  await connectPresigned(page, '/no-signer-here');
  await expect(page.locator('#error-headline')).toHaveText('The signer did not accept the request. Check the signer URL.');
  await expect(page.locator('#error-text')).toContainText('InvalidOptionsError');
  await expect(page.locator('#error-text')).toContainText('/no-signer-here rejected LIST with prefix ".nodb/" with 404');
});

test('explains a wrong signer secret on RGW', async ({ page }) => {
  // This server's signer signs for the RGW bucket with a wrong secret key.
  await openLocal(page, `${requiredEnv('NODB_DEMO_WRONG_SECRET_URL')}#mode=presigned&signer=%2Fsign`);

  await expect(page.locator('#error-headline')).toContainText("The server rejected the request's signature", { timeout: 30_000 });
  await expect(page.locator('#error-headline')).toContainText("Check the signer's credentials.");
  await expect(page.locator('#error-text')).toContainText('through a presigned URL');
  await screenshot(page, 'presigned-wrong-secret');
});
