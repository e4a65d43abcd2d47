/**
 * Steps shared by the Playwright tests of the demo: connecting in each mode,
 * opening records, and reading the bucket directly to check what the page did.
 */
import { fileURLToPath } from 'node:url';
import { expect, type Page } from '@playwright/test';

export const SCREENSHOTS = fileURLToPath(new URL('../test-results/screenshots/', import.meta.url));

/** Prefix of the demo's record keys. */
export const RECORD_PREFIX = '.nodb/';

export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run these tests through playwright.config.ts, whose global setup sets it.`);
  return value;
}

/** Saves a screenshot of a main screen as a test artifact. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${SCREENSHOTS}${name}.png`, fullPage: true });
}

/** Waits until the page shows the count of all records and the first rows. */
export async function expectRecordsListed(page: Page): Promise<void> {
  const count = await storedCount();
  await expect(page.locator('#record-count')).toHaveText(`${count} records`);
  await expect(page.locator('#record-list > li')).toHaveCount(Math.min(count, 50));
  await expect(page.locator('#page-range')).toHaveText(`1–${Math.min(count, 50)} of ${count}`);
  await expect(page.locator('#error-banner')).toBeHidden();
}

/** Opens the demo on the s3rver dev stack in local mode, the default. */
export async function openLocal(page: Page, url = requiredEnv('NODB_DEMO_URL')): Promise<void> {
  await page.goto(url);
}

export interface TypedKeys {
  endpoint: string;
  region?: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
}

/** Chooses the access-keys mode and connects with `keys`, typed as a user would. */
export async function connectWithKeys(page: Page, keys: TypedKeys): Promise<void> {
  await page.getByLabel('Access keys').check();
  await page.locator('#cred-endpoint').fill(keys.endpoint);
  await page.locator('#cred-region').fill(keys.region ?? 'us-east-1');
  await page.locator('#cred-bucket').fill(keys.bucket);
  await typeKeys(page, keys);
}

/** Types the access key id and secret, and connects: the fields a reload leaves empty. */
export async function typeKeys(page: Page, keys: { accessKeyId: string; secretAccessKey: string }): Promise<void> {
  await page.locator('#cred-access-key').fill(keys.accessKeyId);
  await page.locator('#cred-secret').fill(keys.secretAccessKey);
  await page.locator('#form-credentials button[type="submit"]').click();
}

/** Chooses the presigned mode and connects to the signer at `signerUrl`. */
export async function connectPresigned(page: Page, signerUrl = '/sign'): Promise<void> {
  await page.getByLabel('Presigned signer').check();
  await page.locator('#signer-url').fill(signerUrl);
  await page.locator('#form-presigned button[type="submit"]').click();
}

/** Opens the record with index value `id` through "Open by exact id". */
export async function findRecord(page: Page, id: string): Promise<void> {
  await page.locator('#find-id').fill(id);
  await page.locator('#find-form button[type="submit"]').click();
  await expect(page.locator('#meta-key')).toHaveText(`${RECORD_PREFIX}${id}`);
  await expect(page.locator('#find-status')).toHaveText(`Opened ${RECORD_PREFIX}${id}.`);
}

export async function editorObject(page: Page): Promise<Record<string, unknown>> {
  return JSON.parse(await page.locator('#editor').inputValue()) as Record<string, unknown>;
}

/** Replaces the editor's object with `change(obj)` and presses Save. */
export async function editAndSave(page: Page, change: (obj: Record<string, unknown>) => void): Promise<void> {
  const obj = await editorObject(page);
  change(obj);
  await page.locator('#editor').fill(JSON.stringify(obj, null, 2));
  await page.locator('#save').click();
}

/** Deletes the open record: Cancel first, then confirm. */
export async function deleteOpenRecord(page: Page, id: string): Promise<void> {
  await page.locator('#delete').click();
  await expect(page.locator('#confirm-delete')).toBeVisible();
  await expect(page.locator('#confirm-id')).toHaveText(id);
  await page.locator('#confirm-no').click();
  await expect(page.locator('#confirm-delete')).toBeHidden();
  expect((await readStored(`${RECORD_PREFIX}${id}`)).status).toBe(200);

  await page.locator('#delete').click();
  await page.locator('#confirm-yes').click();
  await expect(page.locator('#detail-body')).toBeHidden();
}

/** Reads an object straight from s3rver, which accepts unsigned requests, bypassing the page. */
export async function readStored(key: string): Promise<{ status: number; etag: string | null; text: string }> {
  const url = `${requiredEnv('NODB_DEMO_ENDPOINT')}/${requiredEnv('NODB_DEMO_BUCKET')}/${encodeURIComponent(key)}`;
  const response = await fetch(url);
  return { status: response.status, etag: response.headers.get('etag'), text: await response.text() };
}

/** Counts the records in the s3rver bucket with unsigned ListObjectsV2 requests. */
export async function storedCount(): Promise<number> {
  const bucketUrl = `${requiredEnv('NODB_DEMO_ENDPOINT')}/${requiredEnv('NODB_DEMO_BUCKET')}`;
  let count = 0;
  let token: string | undefined;
  do {
    const query = new URLSearchParams({ 'list-type': '2', prefix: RECORD_PREFIX });
    if (token) query.set('continuation-token', token);
    const xml = await (await fetch(`${bucketUrl}?${query}`)).text();
    count += xml.match(/<Key>/g)?.length ?? 0;
    token = /<NextContinuationToken>([^<]+)<\/NextContinuationToken>/.exec(xml)?.[1];
  } while (token);
  return count;
}
