/**
 * The nodb demo page: lists every record in the bucket that `npm start`
 * fills, and opens, edits and deletes records through NoDB in the browser.
 */
import { NoDB, decodeEnvelope, type IndexValue, type RecordInfo } from '../src/index.ts';
import { loadConfig } from './config.ts';
import { byId } from './dom.ts';
import { ErrorBanner } from './error-banner.ts';
import { RecordDetail, type StoredRecord } from './record-detail.ts';
import { RecordList, type DemoRecord } from './record-list.ts';

/** Records read between two updates of the loading count. */
const PROGRESS_STEP = 25;

const utf8 = new TextDecoder();
const banner = new ErrorBanner(
  byId('error-banner', HTMLDivElement),
  byId('error-text', HTMLParagraphElement),
  byId('error-dismiss', HTMLButtonElement),
);

start().catch((error: unknown) => banner.show(error));

async function start(): Promise<void> {
  const config = await loadConfig();
  const db = new NoDB<DemoRecord>({ ...config, humanReadableIndexes: true });
  byId('connection', HTMLParagraphElement).textContent =
    `${db.store.description}, access key ${config.credentials.accessKeyId}`;

  // Each refresh or open gets a number, so a slow response that arrives after
  // a newer request started is dropped instead of overwriting newer data.
  let refreshRequest = 0;
  let openRequest = 0;

  const list = new RecordList(
    {
      list: byId('record-list', HTMLUListElement),
      count: byId('record-count', HTMLSpanElement),
      search: byId('search', HTMLInputElement),
    },
    (key) => void reportErrors(() => openRecord(key)),
  );

  const detail = new RecordDetail({
    async save(obj) {
      banner.clear();
      const result = await db.save(obj);
      await refresh();
      await openRecord(result.key);
      detail.showStatus(`Saved ${result.key} at ${result.dt} UTC.`);
    },
    async delete(record) {
      banner.clear();
      await db.delete(indexOf(record, db.index));
      detail.clear();
      list.select(undefined);
      await refresh();
    },
    reportError: (error) => banner.show(error),
  });

  /** Reads every record, across all listing pages, and shows them in key order. */
  async function refresh(): Promise<void> {
    const request = ++refreshRequest;
    const records: RecordInfo<DemoRecord>[] = [];
    list.showLoading(0);

    for await (const record of db.all({ metainfo: true })) {
      if (request !== refreshRequest) return;
      records.push(record);
      if (records.length % PROGRESS_STEP === 0) list.showLoading(records.length);
    }
    if (request === refreshRequest) list.render(records);
  }

  /** Reads the object under `key` and shows it with its raw envelope. */
  async function openRecord(key: string): Promise<void> {
    const request = ++openRequest;
    banner.clear();
    list.select(key);

    const stored = await db.store.get(key);
    if (request !== openRequest) return;
    if (stored === null || !stored.modified) {
      detail.clear();
      list.select(undefined);
      throw new Error(`The object "${key}" no longer exists: it was deleted after the list was read. Press Reload.`);
    }

    const record: StoredRecord = {
      key,
      etag: stored.etag,
      size: stored.body.byteLength,
      text: utf8.decode(stored.body),
      envelope: decodeEnvelope<DemoRecord>(stored.body, key),
    };
    detail.show(record);
  }

  byId('reload', HTMLButtonElement).addEventListener('click', () => void reportErrors(refresh));
  await refresh();
}

/** Runs `action` and shows what it throws in the error banner. */
async function reportErrors(action: () => Promise<void>): Promise<void> {
  try {
    await action();
  } catch (error) {
    banner.show(error);
  }
}

/** Returns the index value of a stored record, which db.delete() needs. */
function indexOf(record: StoredRecord, field: string): IndexValue {
  const value = record.envelope.obj[field];
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') {
    return value;
  }
  throw new Error(
    `The record under "${record.key}" has no usable "${field}" field (got ${JSON.stringify(value)}), ` +
      'so it cannot be deleted by its index.',
  );
}
