/**
 * The nodb demo page. It connects in one of three modes: the dev server's
 * config, keys typed into the page, or a presigned-URL signer. Then it pages
 * through the records of the bucket, and opens, edits, saves and deletes
 * them through NoDB in the browser.
 */
import { ConnectPanel } from './connect-panel.ts';
import { type Connection, type ConnectionSettings, openConnection } from './connection.ts';
import { byId } from './dom.ts';
import { ErrorBanner } from './error-banner.ts';
import { explainError } from './explain-error.ts';
import { Pager } from './pager.ts';
import { RecordBrowser } from './record-browser.ts';
import { RecordList } from './record-list.ts';

const banner = new ErrorBanner({
  banner: byId('error-banner', HTMLDivElement),
  headline: byId('error-headline', HTMLParagraphElement),
  text: byId('error-text', HTMLParagraphElement),
  dismiss: byId('error-dismiss', HTMLButtonElement),
});
const connectionLine = byId('connection', HTMLParagraphElement);
const workspace = byId('workspace', HTMLElement);

let connection: Connection | undefined;
// Each connect gets a number, so that a slow one cannot replace a newer one.
let connectRequest = 0;

/** Shows `error` in the banner, with a headline that names the next step. */
function report(error: unknown): void {
  // The requests of a replaced connection end with this error, and no part of the page waits for them.
  if (error instanceof DOMException && error.name === 'AbortError') return;
  const current = connection;
  void explainError(error, current).then((explanation) => {
    if (current === connection) banner.show(explanation);
  });
}

const list = new RecordList(
  {
    list: byId('record-list', HTMLUListElement),
    search: byId('search', HTMLInputElement),
    filterStatus: byId('filter-status', HTMLParagraphElement),
  },
  (key) => void browser.open(key).catch(report),
);
const pager = new Pager(
  {
    previous: byId('page-previous', HTMLButtonElement),
    next: byId('page-next', HTMLButtonElement),
    range: byId('page-range', HTMLSpanElement),
    pageSize: byId('page-size', HTMLSelectElement),
  },
  () => browser.readPage().catch(report),
);
const browser = new RecordBrowser(
  {
    list,
    pager,
    count: byId('record-count', HTMLSpanElement),
    findForm: byId('find-form', HTMLFormElement),
    findInput: byId('find-id', HTMLInputElement),
    findStatus: byId('find-status', HTMLParagraphElement),
    reload: byId('reload', HTMLButtonElement),
  },
  report,
);

async function connect(settings: ConnectionSettings): Promise<void> {
  const request = ++connectRequest;
  banner.clear();
  browser.detach();
  connection = undefined;
  workspace.hidden = true;
  connectionLine.textContent = 'Connecting…';

  let opened: Connection;
  try {
    opened = await openConnection(settings);
  } catch (error) {
    if (request !== connectRequest) return;
    connectionLine.textContent = 'Not connected';
    report(error);
    return;
  }
  if (request !== connectRequest) return;

  connection = opened;
  connectionLine.textContent = opened.description;
  workspace.hidden = false;
  await browser.attach(opened).catch(report);
}

const panel = new ConnectPanel((settings) => void connect(settings));
const initial = panel.restore();
if (initial !== undefined) void connect(initial);
