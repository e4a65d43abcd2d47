/**
 * Listing across pages, shared by every store so that each one only has to
 * read a single page.
 */
import { ProtocolError } from '../errors.js';
import type { ListOptions, ListPage, ListPageOptions, ObjectInfo } from './types.js';

/**
 * Iterates over every object that `readPage` returns, page after page, until a
 * page comes back without a continuation token. A server that hands back the
 * token it was just given would make this loop forever, so that is a
 * ProtocolError.
 */
export async function* listAllPages(
  readPage: (options: ListPageOptions) => Promise<ListPage>,
  options: ListOptions,
  description: string,
): AsyncGenerator<ObjectInfo> {
  let continuationToken: string | undefined;

  do {
    const page = await readPage({ ...options, continuationToken });
    yield* page.objects;

    if (page.nextToken !== undefined && page.nextToken === continuationToken) {
      throw new ProtocolError(
        `The listing of ${description} returned the same continuation token twice; ` +
          `the server is not advancing. Report this to the server's operators.`,
      );
    }
    continuationToken = page.nextToken;
  } while (continuationToken !== undefined);
}
