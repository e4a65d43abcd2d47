/**
 * ETag forms. Servers return ETags quoted (`"abc"`), and some clients or
 * proxies hand them on unquoted or weak (`W/"abc"`). Compare them in one
 * canonical form: the opaque value without quotes or weak marker.
 */

/** Returns the opaque part of an ETag: no `W/` prefix, no quotes. */
export function etagValue(etag: string): string {
  let value = etag.trim();
  if (value.startsWith('W/')) value = value.slice(2);
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
  return value;
}

/** Returns the ETag in its quoted form, as S3 sends it in responses. */
export function quoteEtag(etag: string): string {
  return `"${etagValue(etag)}"`;
}

/** True when two ETags name the same version, whatever their quoting. */
export function sameEtag(a: string, b: string): boolean {
  return etagValue(a) === etagValue(b);
}
