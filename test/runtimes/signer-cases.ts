/**
 * The signer endpoint and PresignedStore in each server runtime (workerd,
 * Deno, Bun), on the built package: createSigner's handler runs there
 * unchanged, and its URLs work against Ceph RGW, which verifies them. Like
 * cases.ts, these cases import only types and throw plain errors.
 */
import type * as SignerEntry from '../../dist/signer-entry.js';
import type { NodbLibrary, RuntimeCase, S3Target } from './cases.js';

/** The `nodb/signer` entry, as one runtime loaded it. */
export type SignerLibrary = typeof SignerEntry;

export interface SignerContext {
  lib: NodbLibrary;
  signerLib: SignerLibrary;
  /** A server that verifies signatures (Ceph RGW). */
  target: S3Target;
}

type Handler = (request: Request) => Promise<Response>;

export const signerCases: Array<RuntimeCase<SignerContext>> = [
  {
    name: 'signer URLs work and bind the key',
    async run(context) {
      const prefix = uniquePrefix();
      const handler = openSigner(context, prefix);

      const put = await sign(handler, { method: 'PUT', key: `${prefix}a`, headers: { 'content-type': 'text/plain' } });
      const written = await fetch(put.url, { method: 'PUT', body: 'alpha', headers: { 'content-type': 'text/plain' } });
      await written.body?.cancel();
      assertEqual(written.status, 200, 'status of the presigned PUT');

      const get = await sign(handler, { method: 'GET', key: `${prefix}a` });
      const read = await fetch(get.url);
      assertEqual(await read.text(), 'alpha', 'body read through the presigned GET');

      const changed = await fetch(get.url.replace(encodeURIComponent(`${prefix}a`), encodeURIComponent(`${prefix}b`)));
      await changed.body?.cancel();
      assertEqual(changed.status, 403, 'status of a GET whose key was changed');
    },
  },
  {
    name: 'signer rejects outside its prefix',
    async run(context) {
      const prefix = uniquePrefix();
      const handler = openSigner(context, prefix);

      const outside = await handler(signingRequest({ method: 'GET', key: 'elsewhere' }));
      assertEqual(outside.status, 403, 'status for a key outside the prefix');
      assertEqual(((await outside.json()) as { error: string }).error, 'KeyOutsidePrefix', 'error code');

      const listing = await handler(signingRequest({ method: 'LIST', list: {} }));
      assertEqual(listing.status, 403, 'status for a listing without a prefix');
      await listing.body?.cancel();
    },
  },
  {
    name: 'PresignedStore through the signer',
    async run(context) {
      const prefix = uniquePrefix();
      const handler = openSigner(context, prefix);
      const store = new context.lib.PresignedStore({
        signer: async (request) => {
          const response = await handler(signingRequest(request));
          if (!response.ok) throw new context.lib.AccessDeniedError(await response.text());
          return (await response.json()) as { url: string };
        },
      });
      const db = new context.lib.NoDB({ store, prefix });

      await db.save({ id: 'ada', name: 'Ada' }, { onlyIfNew: true });
      assertEqual(JSON.stringify(await db.load('ada')), '{"id":"ada","name":"Ada"}', 'loaded record');

      const conflict = await db.save({ id: 'ada', name: 'again' }, { onlyIfNew: true }).then(
        () => undefined,
        (error: unknown) => error,
      );
      assertEqual(context.lib.ConflictError.is(conflict), true, 'second create-only save is a ConflictError');

      let listed = 0;
      for await (const record of db.all()) listed += record.id === 'ada' ? 1 : 0;
      assertEqual(listed, 1, 'records listed');

      await db.delete('ada');
      assertEqual(await db.exists('ada'), false, 'exists after delete');
    },
  },
];

function openSigner(context: SignerContext, prefix: string): Handler {
  const { target } = context;
  return context.signerLib.createSigner({
    bucket: target.bucket,
    endpoint: target.endpoint,
    region: target.region,
    credentials: { accessKeyId: target.accessKeyId, secretAccessKey: target.secretAccessKey },
    prefix,
    methods: ['GET', 'HEAD', 'PUT', 'DELETE', 'LIST'],
  });
}

function signingRequest(body: object): Request {
  return new Request('http://127.0.0.1/sign', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

async function sign(handler: Handler, body: object): Promise<{ url: string }> {
  const response = await handler(signingRequest(body));
  const text = await response.text();
  if (response.status !== 200) throw new Error(`The signer responded with ${response.status}: ${text}`);
  return JSON.parse(text) as { url: string };
}

function uniquePrefix(): string {
  return `signer-runtimes/${crypto.randomUUID()}/`;
}

function assertEqual(actual: unknown, expected: unknown, label: string): void {
  if (!Object.is(actual, expected)) {
    throw new Error(`${label}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }
}
