/**
 * The built demo in local mode (keys from the dev server's /config.json):
 * paging, opening, editing, rejecting invalid input and deleting records in
 * Chromium. The tests run in order on the s3rver bucket that the global setup
 * filled with the webhook examples; this file edits and deletes ping:000.
 */
import { expect, test } from '@playwright/test';
import {
  RECORD_PREFIX,
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

const RECORD_ID = 'ping:000';
const RECORD_KEY = `${RECORD_PREFIX}${RECORD_ID}`;
const EDITED_ZEN = 'Edited by the Playwright test of local mode.';

test.describe.configure({ mode: 'serial' });

test('lists pages of records with a count', async ({ page }) => {
  await openLocal(page);
  await expectRecordsListed(page);
  await expect(page.locator('#connection')).toContainText('keys from /config.json');
  const total = await storedCount();
  const row = page.locator('.record-row[data-id="check_run:completed:001"]');
  await expect(row.locator('.event')).toHaveText('check_run');
  await expect(row.locator('.action')).toHaveText('completed');
  await screenshot(page, 'local-list');

  await page.locator('#page-size').selectOption('25');
  await expect(page.locator('#record-list > li')).toHaveCount(25);
  await expect(page.locator('#page-range')).toHaveText(`1–25 of ${total}`);
  await expect(page.locator('#page-previous')).toBeDisabled();
  const firstPage = await page.locator('.record-row').first().getAttribute('data-key');

  await page.locator('#page-next').click();
  await expect(page.locator('#page-range')).toHaveText(`26–50 of ${total}`);
  await expect(page.locator('#record-list > li')).toHaveCount(25);
  const secondPage = await page.locator('.record-row').first().getAttribute('data-key');
  expect(secondPage! > firstPage!).toBe(true);
  await screenshot(page, 'local-second-page');

  await page.locator('#page-previous').click();
  await expect(page.locator('#page-range')).toHaveText(`1–25 of ${total}`);
  await expect(page.locator('.record-row').first()).toHaveAttribute('data-key', firstPage!);

  await page.locator('#search').fill('check_run');
  const visible = await page.locator('#record-list > li:visible').count();
  expect(visible).toBeGreaterThan(0);
  expect(visible).toBeLessThan(25);
  await expect(page.locator('#filter-status')).toHaveText(`${visible} of 25 on this page match`);
});

test('walks to the last page', async ({ page }) => {
  await openLocal(page);
  await expectRecordsListed(page);
  const total = await storedCount();
  await page.locator('#page-size').selectOption('100');

  const pages = Math.ceil(total / 100);
  for (let i = 1; i < pages; i++) await page.locator('#page-next').click();
  await expect(page.locator('#page-range')).toHaveText(`${(pages - 1) * 100 + 1}–${total} of ${total}`);
  await expect(page.locator('#page-next')).toBeDisabled();
  await expect(page.locator('#record-list > li')).toHaveCount(total - (pages - 1) * 100);
});

test('opens a record with its key and envelope', async ({ page }) => {
  await openLocal(page);
  await expectRecordsListed(page);
  await findRecord(page, RECORD_ID);

  const stored = await readStored(RECORD_KEY);
  expect(stored.status).toBe(200);
  await expect(page.locator('#envelope')).toHaveText(stored.text);
  await expect(page.locator('#envelope')).toContainText('{"serializer": "json", "dt": ');
  await expect(page.locator('#meta-size')).toHaveText(`${Buffer.byteLength(stored.text).toLocaleString('en-US')} bytes`);
  await expect(page.locator('#meta-etag')).toHaveText(stored.etag ?? 'missing ETag');
  await expect(page.locator('#meta-uuid')).toHaveText(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  await expect(page.locator('#meta-dt')).toHaveText(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{6})?$/);

  const obj = await editorObject(page);
  expect(obj.id).toBe(RECORD_ID);
  expect(obj.event).toBe('ping');
  expect(obj.action).toBeNull();
  await screenshot(page, 'local-record');

  await page.locator('.record-row[data-id="branch_protection_rule:created:001"]').click();
  await expect(page.locator('#meta-key')).toHaveText(`${RECORD_PREFIX}branch_protection_rule:created:001`);

  await page.locator('#find-id').fill('no_such_id');
  await page.locator('#find-form button[type="submit"]').click();
  await expect(page.locator('#find-status')).toHaveText(`No record has the id "no_such_id" (its key would be ${RECORD_PREFIX}no_such_id).`);
});

test('rejects invalid JSON and writes nothing', async ({ page }) => {
  await openLocal(page);
  await expectRecordsListed(page);
  await findRecord(page, RECORD_ID);
  const before = await readStored(RECORD_KEY);

  const writes: string[] = [];
  page.on('request', (request) => {
    if (request.method() === 'PUT' || request.method() === 'DELETE') writes.push(`${request.method()} ${request.url()}`);
  });

  await page.locator('#editor').fill('{"id": "ping:000", "event": ');
  await page.locator('#save').click();
  const validation = page.locator('#validation');
  await expect(validation).toContainText('Invalid JSON');
  await expect(validation).toContainText('Nothing was saved.');
  await screenshot(page, 'local-invalid-json');

  await page.locator('#editor').fill('["not", "an", "object"]');
  await page.locator('#save').click();
  await expect(validation).toContainText('A record must be a JSON object');

  expect(writes).toEqual([]);
  const after = await readStored(RECORD_KEY);
  expect(after.etag).toBe(before.etag);
  expect(after.text).toBe(before.text);
});

test('shows a library error in the banner', async ({ page }) => {
  await openLocal(page);
  await expectRecordsListed(page);
  await findRecord(page, RECORD_ID);
  const before = await readStored(RECORD_KEY);

  // Valid JSON without the index field: NoDB rejects it before any request.
  await page.locator('#editor').fill('{"event": "ping"}');
  await page.locator('#save').click();

  const banner = page.locator('#error-banner');
  await expect(banner).toBeVisible();
  await expect(page.locator('#error-headline')).toHaveText('This record cannot be saved as it is.');
  await expect(page.locator('#error-text')).toContainText('InvalidIndexError: The index field "id" is missing');
  await screenshot(page, 'local-library-error');

  await page.locator('#error-dismiss').click();
  await expect(banner).toBeHidden();
  expect((await readStored(RECORD_KEY)).etag).toBe(before.etag);
});

test('saves an edit that survives a reload', async ({ page }) => {
  await openLocal(page);
  await expectRecordsListed(page);
  await findRecord(page, RECORD_ID);
  const uuidBefore = await page.locator('#meta-uuid').textContent();

  await editAndSave(page, (obj) => {
    (obj.payload as Record<string, unknown>).zen = EDITED_ZEN;
  });
  await expect(page.locator('#status')).toContainText(`Saved ${RECORD_KEY}`);
  await expect(page.locator('#error-banner')).toBeHidden();
  await expect(page.locator('#meta-uuid')).not.toHaveText(uuidBefore ?? '');
  expect((await readStored(RECORD_KEY)).text).toContain(EDITED_ZEN);
  await screenshot(page, 'local-saved');

  await page.reload();
  await expectRecordsListed(page);
  await findRecord(page, RECORD_ID);
  expect(((await editorObject(page)).payload as Record<string, unknown>).zen).toBe(EDITED_ZEN);
  await expect(page.locator('#envelope')).toContainText(EDITED_ZEN);
});

test('deletes a record after confirmation', async ({ page }) => {
  await openLocal(page);
  await expectRecordsListed(page);
  const before = await storedCount();
  await findRecord(page, RECORD_ID);

  await deleteOpenRecord(page, RECORD_ID);
  await expect(page.locator('#record-count')).toHaveText(`${before - 1} records`);
  await expect(page.locator('#error-banner')).toBeHidden();
  expect((await readStored(RECORD_KEY)).status).toBe(404);
  await screenshot(page, 'local-deleted');

  await page.reload();
  await expectRecordsListed(page);
  await page.locator('#find-id').fill(RECORD_ID);
  await page.locator('#find-form button[type="submit"]').click();
  await expect(page.locator('#find-status')).toContainText(`No record has the id "${RECORD_ID}"`);
});

test('explains a wrong secret on RGW', async ({ page }) => {
  // This server's /config.json names the RGW bucket with a wrong secret key.
  await openLocal(page, requiredEnv('NODB_DEMO_WRONG_SECRET_URL'));

  await expect(page.locator('#error-headline')).toContainText("The server rejected the request's signature", { timeout: 30_000 });
  await expect(page.locator('#error-headline')).toContainText('Check the credentials.');
  await expect(page.locator('#error-text')).toContainText('NetworkError');
  await screenshot(page, 'local-wrong-secret');
});
