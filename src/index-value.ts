/**
 * Index values that make a key, and the key size limit. The messages for
 * values that make none, and readable keys, are in keys.ts, which loads on
 * first need.
 */

/** Values accepted as an index: scalars only. */
export type IndexValue = string | number | bigint | boolean;

/** S3, R2, RGW and MinIO all limit a key to 1,024 bytes of UTF-8. */
export const MAX_KEY_BYTES = 1024;

const encoder = new TextEncoder();

/**
 * Returns the string that is hashed or encoded for an index value, or
 * undefined for a value that makes no key. Those are null, undefined, an
 * empty string, a string with a lone UTF-16 surrogate, a non-finite number,
 * and anything that is not a scalar.
 */
export function indexText(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return value.length > 0 && isWellFormed(value) ? value : undefined;
    case 'number':
      return Number.isFinite(value) ? String(value) : undefined;
    case 'bigint':
    case 'boolean':
      return String(value);
    default:
      return undefined;
  }
}

/** Number of bytes `text` takes in UTF-8. */
export function utf8Length(text: string): number {
  return encoder.encode(text).length;
}

// String.prototype.isWellFormed is missing on Node 20 and older browsers.
function isWellFormed(text: string): boolean {
  return !/[\uD800-\uDFFF]/.test(text.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, ''));
}
