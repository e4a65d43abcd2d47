/**
 * The few S3 XML documents nodb reads: ListObjectsV2 results and error bodies.
 *
 * There is no DOMParser in Node, Workers or Deno, and a general XML parser
 * would cost more than the rest of the library. S3 responses are flat and
 * machine-written, with `<`, `&` and quotes always escaped inside text, so
 * matching element text by tag name is exact for them.
 */
import { ProtocolError } from '../errors.js';
import type { ListPage, ObjectInfo } from './types.js';

/** Fields of an S3 `<Error>` document. */
export interface S3ErrorBody {
  code: string | undefined;
  message: string | undefined;
  requestId: string | undefined;
  /** Region a 301 or 400 response names as the bucket's, when present. */
  region: string | undefined;
}

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

/** Reads the fields of an error body; an unreadable body yields all-undefined fields. */
export function parseErrorBody(xml: string): S3ErrorBody {
  // A hostile or broken server may send megabytes here; messages keep a bounded part.
  const bounded = (text: string | undefined, max: number) => (text && text.length > max ? text.slice(0, max) + '…' : text);
  return {
    code: bounded(elementText(xml, 'Code'), 100),
    message: bounded(elementText(xml, 'Message'), 500),
    requestId: bounded(elementText(xml, 'RequestId'), 200),
    region: bounded(elementText(xml, 'Region'), 100),
  };
}

/**
 * Parses a ListObjectsV2 result. Keys are URL-decoded only when the response
 * contains `<EncodingType>url</EncodingType>`, because servers that ignore the
 * `encoding-type` parameter return them as plain text.
 */
export function parseListPage(xml: string, description: string): ListPage {
  if (!/<ListBucketResult[\s>]/.test(xml)) {
    throw new ProtocolError(`The listing of ${description} is not a ListBucketResult document.`);
  }

  // A page cut off in transit could otherwise pass for a last page.
  if (!xml.includes('</ListBucketResult>') || elementText(xml, 'IsTruncated') === undefined) {
    throw new ProtocolError(
      `The listing of ${description} is incomplete: it has no <IsTruncated> or no closing tag. ` +
        `The response was cut off; try again.`,
    );
  }

  const urlEncoded = elementText(xml, 'EncodingType') === 'url';
  const decodeKey = (raw: string) => {
    if (!urlEncoded) return raw;
    try {
      return decodeURIComponent(raw);
    } catch {
      throw new ProtocolError(`The listing of ${description} has a key that is not valid URL encoding: "${raw}".`);
    }
  };

  const objects: ObjectInfo[] = elementBlocks(xml, 'Contents').map((block) => {
    const key = elementText(block, 'Key');
    if (key === undefined) {
      throw new ProtocolError(`The listing of ${description} has an entry without a <Key>.`);
    }
    const lastModified = elementText(block, 'LastModified');
    return {
      key: decodeKey(key),
      etag: elementText(block, 'ETag') ?? '',
      size: Number(elementText(block, 'Size') ?? '0'),
      lastModified: lastModified === undefined ? undefined : new Date(lastModified),
    };
  });

  const truncated = elementText(xml, 'IsTruncated') === 'true';
  const nextToken = elementText(xml, 'NextContinuationToken');

  if (truncated && !nextToken) {
    throw new ProtocolError(
      `The listing of ${description} is marked truncated but has no continuation token, ` +
        `so the remaining keys cannot be read. The server is not S3-compatible here.`,
    );
  }

  return { objects, nextToken: truncated ? nextToken : undefined };
}
