/**
 * JSON text exactly as Python 3's `json.dumps(value)` writes it with default
 * arguments: `", "` and `": "` separators, `ensure_ascii` escapes (every code
 * unit outside 0x20-0x7E as `\uXXXX` in lowercase hex), and floats in the form
 * of Python's `repr`. That keeps our records byte-compatible with the Python
 * NoDB, which serializes its envelope with a plain `json.dumps`.
 *
 * JavaScript has one number type, so a number with an integral value is
 * written as a Python int (`1`, never `1.0`). Values that JSON cannot carry
 * raise EncodeError instead of being dropped or mangled the way
 * `JSON.stringify` would.
 *
 * Class tags: an instance of a registered class is written as
 * `{"$class": "<name>", "$data": <data>}`, and reading turns it back into an
 * instance (see json-tags.ts). User data must never pass for a tag, so a
 * plain object that has its own `"$class"` property is escaped as
 * `{"$class": "Object", "$data": {<its properties>}}`. No class can register
 * the name "Object". Objects without a `"$class"` property are written
 * exactly as before.
 *
 * json-plain.ts writes plain data the same way and loads up front. This
 * writer handles every value, and NoDB loads it only for the values that the
 * plain writer leaves to it.
 */
import { EncodeError } from '../errors.js';
import { ESCAPED_OBJECT_NAME, type ClassRegistry } from '../registry.js';
import { CLASS_TAG, DATA_TAG, MAX_EXACT_INTEGER, quote } from './json-plain.js';

interface WriteContext {
  /** Objects on the path from the root to the current value, to find cycles. */
  seen: Set<object>;
  /** Objects on the path whose `toJSON()` result is being written, to find toJSON loops. */
  inToJSON: Set<object>;
  classes: ClassRegistry | undefined;
}

/**
 * Serializes `value` the way Python's `json.dumps` does, writing instances of
 * classes in `classes` as class tags. Throws EncodeError.
 */
export function pythonJsonStringify(value: unknown, classes?: ClassRegistry): string {
  const context: WriteContext = { seen: new Set<object>(), inToJSON: new Set<object>(), classes };
  try {
    return writeValue(value, '', context);
  } catch (error) {
    if (error instanceof EncodeError) throw error;
    if (error instanceof RangeError) {
      throw new EncodeError('The value is nested too deeply to serialize as JSON. Nothing was written.', { cause: error });
    }
    throw error;
  }
}

function writeValue(value: unknown, path: string, context: WriteContext): string {
  if (value === null) return 'null';

  switch (typeof value) {
    case 'string':
      return quote(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      return writeNumber(value, path);
    case 'object':
      return writeObject(value, path, context);
    case 'bigint':
      throw unserializable(path, 'a BigInt', 'convert it to a string or a number, or use serializer "msgpack"');
    case 'undefined':
      throw unserializable(path, 'undefined', 'use null or leave the property out');
    default:
      throw unserializable(path, `a ${typeof value}`, 'remove it from the object before saving');
  }
}

function writeObject(value: object, path: string, context: WriteContext): string {
  const { seen } = context;
  if (context.inToJSON.has(value)) {
    throw unserializable(path, 'an object whose toJSON() result leads back to the object', 'make toJSON return plain data');
  }
  if (seen.has(value)) {
    throw unserializable(path, 'a circular reference', 'remove the cycle before saving');
  }

  const className = context.classes?.nameOf(value);
  if (className !== undefined) return writeInstance(value, className, path, context);

  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return writeToJSON(value, path, context);

  if (value instanceof Map || value instanceof Set) {
    const kind = value instanceof Map ? 'a Map' : 'a Set';
    throw unserializable(path, kind, 'convert it to an object or array, or use serializer "msgpack"');
  }
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) {
    throw unserializable(path, 'binary data', 'encode it as base64 text, or use serializer "msgpack"');
  }

  seen.add(value);
  const text = Array.isArray(value) ? writeArray(value, path, context) : writePlainObject(value, path, context);
  seen.delete(value);
  return text;
}

/**
 * Returns what `value.toJSON()` returns, which is then written in its place.
 * Throws EncodeError when the result is `value` itself or leads back to it,
 * because writing it would call the same toJSON again without end.
 */
function callToJSON(value: object, path: string): unknown {
  const result: unknown = (value as { toJSON(): unknown }).toJSON();
  if (result === value) {
    throw unserializable(path, 'an object whose toJSON() returns the object itself', 'make toJSON return plain data');
  }
  return result;
}

/** Writes the result of `value.toJSON()`, with `value` marked so that a result leading back to it is an error. */
function writeToJSON(value: object, path: string, context: WriteContext): string {
  const result = callToJSON(value, path);
  context.inToJSON.add(value);
  const text = writeValue(result, path, context);
  context.inToJSON.delete(value);
  return text;
}

/** Writes a registered class instance as a class tag; its data is written as any other value. */
function writeInstance(value: object, className: string, path: string, context: WriteContext): string {
  context.seen.add(value);
  const hasToJSON = typeof (value as { toJSON?: unknown }).toJSON === 'function';
  const data = hasToJSON ? writeToJSON(value, path, context) : writePlainObject(value, path, context);
  context.seen.delete(value);
  return `{${quote(CLASS_TAG)}: ${quote(className)}, ${quote(DATA_TAG)}: ${data}}`;
}

/** Writes an object's properties, escaping the object when it has its own "$class" property. */
function writePlainObject(value: object, path: string, context: WriteContext): string {
  const properties = writeProperties(value, path, context);
  if (!Object.hasOwn(value, CLASS_TAG)) return properties;
  return `{${quote(CLASS_TAG)}: ${quote(ESCAPED_OBJECT_NAME)}, ${quote(DATA_TAG)}: ${properties}}`;
}

function writeArray(items: readonly unknown[], path: string, context: WriteContext): string {
  if (items.length === 0) return '[]';

  const parts: string[] = [];
  for (let i = 0; i < items.length; i++) parts.push(writeValue(items[i], `${path}[${i}]`, context));
  return '[' + parts.join(', ') + ']';
}

function writeProperties(value: object, path: string, context: WriteContext): string {
  const parts: string[] = [];

  for (const name of Object.keys(value)) {
    const member = (value as Record<string, unknown>)[name];
    // Like JSON.stringify, an undefined property is treated as absent.
    if (member === undefined) continue;
    parts.push(quote(name) + ': ' + writeValue(member, path ? `${path}.${name}` : name, context));
  }

  return parts.length === 0 ? '{}' : '{' + parts.join(', ') + '}';
}

function writeNumber(value: number, path: string): string {
  if (!Number.isFinite(value)) {
    throw unserializable(path, String(value), 'JSON has no NaN or Infinity; store null or a string');
  }
  if (Object.is(value, -0)) return '-0.0';
  if (Number.isInteger(value)) {
    // Python prints ints with every digit. Above 2^53, JavaScript prints the
    // shortest digits that read back as the same number (2^64 as 18446744073709552000,
    // and 1e21 up in exponent form), which Python would read as another int.
    return Math.abs(value) <= MAX_EXACT_INTEGER ? String(value) : BigInt(value).toString();
  }
  return pythonFloatRepr(value);
}

/**
 * Formats a non-integral finite number as Python's `repr(float)` does: the
 * shortest round-trip digits (the same digits JavaScript picks), in fixed
 * notation when the decimal exponent is in [-4, 16), else as `d.ddde-XX`.
 */
export function pythonFloatRepr(value: number): string {
  const [mantissa = '', exponentText = '0'] = value.toExponential().split('e');
  const negative = mantissa.startsWith('-');
  const digits = mantissa.replace('-', '').replace('.', '');
  const exponent = Number(exponentText);
  const sign = negative ? '-' : '';

  if (exponent < -4 || exponent >= 16) {
    const fraction = digits.length > 1 ? '.' + digits.slice(1) : '';
    const exponentSign = exponent < 0 ? '-' : '+';
    return `${sign}${digits[0]}${fraction}e${exponentSign}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }

  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;

  const whole = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0');
  const fraction = digits.slice(exponent + 1) || '0';
  return `${sign}${whole}.${fraction}`;
}

function unserializable(path: string, what: string, fix: string): EncodeError {
  const where = path ? `The value at "${path}"` : 'The value';
  return new EncodeError(`${where} is ${what}, which JSON cannot store; ${fix}. Nothing was written.`);
}
