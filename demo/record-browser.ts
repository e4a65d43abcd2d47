/**
 * The records of one connection: a page of the listing with a count of all
 * records, opening by exact id, and saving and deleting only over the
 * version that was opened (ConflictError when someone else was first).
 */
import { ConflictError, decodeEnvelope, type IndexValue, type ObjectInfo } from '../src/index.ts';
import type { Connection } from './connection.ts';
import type { Pager } from './pager.ts';
import { RecordDetail, type StoredRecord } from './record-detail.ts';
import type { DemoRecord, ListedRecord, RecordList } from './record-list.ts';

/** Objects read at once to fill a page, as many as NoDB's default `concurrency`. */
const CONCURRENCY = 8;

const utf8 = new TextDecoder();

export interface BrowserElements {
  list: RecordList;
  pager: Pager;
  count: HTMLElement;
  findForm: HTMLFormElement;
  findInput: HTMLInputElement;
  findStatus: HTMLElement;
  reload: HTMLButtonElement;
}

export class RecordBrowser {
  readonly #elements: BrowserElements;
  readonly #report: (error: unknown) => void;
  readonly #detail: RecordDetail;
  #connection: Connection | undefined;
  /** Aborts the requests of the connection shown, once another one replaces it. */
  #controller = new AbortController();
  // Each read gets a number, so a slow response that arrives after a newer
  // request started is dropped instead of overwriting newer data.
  #pageRequest = 0;
  #countRequest = 0;
  #openRequest = 0;

  /** `report` shows errors that no panel of the page handles itself. */
  constructor(elements: BrowserElements, report: (error: unknown) => void) {
    this.#elements = elements;
    this.#report = report;
    this.#detail = new RecordDetail({
      save: (record, obj) => this.#save(record, obj),
      delete: (record) => this.#delete(record),
      reopen: (key) => this.open(key),
      reportError: report,
    });

    elements.reload.addEventListener('click', () => void this.#run(() => this.refresh()));
    elements.findForm.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.#run(() => this.#find(elements.findInput.value.trim()));
    });
  }

  /** Shows the records of `connection`, from its first page. */
  async attach(connection: Connection): Promise<void> {
    this.detach();
    this.#controller = new AbortController();
    this.#connection = connection;
    this.#elements.pager.reset();
    this.#elements.pager.showTotal(undefined);
    this.#elements.list.render([]);
    this.#detail.clear();
    this.#setFindStatus('');
    await this.refresh();
  }

  /**
   * Stops showing the current connection: its requests in flight are
   * aborted, and they reject with an AbortError that callers may ignore.
   */
  detach(): void {
    this.#controller.abort(new DOMException('Another connection replaced this one.', 'AbortError'));
    this.#connection = undefined;
  }

  /** Reads the current page and the count again. */
  async refresh(): Promise<void> {
    await Promise.all([this.readPage(), this.#count()]);
  }

  /** Reads the page the pager points at, and the records on it. */
  async readPage(): Promise<void> {
    const { db, signal } = this.#current();
    const request = ++this.#pageRequest;
    const { pager, list } = this.#elements;
    list.showLoading();

    const page = await db.store.listPage({ prefix: db.prefix, pageSize: pager.pageSize, continuationToken: pager.token, signal });
    if (page.objects.length === 0 && pager.back()) {
      // A delete emptied the last page: show the one before it.
      await this.readPage();
      return;
    }
    const records = await mapLimited(page.objects, CONCURRENCY, (info) => readListed(db, info, signal));
    if (request !== this.#pageRequest) return;

    list.render(records);
    pager.showPage(records.length, page.nextToken);
  }

  /** Reads the object under `key` and shows it with its raw envelope. */
  async open(key: string): Promise<void> {
    const { db, signal } = this.#current();
    const request = ++this.#openRequest;
    this.#elements.list.select(key);

    const stored = await db.store.get(key, { signal });
    if (request !== this.#openRequest) return;
    if (stored === null || !stored.modified) {
      this.#detail.clear();
      this.#elements.list.select(undefined);
      throw new Error(`The object "${key}" no longer exists: it was deleted after the list was read. Press Reload.`);
    }

    this.#detail.show({
      key,
      etag: stored.etag,
      size: stored.body.byteLength,
      text: utf8.decode(stored.body),
      envelope: decodeEnvelope<DemoRecord>(stored.body, key),
    });
  }

  async #count(): Promise<void> {
    const { db, signal } = this.#current();
    const request = ++this.#countRequest;
    this.#elements.count.textContent = 'Counting…';

    let total = 0;
    try {
      for await (const _info of db.store.list({ prefix: db.prefix, signal })) total++;
    } catch (error) {
      if (request === this.#countRequest) this.#elements.count.textContent = 'Count not available';
      throw error;
    }
    if (request !== this.#countRequest) return;

    this.#elements.count.textContent = `${total} ${total === 1 ? 'record' : 'records'}`;
    this.#elements.pager.showTotal(total);
  }

  /** Opens the record whose index value is exactly `id`, loaded through NoDB by its index. */
  async #find(id: string): Promise<void> {
    const { db, signal } = this.#current();
    this.#setFindStatus('');
    if (id === '') {
      this.#setFindStatus('Type the exact id of a record, such as ping:000.');
      return;
    }

    const info = await db.load(id, { metainfo: true, signal });
    if (info === undefined) {
      this.#setFindStatus(`No record has the id "${id}" (its key would be ${await db.keyFor(id)}).`);
      return;
    }
    await this.open(info.key);
    this.#setFindStatus(`Opened ${info.key}.`);
  }

  async #save(record: StoredRecord, obj: DemoRecord): Promise<void> {
    const { db, signal } = this.#current();

    // An unchanged id replaces the opened version only; a new id must not
    // replace another record. An invalid id is left for db.save to report.
    let sameKey = false;
    try {
      sameKey = (await db.keyFor(obj[db.index] as IndexValue)) === record.key;
    } catch {
      sameKey = false;
    }
    let condition: { ifMatch?: string; onlyIfNew?: boolean } = { onlyIfNew: true };
    if (sameKey) condition = record.etag ? { ifMatch: record.etag } : {};

    let result;
    try {
      result = await db.save(obj, { ...condition, signal });
    } catch (error) {
      if (!ConflictError.is(error)) throw error;
      this.#detail.showConflict(
        sameKey
          ? `Not saved: someone else saved this record after you opened it (you opened ETag ${record.etag}). ` +
              'Your edits are still in the editor. Open the stored version to see theirs, then edit and save again.'
          : `Not saved: a record with the id ${JSON.stringify(obj[db.index])} already exists, and a changed id ` +
              'never replaces another record. Choose another id, or open that record.',
      );
      return;
    }

    await this.refresh();
    await this.open(result.key);
    this.#detail.showStatus(`Saved ${result.key} at ${result.dt} UTC.`);
  }

  async #delete(record: StoredRecord): Promise<void> {
    const { db, signal } = this.#current();
    try {
      await db.store.delete(record.key, record.etag ? { ifMatch: record.etag, signal } : { signal });
    } catch (error) {
      if (!ConflictError.is(error)) throw error;
      this.#detail.showConflict(
        'Not deleted: someone else changed this record after you opened it. Open the stored version, then decide again.',
      );
      return;
    }

    this.#detail.clear();
    this.#elements.list.select(undefined);
    await this.refresh();
  }

  async #run(action: () => Promise<void>): Promise<void> {
    try {
      await action();
    } catch (error) {
      this.#report(error);
    }
  }

  #setFindStatus(text: string): void {
    this.#elements.findStatus.textContent = text;
    this.#elements.findStatus.hidden = text === '';
  }

  /** The connection shown, with the signal that aborts its requests. */
  #current(): { db: Connection['db']; signal: AbortSignal } {
    if (this.#connection === undefined) throw new Error('Connect first: choose a mode above and press Connect.');
    return { db: this.#connection.db, signal: this.#controller.signal };
  }
}

/** Reads one listed object for its row; an object that is not a JSON record gets a row that names the problem. */
async function readListed(db: Connection['db'], info: ObjectInfo, signal: AbortSignal): Promise<ListedRecord> {
  const stored = await db.store.get(info.key, { signal });
  if (stored === null || !stored.modified) return { key: info.key, problem: 'deleted meanwhile' };
  try {
    return { key: info.key, obj: decodeEnvelope<DemoRecord>(stored.body, info.key).obj };
  } catch {
    return { key: info.key, problem: 'not a JSON record' };
  }
}

/** Maps `items` through `work` with at most `limit` calls at once, keeping the order. */
async function mapLimited<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
