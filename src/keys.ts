/**
 * Index values to object keys, with the message of each value that makes
 * none. NoDB loads this module for readable keys and for invalid index
 * values. Hashed keys of valid values need only index-value.ts and hash.ts.
 *
 * Hashed keys (the default) are the lowercase hex SHA-256 of the UTF-8 index
 * value, exactly as the Python NoDB computes them. Readable keys keep the value
 * visible but escape every byte that could break out of the prefix or confuse a
 * server: see `escapeIndex`.
 */
import { InvalidIndexError } from './errors.js';
import { sha256Hex } from './hash.js';
import { MAX_KEY_BYTES, indexText, utf8Length } from './index-value.js';


const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Converts an index value to the string that is hashed or encoded.
 * Throws InvalidIndexError for null, undefined, empty strings, strings with a
 * lone UTF-16 surrogate, non-finite numbers and anything that is not a scalar.
 */
export function indexToString(value: unknown, field: string): string {
  const text = indexText(value);
  if (text !== undefined) return text;

  if (value === undefined || value === null) {
    throw new InvalidIndexError(
      `The index field "${field}" is missing (got ${String(value)}); ` +
        `set it on the object or pass { index } explicitly.`,
    );
  }
  if (value === '') {
    throw new InvalidIndexError(`The index field "${field}" is an empty string; use a non-empty value.`);
  }
  if (typeof value === 'string') {
    throw new InvalidIndexError(
      `The index field "${field}" contains a lone UTF-16 surrogate, which has no UTF-8 form; ` +
        `fix the string before saving.`,
    );
  }
  if (typeof value === 'number') {
    throw new InvalidIndexError(`The index field "${field}" is ${value}; use a finite number or a string.`);
  }

  const kind = Array.isArray(value) ? 'an array' : `a value of type ${typeof value}`;
  throw new InvalidIndexError(
    `The index field "${field}" is ${kind}; an index must be a string, number, bigint or boolean.`,
  );
}

/** Returns the InvalidIndexError of save() for `obj`, which is not an object, so has no field `field`. */
export function notAnObjectError(obj: unknown, field: string): InvalidIndexError {
  return new InvalidIndexError(
    `save() needs an object with an "${field}" field, or { index } in its options; ` +
      `got ${obj === null ? 'null' : typeof obj}. Nothing was written.`,
  );
}

/**
 * Escapes an index value for a readable key. readable-index.ts exports it as
 * `encodeReadableIndex`.
 *
 * Bytes 0x00-0x2F (control characters, space, punctuation up to and including
 * `/` and `.`) become `!` plus two uppercase hex digits, and 0x7E-0x7F (`~`
 * and DEL) become `~` plus two hex digits. Each escaped range is contiguous
 * and contains its escape character, so the encoding keeps UTF-8 binary order:
 * listings with `start-after` see readable keys in the order of their values.
 * The result can never contain `/`, `..` or a control character.
 */
export function escapeIndex(value: string): string {
  let out = '';
  for (const byte of encoder.encode(value)) {
    if (byte <= 0x2f) out += '!' + hexByte(byte);
    else if (byte === 0x7e || byte === 0x7f) out += '~' + hexByte(byte);
    else out += String.fromCharCode(byte);
  }
  // The loop copied UTF-8 bytes one by one; reinterpret them as UTF-8 text.
  return decoder.decode(latin1Bytes(out));
}

/**
 * Returns the object key for the index text `text`: `prefix` plus its hash or
 * its readable encoding. Rejects readable keys over the 1,024-byte key limit.
 */
export async function keyForIndex(text: string, prefix: string, humanReadable: boolean, field: string): Promise<string> {
  if (!humanReadable) return prefix + (await sha256Hex(text));

  const key = prefix + escapeIndex(text);
  const size = utf8Length(key);
  if (size > MAX_KEY_BYTES) {
    throw new InvalidIndexError(
      `The index field "${field}" makes a readable key of ${size} bytes, over the ${MAX_KEY_BYTES}-byte ` +
        `key limit; use a shorter value or humanReadableIndexes: false.`,
    );
  }
  return key;
}

function hexByte(byte: number): string {
  return byte.toString(16).toUpperCase().padStart(2, '0');
}

function latin1Bytes(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}
