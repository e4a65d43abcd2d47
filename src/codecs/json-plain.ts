/**
 * The JSON writer for plain data, which is what most records contain: plain
 * objects and arrays, strings, booleans, null, and numbers that JavaScript
 * prints the way Python does. Its output is byte-identical to the full
 * writer's in json.ts, and so to Python's `json.dumps`.
 *
 * For anything else it returns undefined, and the caller loads the full
 * writer, which writes the exact text or throws the exact EncodeError. That
 * covers class instances, toJSON, Map, Set, binary data, BigInt, undefined
 * in an array, NaN, Infinity, -0, numbers that Python prints in exponent
 * form, an own "$class" property, and nesting deeper than MAX_PLAIN_DEPTH,
 * which every cycle reaches. The full writer reads every getter again.
 *
 * This module loads up front, so it also contains what the up-front code
 * shares with the modules that load on first need (json.ts, json-tags.ts,
 * full-codec.ts): the tag property names, MAX_EXACT_INTEGER, `quote` and
 * `mayContainTags`.
 */

/** Property that marks a class tag in JSON records (json.ts describes tags). */
export const CLASS_TAG = '$class';
/** Property that contains a tagged value's data. */
export const DATA_TAG = '$data';

/** Largest magnitude up to which String() prints an integer with all its digits. */
export const MAX_EXACT_INTEGER = 2 ** 53;

/** Maximum nesting that the plain writer follows. The full writer writes deeper values and finds cycles. */
const MAX_PLAIN_DEPTH = 100;

/** Thrown inside the plain writer when a value needs the full writer. */
const NOT_PLAIN = new Error('The value needs the full JSON writer.');

/** A `\u` escape of one of the characters of "$class". */
const ESCAPED_TAG_CHARACTER = /\\u00(?:24|63|6c|61|73)/i;

/** Code units that Python's `ensure_ascii` escapes but JSON.stringify leaves as they are. */
const NON_ASCII = /[\u007f-\uffff]/g;

/** Returns `value` as Python's `json.dumps` writes it, or undefined when the full writer must write it. */
export function writePlainJson(value: unknown): string | undefined {
  try {
    return writeValue(value, 0);
  } catch {
    // NOT_PLAIN, or an error from a getter, which the full writer raises again in its own way.
    return undefined;
  }
}

/**
 * Quotes a string as Python's `json.dumps` does. JSON.stringify escapes the
 * same characters in the same form (`\n`, `\u001f`, a lone surrogate as
 * `\udc00`), except every code unit from 0x7F up, which `ensure_ascii` also
 * writes as `\uXXXX` in lowercase hex.
 */
export function quote(text: string): string {
  return JSON.stringify(text).replace(NON_ASCII, escapeCodeUnit);
}

/**
 * True when a record's JSON text may contain a class tag: the key "$class"
 * written as it is, or with one of its characters as a `\u` escape (other
 * writers may escape any character). Other records, those with non-ASCII
 * text included, need no walk.
 */
export function mayContainTags(text: string): boolean {
  return text.includes(CLASS_TAG) || ESCAPED_TAG_CHARACTER.test(text);
}

function writeValue(value: unknown, depth: number): string {
  if (value === null) return 'null';

  switch (typeof value) {
    case 'string':
      return quote(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (printsLikePython(value)) return String(value);
      break;
    case 'object':
      if (depth < MAX_PLAIN_DEPTH) return writeObject(value, depth + 1);
      break;
  }
  throw NOT_PLAIN;
}

function writeObject(value: object, depth: number): string {
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') throw NOT_PLAIN;

  if (Array.isArray(value)) {
    const items: string[] = [];
    // An index loop, because map() and join() would skip holes instead of rejecting them.
    for (let i = 0; i < value.length; i++) items.push(writeValue(value[i], depth));
    return '[' + items.join(', ') + ']';
  }

  const prototype: unknown = Object.getPrototypeOf(value);
  if ((prototype !== Object.prototype && prototype !== null) || Object.hasOwn(value, CLASS_TAG)) throw NOT_PLAIN;

  const members: string[] = [];
  for (const name of Object.keys(value)) {
    const member = (value as Record<string, unknown>)[name];
    // Like JSON.stringify, an undefined property is treated as absent.
    if (member !== undefined) members.push(quote(name) + ': ' + writeValue(member, depth));
  }
  return '{' + members.join(', ') + '}';
}

/**
 * True when String(value) is what Python prints: an integer of at most 2^53
 * in magnitude other than -0, or a non-integral number of at least 1e-4 in magnitude.
 * Every non-integral number is below 2^53, so both write it in fixed notation
 * with the same shortest round-trip digits.
 */
function printsLikePython(value: number): boolean {
  if (Number.isInteger(value)) return Math.abs(value) <= MAX_EXACT_INTEGER && !Object.is(value, -0);
  return Number.isFinite(value) && Math.abs(value) >= 1e-4;
}

function escapeCodeUnit(char: string): string {
  return '\\u' + char.charCodeAt(0).toString(16).padStart(4, '0');
}
