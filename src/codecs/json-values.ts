/**
 * A bound on the values in a JSON text, checked before `JSON.parse` runs.
 * `JSON.parse` builds the whole value at once, so a text of empty objects
 * (`[{},{},...]`, 3 bytes each) would take about 67 bytes of heap per 3 bytes
 * of input, measured on Node 20, before any later check could run.
 *
 * Every value other than the root follows a `[`, a `{` or a `,`, so
 * 1 + the count of those bytes outside strings is at least the number of
 * values. Map keys are not counted apart, because each key comes with a value.
 */
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACKET = 0x5b;
const OPEN_BRACE = 0x7b;
const COMMA = 0x2c;

/**
 * Returns an upper bound on the values in the JSON text `bytes` (UTF-8), or
 * `stopAfter + 1` as soon as the bound passes `stopAfter`.
 */
export function countJsonValues(bytes: Uint8Array, stopAfter: number): number {
  let count = 1;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i]!;
    if (inString) {
      // UTF-8 continuation bytes are 0x80 or more, so they never match these.
      if (byte === BACKSLASH) i += 1;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) {
      inString = true;
    } else if (byte === OPEN_BRACKET || byte === OPEN_BRACE || byte === COMMA) {
      count += 1;
      if (count > stopAfter) return count;
    }
  }
  return count;
}

/**
 * True when the JSON text `bytes` may hold more than `maxValues` values. Texts
 * shorter than the limit skip the scan, because each value takes at least one byte.
 */
export function exceedsValueLimit(bytes: Uint8Array, maxValues: number): boolean {
  return bytes.length >= maxValues && countJsonValues(bytes, maxValues) > maxValues;
}
