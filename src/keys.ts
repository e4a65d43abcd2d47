/**
 * Index values to object keys.
 *
 * Hashed keys (the default) are the lowercase hex SHA-256 of the UTF-8 index
 * value, exactly as the Python NoDB computes them. Readable keys keep the value
 * visible but escape every byte that could break out of the prefix or confuse a
 * server: see `encodeReadableIndex`.
 */
import { InvalidIndexError } from './errors.js';
import { sha256Hex } from './hash.js';

/** Values accepted as an index: scalars only. */
export type IndexValue = string | number | bigint | boolean;

/** S3, R2, RGW and MinIO all limit a key to 1,024 bytes of UTF-8. */
export const MAX_KEY_BYTES = 1024;

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Converts an index value to the string that is hashed or encoded.
 * Throws InvalidIndexError for null, undefined, empty strings, non-finite
 * numbers and anything that is not a scalar.
 */
export function indexToString(value: unknown, field: string): string {
  if (value === undefined || value === null) {
    throw new InvalidIndexError(
      `The index field "${field}" is missing (got ${String(value)}); ` +
        `set it on the object or pass { index } explicitly.`,
    );
  }

  if (typeof value === 'string') {
    if (value.length === 0) {
      throw new InvalidIndexError(`The index field "${field}" is an empty string; use a non-empty value.`);
    }
    if (!isWellFormed(value)) {
      throw new InvalidIndexError(
        `The index field "${field}" contains a lone UTF-16 surrogate, which has no UTF-8 form; ` +
          `fix the string before saving.`,
      );
    }
    return value;
  }

  if (typeof value === 'number') {
    if (!Number.isFinite(value)) {
      throw new InvalidIndexError(`The index field "${field}" is ${value}; use a finite number or a string.`);
    }
    return String(value);
  }

  if (typeof value === 'bigint' || typeof value === 'boolean') return String(value);

  const kind = Array.isArray(value) ? 'an array' : `a value of type ${typeof value}`;
  throw new InvalidIndexError(
    `The index field "${field}" is ${kind}; an index must be a string, number, bigint or boolean.`,
  );
}

/**
 * Encodes an index value for a readable key.
 *
 * Bytes 0x00-0x2F (control characters, space, punctuation up to and including
 * `/` and `.`) become `!` plus two uppercase hex digits, and 0x7E-0x7F (`~`
 * and DEL) become `~` plus two hex digits. Each escaped range is contiguous
 * and contains its escape character, so the encoding keeps UTF-8 binary order:
 * listings with `start-after` see readable keys in the order of their values.
 * The result can never contain `/`, `..` or a control character.
 */
export function encodeReadableIndex(value: string): string {
  let out = '';
  for (const byte of encoder.encode(value)) {
    if (byte <= 0x2f) out += '!' + hexByte(byte);
    else if (byte === 0x7e || byte === 0x7f) out += '~' + hexByte(byte);
    else out += String.fromCharCode(byte);
  }
  // The loop copied UTF-8 bytes one by one; reinterpret them as UTF-8 text.
  return decoder.decode(latin1Bytes(out));
}

/** Reverses `encodeReadableIndex`; returns undefined for text it cannot have produced. */
export function decodeReadableIndex(encoded: string): string | undefined {
  const bytes: number[] = [];
  const raw = encoder.encode(encoded);

  for (let i = 0; i < raw.length; i++) {
    const byte = raw[i]!;
    if (byte === 0x21 || byte === 0x7e) {
      const pair = String.fromCharCode(raw[i + 1] ?? 0, raw[i + 2] ?? 0);
      if (!/^[0-9A-F]{2}$/.test(pair)) return undefined;
      bytes.push(Number.parseInt(pair, 16));
      i += 2;
    } else {
      bytes.push(byte);
    }
  }

  try {
    return decoder.decode(new Uint8Array(bytes));
  } catch {
    return undefined;
  }
}

/**
 * Returns the object key for an index value: `prefix` plus the hash or the
 * readable encoding. Rejects readable keys over the 1,024-byte key limit.
 */
export async function keyForIndex(
  indexText: string,
  prefix: string,
  humanReadable: boolean,
  field: string,
): Promise<string> {
  if (!humanReadable) return prefix + (await sha256Hex(indexText));

  const key = prefix + encodeReadableIndex(indexText);
  const size = utf8Length(key);
  if (size > MAX_KEY_BYTES) {
    throw new InvalidIndexError(
      `The index field "${field}" makes a readable key of ${size} bytes, over the ${MAX_KEY_BYTES}-byte ` +
        `key limit; use a shorter value or humanReadableIndexes: false.`,
    );
  }
  return key;
}

/** Number of bytes `text` takes in UTF-8. */
export function utf8Length(text: string): number {
  return encoder.encode(text).length;
}

function hexByte(byte: number): string {
  return byte.toString(16).toUpperCase().padStart(2, '0');
}

function latin1Bytes(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

// String.prototype.isWellFormed is missing on Node 20 and older browsers.
function isWellFormed(text: string): boolean {
  return !/[\uD800-\uDFFF]/.test(text.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, ''));
}
