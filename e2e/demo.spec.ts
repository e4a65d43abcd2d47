/**
 * The demo page against the dev stack: listing, opening, editing, rejecting
 * invalid JSON and deleting records in a real browser. The tests run in order
 * on one bucket that the global setup filled with the 329 webhook examples.
 */
import { fileURLToPath } from 'node:url';
import { expect, test, type Page } from '@playwright/test';

const SCREENSHOTS = fileURLToPath(new URL('../test-results/screenshots/', import.meta.url));

const EXAMPLE_COUNT = 329;
const RECORD_ID = 'ping:000';
const RECORD_KEY = '.nodb/ping:000';
const EDITED_ZEN = 'Edited by the Playwright test of the demo.';

test.describe.configure({ mode: 'serial' });

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run these tests through playwright.config.ts, whose global setup sets it.`);
  return value;
}

/** Opens the demo and waits until every record is listed. */
async function openDemo(page: Page, count = EXAMPLE_COUNT): Promise<void> {
  await page.goto(requiredEnv('NODB_DEMO_URL'));
  await expect(page.locator('#record-count')).toHaveText(`${count} records`);
}

async function openRecord(page: Page, id: string): Promise<void> {
  await page.locator(`.record-row[data-id="${id}"]`).click();
  await expect(page.locator('#meta-key')).toHaveText(`.nodb/${id}`);
}

async function editorObject(page: Page): Promise<Record<string, unknown>> {
  return JSON.parse(await page.locator('#editor').inputValue()) as Record<string, unknown>;
}

/** Reads the stored object straight from s3rver, which accepts unsigned requests, bypassing the page. */
async function readStored(key: string): Promise<{ status: number; etag: string | null; text: string }> {
  const url = `${requiredEnv('NODB_DEMO_ENDPOINT')}/${requiredEnv('NODB_DEMO_BUCKET')}/${encodeURIComponent(key)}`;
  const response = await fetch(url);
  return { status: response.status, etag: response.headers.get('etag'), text: await response.text() };
}

test('lists all 329 records', async ({ page }) => {
  await openDemo(page);

  await expect(page.locator('#record-list > li')).toHaveCount(EXAMPLE_COUNT);
  await expect(page.locator('#error-banner')).toBeHidden();
  const row = page.locator(`.record-row[data-id="${RECORD_ID}"]`);
  await expect(row.locator('.event')).toHaveText('ping');
  await expect(row.locator('.action')).toHaveText('—');
  await expect(page.locator('.record-row[data-id="check_run:completed:001"] .action')).toHaveText('completed');
  await page.screenshot({ path: `${SCREENSHOTS}list.png` });

  await page.locator('#search').fill('ping:');
  await expect(page.locator('#record-count')).toHaveText(`4 of ${EXAMPLE_COUNT} records`);
  await expect(page.locator('#record-list > li:visible')).toHaveCount(4);
  await page.screenshot({ path: `${SCREENSHOTS}search.png` });
});

test('opens a record with its key and envelope', async ({ page }) => {
  await openDemo(page);
  await openRecord(page, RECORD_ID);

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
  expect(obj.ordinal).toBe(0);
  await page.screenshot({ path: `${SCREENSHOTS}record.png` });
});

test('saves an edited field that survives a reload', async ({ page }) => {
  await openDemo(page);
  await openRecord(page, RECORD_ID);
  const uuidBefore = await page.locator('#meta-uuid').textContent();

  const obj = await editorObject(page);
  (obj.payload as Record<string, unknown>).zen = EDITED_ZEN;
  await page.locator('#editor').fill(JSON.stringify(obj, null, 2));
  await page.locator('#save').click();

  await expect(page.locator('#status')).toContainText(`Saved ${RECORD_KEY}`);
  await expect(page.locator('#error-banner')).toBeHidden();
  await expect(page.locator('#meta-uuid')).not.toHaveText(uuidBefore ?? '');
  expect((await readStored(RECORD_KEY)).text).toContain(EDITED_ZEN);
  await page.screenshot({ path: `${SCREENSHOTS}saved.png` });

  await page.reload();
  await expect(page.locator('#record-count')).toHaveText(`${EXAMPLE_COUNT} records`);
  await openRecord(page, RECORD_ID);
  const reloaded = await editorObject(page);
  expect((reloaded.payload as Record<string, unknown>).zen).toBe(EDITED_ZEN);
  await expect(page.locator('#envelope')).toContainText(EDITED_ZEN);
});

test('rejects invalid JSON and writes nothing', async ({ page }) => {
  await openDemo(page);
  await openRecord(page, RECORD_ID);
  const before = await readStored(RECORD_KEY);

  const writes: string[] = [];
  page.on('request', (request) => {
    if (request.method() === 'PUT' || request.method() === 'DELETE') writes.push(`${request.method()} ${request.url()}`);
  });

  await page.locator('#editor').fill('{"id": "ping:000", "event": ');
  await page.locator('#save').click();

  const validation = page.locator('#validation');
  await expect(validation).toBeVisible();
  await expect(validation).toContainText('Invalid JSON');
  await expect(validation).toContainText('Nothing was saved.');
  await page.screenshot({ path: `${SCREENSHOTS}invalid-json.png` });

  await page.locator('#editor').fill('["not", "an", "object"]');
  await page.locator('#save').click();
  await expect(validation).toContainText('A record must be a JSON object');

  expect(writes).toEqual([]);
  const after = await readStored(RECORD_KEY);
  expect(after.etag).toBe(before.etag);
  expect(after.text).toBe(before.text);
});

test('shows a library error in the banner', async ({ page }) => {
  await openDemo(page);
  await openRecord(page, RECORD_ID);
  const before = await readStored(RECORD_KEY);

  // Valid JSON without the index field: NoDB rejects it before any request.
  await page.locator('#editor').fill('{"event": "ping"}');
  await page.locator('#save').click();

  const banner = page.locator('#error-banner');
  await expect(banner).toBeVisible();
  await expect(banner).toContainText('InvalidIndexError: The index field "id" is missing');
  await page.screenshot({ path: `${SCREENSHOTS}library-error.png` });

  await page.locator('#error-dismiss').click();
  await expect(banner).toBeHidden();
  expect((await readStored(RECORD_KEY)).etag).toBe(before.etag);
});

test('deletes a record after confirmation', async ({ page }) => {
  await openDemo(page);
  await openRecord(page, RECORD_ID);

  await page.locator('#delete').click();
  await expect(page.locator('#confirm-delete')).toBeVisible();
  await expect(page.locator('#confirm-id')).toHaveText(RECORD_ID);
  await page.locator('#confirm-no').click();
  await expect(page.locator('#confirm-delete')).toBeHidden();
  expect((await readStored(RECORD_KEY)).status).toBe(200);

  await page.locator('#delete').click();
  await page.screenshot({ path: `${SCREENSHOTS}confirm-delete.png` });
  await page.locator('#confirm-yes').click();

  await expect(page.locator('#record-count')).toHaveText(`${EXAMPLE_COUNT - 1} records`);
  await expect(page.locator(`.record-row[data-id="${RECORD_ID}"]`)).toHaveCount(0);
  await expect(page.locator('#detail-body')).toBeHidden();
  await expect(page.locator('#error-banner')).toBeHidden();
  expect((await readStored(RECORD_KEY)).status).toBe(404);
  await page.screenshot({ path: `${SCREENSHOTS}deleted.png` });

  await openDemo(page, EXAMPLE_COUNT - 1);
});
