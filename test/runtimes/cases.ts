/**
 * NoDB cases that every runtime runs (Chromium, workerd, Deno, Bun) against
 * the built package in dist/, as that runtime loads it. The cases use plain
 * assertions that throw, so each runtime's own test runner can register them,
 * and they import nothing but types: the harness passes the library in. The
 * types come from dist/ too, so `npm run build` must have run before the type
 * check (npm ci runs it).
 */
import type * as Library from '../../dist/index.js';
import type { NoDB, NoDBBaseOptions, ObjectStore } from '../../dist/index.js';

/** The package's exports, as one runtime loaded them. */
export type NodbLibrary = typeof Library;

/** An S3-compatible bucket and the keys to reach it. */
export interface S3Target {
  endpoint: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
}

/**
 * Servers that the Node-side setup started on 127.0.0.1, passed to each runtime
 * as JSON (an environment variable, or vitest's `provide`).
 */
export interface RuntimeTargets {
  /** s3rver, with a bucket whose CORS rule lets browsers in. */
  s3: S3Target;
  /** A bucket name that does not exist on `s3`. */
  missingBucket: string;
  /** An http URL on 127.0.0.1 where nothing listens. */
  closedEndpoint: string;
  /** A server that verifies signatures (Ceph RGW), with a bucket. */
  verifying: S3Target;
}

/** What a record case works on: the library and a way to open a NoDB on fresh keys. */
export interface RecordContext {
  lib: NodbLibrary;
  /** Opens a NoDB on a new, empty prefix of the bucket under test. */
  openDb<T = Person>(options?: NoDBBaseOptions): NoDB<T>;
}

/** What a connection case works on. */
export interface ConnectionContext {
  lib: NodbLibrary;
  targets: RuntimeTargets;
  /**
   * True in browsers: they hide every response without CORS headers, so the
   * errors that servers send without them arrive as a NetworkError. s3rver
   * sends none with NoSuchBucket, and Ceph RGW 16.2 none with a rejected
   * signature (checked with an Origin header on both).
   */
  hidesResponsesWithoutCors: boolean;
}

export interface RuntimeCase<C> {
  name: string;
  run(context: C): Promise<void>;
}

interface Person {
  id: string;
  name: string;
  [field: string]: unknown;
}

// Python prints no fraction when the microseconds are zero.
const DT = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{6})?$/;
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** Lowercase hex SHA-256 of "ada", as Python's hashlib computes it. */
const SHA256_ADA = 'fdee430d40bd57deeac186cd9790033d0f06f909a8806e7ce6e717ab7c7d5029';

/** Records in the paging case: enough for dozens of one-key pages. */
const PAGED_RECORDS = 30;

/** Cases that work on any store: S3 over fetch, or a Workers R2 binding. */
export const recordCases: Array<RuntimeCase<RecordContext>> = [
  {
    name: 'save then load with metainfo',
    async run({ openDb }) {
      const db = openDb();
      const person = { id: 'ada', name: 'Ada Lovelace', tags: ['math', 'engines'] };
      const saved = await db.save(person);

      assertEqual(saved.key, db.prefix + SHA256_ADA, 'key of the saved record');
      assertMatch(saved.dt, DT, 'dt');
      assertMatch(saved.uuid, UUID_V4, 'uuid');
      assertMatch(saved.etag, /^".+"$/, 'etag in its quoted form');
      assertSameJson(await db.load('ada'), person, 'loaded record');

      const info = await db.load('ada', { metainfo: true });
      assertSameJson(info, { obj: person, dt: saved.dt, uuid: saved.uuid, etag: saved.etag, key: saved.key }, 'metainfo');
    },
  },
  {
    name: 'load of missing record',
    async run({ openDb }) {
      const db = openDb();
      assertEqual(await db.load('nobody'), undefined, 'load without a default');
      assertEqual(await db.load('nobody', { default: null }), null, 'load with default null');
      assertEqual(await db.load('nobody', { metainfo: true }), undefined, 'load with metainfo');
    },
  },
  {
    name: 'exists and delete',
    async run({ openDb }) {
      const db = openDb();
      await db.save({ id: 'temp', name: 'Temporary' });
      assertEqual(await db.exists('temp'), true, 'exists after save');

      await db.delete('temp');
      assertEqual(await db.exists('temp'), false, 'exists after delete');
      assertEqual(await db.load('temp'), undefined, 'load after delete');
      // Deleting a missing record succeeds.
      await db.delete('temp');
    },
  },
  {
    name: 'save replaces the record',
    async run({ openDb }) {
      const db = openDb();
      const first = await db.save({ id: 'x', name: 'first' });
      const second = await db.save({ id: 'x', name: 'second' });

      assertEqual(second.key, first.key, 'key of the second save');
      assertEqual(second.etag === first.etag, false, 'ETag changed');
      assertSameJson(await db.load('x'), { id: 'x', name: 'second' }, 'loaded record');
      assertEqual((await collect(db.all())).length, 1, 'records listed');
    },
  },
  {
    name: 'all across pages of size 1',
    async run({ openDb }) {
      const db = openDb<{ id: string; n: number }>();
      const numbers = Array.from({ length: PAGED_RECORDS }, (_, i) => i);
      await Promise.all(numbers.map((n) => db.save({ id: `p${n}`, n })));

      const byKey = await collect(db.all({ pageSize: 1, metainfo: true }));
      assertSameJson(
        byKey.map((record) => record.obj.n).sort((a, b) => a - b),
        numbers,
        'numbers of the records listed one per page',
      );
      assertEqual(new Set(byKey.map((record) => record.key)).size, PAGED_RECORDS, 'distinct keys listed');

      const inserted = await collect(db.all({ pageSize: 1, order: 'inserted', metainfo: true }));
      assertEqual(inserted.length, PAGED_RECORDS, 'records listed in insertion order');
      for (let i = 1; i < inserted.length; i++) {
        assertEqual(inserted[i - 1]!.dt <= inserted[i]!.dt, true, `dt order at record ${i}`);
      }
    },
  },
  {
    name: 'hashed keys are SHA-256 of the index',
    async run({ openDb }) {
      const db = openDb();
      await db.save({ id: 'ada', name: 'Ada' });
      await db.save({ id: '日本', name: 'Japan' });

      assertEqual(await db.keyFor('ada'), db.prefix + SHA256_ADA, 'key for "ada"');
      const keys = await listKeys(db.store, db.prefix);
      assertSameJson(
        keys.sort(),
        [db.prefix + 'cf2abf0c5be326cb922a70f8163f91079c4d9aa8655c60ead89ad545c9de2e92', db.prefix + SHA256_ADA],
        'keys in the bucket',
      );
    },
  },
  {
    name: 'readable keys escape the index',
    async run({ openDb }) {
      const db = openDb({ humanReadableIndexes: true });
      const values = ['issues:opened:000', 'a/b', '../escape', 'space name', '日本', '😀'];
      for (const id of values) await db.save({ id, name: `value ${id}` });

      for (const id of values) assertSameJson(await db.load(id), { id, name: `value ${id}` }, `record "${id}"`);
      const names = (await listKeys(db.store, db.prefix)).map((key) => key.slice(db.prefix.length));
      assertSameJson(
        names.sort(),
        ['!2E!2E!2Fescape', 'a!2Fb', 'issues:opened:000', 'space!20name', '日本', '😀'].sort(),
        'readable key names',
      );
    },
  },
  {
    name: 'unicode and nested values round-trip',
    async run({ openDb }) {
      const db = openDb<unknown>();
      const value = {
        id: 'mixed',
        text: 'Zürich 日本 😀 "quoted" \\ back\nslash',
        nested: { list: [1, 2.5, -3, true, null, 'x'], empty: {} },
        big: 9007199254740991,
      };
      await db.save(value);
      assertSameJson(await db.load('mixed'), value, 'loaded value');
    },
  },
  {
    name: 'invalid values are typed errors',
    async run({ lib, openDb }) {
      const db = openDb<unknown>();

      const noIndex = await catchError(() => db.save({ name: 'no id' }));
      assertEqual(noIndex instanceof lib.InvalidIndexError, true, 'missing index is an InvalidIndexError');
      assertEqual((noIndex as InstanceType<NodbLibrary['NoDBError']>).code, 'INVALID_INDEX', 'code of the missing index');

      const cyclic: Record<string, unknown> = { id: 'cyclic' };
      cyclic.self = cyclic;
      const unencodable = await catchError(() => db.save(cyclic));
      assertEqual(unencodable instanceof lib.EncodeError, true, 'cyclic value is an EncodeError');
      assertEqual(lib.NoDBError.is(unencodable), true, 'NoDBError.is(EncodeError)');

      assertSameJson(await listKeys(db.store, db.prefix), [], 'keys written by failed saves');
    },
  },
  {
    name: 'Python-saved record loads',
    async run({ openDb }) {
      const db = openDb();
      const key = await db.keyFor('py-1');
      const body =
        '{"serializer": "json", "dt": "2017-06-01 12:30:45", "uuid": "00000000-0000-4000-8000-000000000001", ' +
        '"obj": {"id": "py-1", "name": "Z\\u00fcrich"}}';
      await db.store.put(key, new TextEncoder().encode(body), { contentType: 'application/json' });

      assertSameJson(await db.load('py-1'), { id: 'py-1', name: 'Zürich' }, 'record saved by Python');
    },
  },
];

/** Cases of the S3 store that need particular servers: typed errors from the network. */
export const connectionCases: Array<RuntimeCase<ConnectionContext>> = [
  {
    name: 'missing bucket is a typed error',
    async run({ lib, targets, hidesResponsesWithoutCors }) {
      const db = new lib.NoDB({ ...s3Options(targets.s3), bucket: targets.missingBucket });
      const error = await catchError(() => db.load('x'));

      const expected = hidesResponsesWithoutCors ? lib.NetworkError : lib.BucketNotFoundError;
      assertEqual(error instanceof expected, true, `error is a ${expected.name}: ${describeError(error)}`);
      assertIncludes((error as Error).message, targets.s3.endpoint, 'message names the endpoint');
      if (hidesResponsesWithoutCors) assertIncludes((error as Error).message, 'its CORS rule', 'message names CORS');
    },
  },
  {
    name: 'closed port is a NetworkError',
    async run({ lib, targets }) {
      const db = new lib.NoDB({ ...s3Options(targets.s3), endpoint: targets.closedEndpoint });
      const error = await catchError(() => db.save({ id: 'x' }));

      assertEqual(error instanceof lib.NetworkError, true, `error is a NetworkError: ${describeError(error)}`);
      assertEqual((error as InstanceType<NodbLibrary['NetworkError']>).code, 'NETWORK', 'code');
      assertIncludes((error as Error).message, targets.closedEndpoint, 'message names the endpoint');
    },
  },
  {
    name: 'signed requests work on a verifying server',
    async run({ lib, targets }) {
      const db = new lib.NoDB({ ...s3Options(targets.verifying), prefix: uniquePrefix() });
      await db.save({ id: 'signed', name: 'checked by the server' });
      assertSameJson(await db.load('signed'), { id: 'signed', name: 'checked by the server' }, 'loaded record');

      const keys = await collect(db.all({ pageSize: 1 }));
      assertEqual(keys.length, 1, 'records listed');
      await db.delete('signed');
      assertEqual(await db.exists('signed'), false, 'exists after delete');
    },
  },
  {
    name: 'wrong secret is a typed error',
    async run({ lib, targets, hidesResponsesWithoutCors }) {
      const options = s3Options(targets.verifying);
      const expected = hidesResponsesWithoutCors ? lib.NetworkError : lib.AccessDeniedError;

      const wrongSecret = new lib.NoDB({
        ...options,
        credentials: { ...options.credentials, secretAccessKey: options.credentials.secretAccessKey + 'x' },
      });
      const error = await catchError(() => wrongSecret.load('x'));
      assertEqual(error instanceof expected, true, `error is a ${expected.name}: ${describeError(error)}`);

      const unknownKey = new lib.NoDB({ ...options, credentials: { accessKeyId: 'NOSUCHKEY', secretAccessKey: 'x' } });
      const unknownError = await catchError(() => unknownKey.save({ id: 'x' }));
      assertEqual(unknownError instanceof expected, true, `unknown key: ${describeError(unknownError)}`);

      if (hidesResponsesWithoutCors) return;
      assertEqual((error as InstanceType<NodbLibrary['NoDBError']>).s3Code, 'SignatureDoesNotMatch', 's3Code');
      assertIncludes((error as Error).message, 'secretAccessKey', 'message says what to check');
      assertEqual((unknownError as InstanceType<NodbLibrary['NoDBError']>).s3Code, 'InvalidAccessKeyId', 's3Code');
    },
  },
];

/** Returns a record context for NoDBs on an S3 bucket, opened as users open them. */
export function s3RecordContext(lib: NodbLibrary, target: S3Target): RecordContext {
  return {
    lib,
    openDb: <T>(options: NoDBBaseOptions = {}) => new lib.NoDB<T>({ ...s3Options(target), prefix: uniquePrefix(), ...options }),
  };
}

/** Returns a record context for NoDBs on any ObjectStore, such as an R2BindingStore. */
export function storeRecordContext(lib: NodbLibrary, store: ObjectStore): RecordContext {
  return {
    lib,
    openDb: <T>(options: NoDBBaseOptions = {}) => new lib.NoDB<T>({ store, prefix: uniquePrefix(), ...options }),
  };
}

/** Parses the targets JSON that the Node-side setup passed on; `source` names where it came from. */
export function parseTargets(json: string | undefined, source: string): RuntimeTargets {
  if (!json) {
    throw new Error(
      `${source} is not set. Run this suite through scripts/runtimes/with-servers.mjs or its vitest ` +
        `global setup, which start the servers and pass their addresses on.`,
    );
  }
  const targets = JSON.parse(json) as RuntimeTargets;
  for (const name of ['s3', 'verifying'] as const) {
    if (typeof targets[name]?.endpoint !== 'string') throw new Error(`${source} has no ${name}.endpoint.`);
  }
  return targets;
}

function s3Options(target: S3Target) {
  return {
    bucket: target.bucket,
    endpoint: target.endpoint,
    region: target.region,
    credentials: { accessKeyId: target.accessKeyId, secretAccessKey: target.secretAccessKey },
  };
}

function uniquePrefix(): string {
  return `runtimes/${crypto.randomUUID()}/`;
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

async function listKeys(store: ObjectStore, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const info of store.list({ prefix })) keys.push(info.key);
  return keys;
}

async function catchError(action: () => Promise<unknown>): Promise<unknown> {
  try {
    await action();
  } catch (error) {
    return error;
  }
  throw new Error('Expected an error, but the call succeeded.');
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

function assertEqual(actual: unknown, expected: unknown, label: string): void {
  if (!Object.is(actual, expected)) {
    throw new Error(`${label}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }
}

function assertMatch(actual: string, pattern: RegExp, label: string): void {
  if (typeof actual !== 'string' || !pattern.test(actual)) {
    throw new Error(`${label}: expected a match for ${pattern}, got ${JSON.stringify(actual)}`);
  }
}

function assertIncludes(actual: string, part: string, label: string): void {
  if (!actual.includes(part)) throw new Error(`${label}: expected ${JSON.stringify(actual)} to contain ${JSON.stringify(part)}`);
}

/** Compares two JSON values, ignoring the order of object keys. */
function assertSameJson(actual: unknown, expected: unknown, label: string): void {
  const left = canonicalJson(actual);
  const right = canonicalJson(expected);
  if (left !== right) throw new Error(`${label}: expected ${right}, got ${left}`);
}

function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_, item: unknown) =>
    item !== null && typeof item === 'object' && !Array.isArray(item)
      ? Object.fromEntries(Object.entries(item).sort(([a], [b]) => (a < b ? -1 : 1)))
      : item,
  ) ?? 'undefined';
}
