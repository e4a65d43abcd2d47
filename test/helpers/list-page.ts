import { parseListResponse } from '../../src/store/s3-xml.js';
import type { ListPage } from '../../src/store/types.js';

/** Parses a ListObjectsV2 document as the stores parse a response body. */
export function parseList(xml: string, description: string): Promise<ListPage> {
  return parseListResponse(new TextEncoder().encode(xml), description);
}
