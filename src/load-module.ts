/**
 * Loading of the modules that nodb splits out of the core bundle: retries
 * and error messages, conditional writes, the full codec, readable keys and
 * others. Every such `import()` goes through loadModule, so that a call keeps
 * its promises when a module loads late or not at all.
 */
import { NetworkError } from './errors.js';
import { untilAborted } from './retry.js';

/**
 * Returns the module that `load` imports. An abort rejects at once with the
 * signal's reason, even while the module is still loading. A module that
 * cannot load becomes a NetworkError: a browser that went offline, or an app
 * deployed again under new chunk names, fails this way.
 */
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
