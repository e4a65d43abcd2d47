/**
 * Loading of the modules that nodb splits out of the core bundle.
 *
 * The rule: a module loads up front only when a save, load, delete or
 * listing with default options runs it on a first attempt that succeeds, or
 * when a constructor needs it to throw InvalidOptionsError synchronously.
 * Everything else (retries and the messages of failed requests, the meaning
 * of a failed conditional write, the full JSON writer and codec, readable
 * keys, update, lock, presign, bucket setup) is imported with
 * `loadModule(() => import(...), signal)`, never statically from an up-front
 * module. Helpers that only on-demand code needs must not sit in a
 * file that index.ts re-exports, because esbuild then loads that file up
 * front. test/unit/bundle-split.test.ts and scripts/size.mjs check this.
 *
 * One module that a first attempt runs is loaded this way too: S3Store's
 * transport with aws4fetch. The S3Store constructor starts loading it, so
 * that NoDB with any other store never loads it.
 *
 * Going through loadModule keeps two promises of every call when a module
 * loads late or not at all: an abort rejects at once, and every failure is
 * a NoDBError.
 */
import { NetworkError } from './errors.js';
import { untilAborted } from './retry.js';

/**
 * Returns the module that `load` imports. An abort rejects at once with the
 * signal's reason, even while the module is still loading. A module that
 * cannot load becomes a NetworkError: a browser that went offline, or an app
 * deployed again under new chunk names, fails this way.
 */
// NOTE: only the caller's signal bounds a load that never settles; the retry
// deadline does not.
export async function loadModule<M>(load: () => Promise<M>, signal?: AbortSignal): Promise<M> {
  signal?.throwIfAborted();
  const loading = load().catch((error: unknown) => {
    throw new NetworkError(
      `nodb could not load one of its modules (${error instanceof Error ? error.message : String(error)}). ` +
        `Check the network. Some browsers keep a module that failed to load as failed until the page is reloaded.`,
      { cause: error },
    );
  });
  return signal === undefined ? loading : untilAborted(loading, signal);
}
