/**
 * The three ways the demo reaches a bucket, each as a NoDB:
 * - local: the dev server's /config.json (endpoint, bucket and keys);
 * - credentials: keys typed into the page, kept in memory only;
 * - presigned: a signer endpoint hands out a URL per request, and the page has no keys.
 */
import { NoDB, PresignedStore, S3Store, type Credentials } from '../src/index.ts';
import { loadConfig } from './config.ts';
import type { DemoRecord } from './record-list.ts';

export type ConnectionSettings =
  | { mode: 'local' }
  | { mode: 'credentials'; endpoint: string; region: string; bucket: string; credentials: Credentials }
  | { mode: 'presigned'; signerUrl: string };

export type ConnectionMode = ConnectionSettings['mode'];

/** An open connection: the database, and what the page needs to explain a failure. */
export interface Connection {
  mode: ConnectionMode;
  db: NoDB<DemoRecord>;
  /** One line for the page header. */
  description: string;
  /** Absolute URL of the signer endpoint, in presigned mode. */
  signerUrl?: string;
  /** URL of the bucket, except in presigned mode, where only the signer has it. */
  bucketUrl?: string;
  /** Records the requests that got no response, for the diagnosis of a NetworkError. */
  failures: FailedRequests;
}

/** The URLs of fetches that rejected, newest last. */
export class FailedRequests {
  readonly #urls: string[] = [];

  /** Wraps `fetch` so that every request that gets no response is recorded. */
  wrap(fetch: typeof globalThis.fetch): typeof globalThis.fetch {
    return async (input, init) => {
      try {
        return await fetch(input, init);
      } catch (error) {
        if (!init?.signal?.aborted) this.#urls.push(input instanceof Request ? input.url : String(input));
        throw error;
      }
    };
  }

  /** The URL of the newest request that got no response, if any. */
  get last(): string | undefined {
    return this.#urls.at(-1);
  }

  clear(): void {
    this.#urls.length = 0;
  }
}

/** Record options shared by every mode: the imported examples use readable keys. */
const RECORD_OPTIONS = { humanReadableIndexes: true } as const;

/** Opens a connection. Only the local mode sends a request here (for /config.json). */
export async function openConnection(settings: ConnectionSettings): Promise<Connection> {
  const failures = new FailedRequests();
  // NOTE: S3Store sends no cache option, and Chromium served a GET that
  // followed a write by another client from its HTTP cache, so every request
  // here bypasses the cache.
  const fetch = failures.wrap((input, init) => globalThis.fetch(input, { ...init, cache: 'no-store' }));

  if (settings.mode === 'presigned') {
    const signerUrl = new URL(settings.signerUrl, location.href).href;
    const store = new PresignedStore({ signer: signerUrl, fetch });
    return {
      mode: 'presigned',
      db: new NoDB<DemoRecord>({ store, ...RECORD_OPTIONS }),
      description: `${store.description}; this page has no keys`,
      signerUrl,
      failures,
    };
  }

  const target = settings.mode === 'local' ? await loadConfig() : settings;
  const store = new S3Store({
    endpoint: target.endpoint,
    region: target.region,
    bucket: target.bucket,
    credentials: target.credentials,
    fetch,
  });
  const source = settings.mode === 'local' ? 'keys from /config.json' : 'keys typed into this page, kept in memory only';
  return {
    mode: settings.mode,
    db: new NoDB<DemoRecord>({ store, ...RECORD_OPTIONS }),
    description: `${store.description}, access key ${target.credentials.accessKeyId} (${source})`,
    bucketUrl: store.objectUrl('').slice(0, -1),
    failures,
  };
}
