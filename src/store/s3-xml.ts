/**
 * Reading the few S3 XML documents nodb needs: ListObjectsV2 results here,
 * and error bodies in s3-errors.ts.
 *
 * There is no DOMParser in Node, Workers or Deno, and a general XML parser
 * would cost more than the rest of the library. S3 responses are flat and
 * machine-written, with `<`, `&` and quotes always escaped inside text, so
 * matching element text by tag name is exact for them.
 */
import { loadModule } from '../load-module.js';
import type { ListPage, ObjectInfo } from './types.js';

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Returns the decoded text of the first `<tag>` element in `xml`, or undefined. */
export function elementText(xml: string, tag: string): string | undefined {
  const match = new RegExp(`<${tag}(?:\\s[^>]*)?>([^<]*)</${tag}>`).exec(xml);
  return match ? decodeEntities(match[1]!) : undefined;
}

/** Returns the inner XML of every `<tag>` element in `xml`. */
export function elementBlocks(xml: string, tag: string): string[] {
  const pattern = new RegExp(`<${tag}(?:\\s[^>]*)?>([\\s\\S]*?)</${tag}>`, 'g');
  return [...xml.matchAll(pattern)].map((match) => match[1]!);
}

/** Replaces the five predefined XML entities and numeric character references. */
export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (entity, name: string) => {
    if (!name.startsWith('#')) return ENTITIES[name] ?? entity;

    const codePoint = name.startsWith('#x') ? Number.parseInt(name.slice(2), 16) : Number.parseInt(name.slice(1), 10);
    // A reference beyond Unicode is not a character: leave it as written.
    return codePoint <= 0x10ffff ? String.fromCodePoint(codePoint) : entity;
  });
}

/** A reason why a ListObjectsV2 response is unusable. list-errors.ts words the ProtocolError for each. */
export type ListProblem =
  | { problem: 'not-a-listing' | 'incomplete' | 'entry-without-key' | 'truncated-without-token' }
  | { problem: 'invalid-key-encoding'; key: string };

/**
 * Parses a ListObjectsV2 result, or returns what makes it unusable. Keys are
 * URL-decoded only when the response contains `<EncodingType>url</EncodingType>`,
 * because servers that ignore the `encoding-type` parameter return them as plain text.
 */
export function readListPage(xml: string): ListPage | ListProblem {
  if (!/<ListBucketResult[\s>]/.test(xml)) return { problem: 'not-a-listing' };
  // A page cut off in transit could otherwise pass for a last page.
  if (!xml.includes('</ListBucketResult>') || elementText(xml, 'IsTruncated') === undefined) return { problem: 'incomplete' };

  const urlEncoded = elementText(xml, 'EncodingType') === 'url';
  const objects: ObjectInfo[] = [];
  for (const block of elementBlocks(xml, 'Contents')) {
    let key = elementText(block, 'Key');
    if (key === undefined) return { problem: 'entry-without-key' };
    if (urlEncoded) {
      try {
        key = decodeURIComponent(key);
      } catch {
        return { problem: 'invalid-key-encoding', key };
      }
    }

    const lastModified = elementText(block, 'LastModified');
    objects.push({
      key,
      etag: elementText(block, 'ETag') ?? '',
      size: Number(elementText(block, 'Size') ?? '0'),
      lastModified: lastModified === undefined ? undefined : new Date(lastModified),
    });
  }

  const truncated = elementText(xml, 'IsTruncated') === 'true';
  const nextToken = elementText(xml, 'NextContinuationToken');
  if (truncated && !nextToken) return { problem: 'truncated-without-token' };
  return { objects, nextToken: truncated ? nextToken : undefined };
}

/** Parses a ListObjectsV2 response body; an unusable one loads list-errors.ts to throw its ProtocolError. */
export async function parseListResponse(body: Uint8Array, description: string): Promise<ListPage> {
  const page = readListPage(new TextDecoder().decode(body));
  if (!('problem' in page)) return page;

  const { listProblemError } = await loadModule(() => import('./list-errors.js'));
  throw listProblemError(page, description);
}
