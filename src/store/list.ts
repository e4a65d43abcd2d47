/**
 * Listing across pages, shared by every store so that each one only has to
 * read a single page.
 */
import { invalidOption } from '../codecs/option-value.js';
import { loadModule } from '../load-module.js';
import type { ListOptions, ListPage, ListPageOptions, ObjectInfo } from './types.js';

/**
 * Iterates over every object that `readPage` returns, page after page, until a
 * page comes back without a continuation token. A server that hands back a
 * token it gave before would make this loop forever, and one that lists keys
 * outside the prefix would hand out other data, so both are a ProtocolError
 * (worded in list-errors.ts).
 */
export async function* listAllPages(
  readPage: (options: ListPageOptions) => Promise<ListPage>,
  options: ListOptions,
  description: string,
): AsyncGenerator<ObjectInfo> {
  let continuationToken: string | undefined;
  const seenTokens = new Set<string>();

  do {
    const page = await readPage({ ...options, continuationToken });

    const prefix = options.prefix ?? '';
    const outside = page.objects.find((info) => !info.key.startsWith(prefix));
    if (outside) {
      const { keyOutsidePrefixError } = await loadModule(() => import('./list-errors.js'), options.signal);
      throw keyOutsidePrefixError(description, prefix, outside.key);
    }
    yield* page.objects;

    if (page.nextToken !== undefined && seenTokens.has(page.nextToken)) {
      const { repeatedTokenError } = await loadModule(() => import('./list-errors.js'), options.signal);
      throw repeatedTokenError(description);
    }
    if (page.nextToken !== undefined) seenTokens.add(page.nextToken);
    continuationToken = page.nextToken;
  } while (continuationToken !== undefined);
}

/** S3's cap on keys per listing page. */
export const MAX_PAGE_SIZE = 1000;

/** Returns the page size to request: 1,000 unless asked for fewer. Throws InvalidOptionsError. */
export function resolvePageSize(pageSize: number | undefined): number {
  const size = Math.min(pageSize ?? MAX_PAGE_SIZE, MAX_PAGE_SIZE);
  if (!Number.isInteger(size) || size < 1) {
    throw invalidOption('pageSize', `an integer from 1 to ${MAX_PAGE_SIZE}`, pageSize);
  }
  return size;
}
