/**
 * Checks a value before it is encoded as msgpack, so that a value the format
 * would drop, change or reject raises EncodeError naming its path before
 * anything is written. The rules match the JSON writer where the formats
 * overlap: a property whose value is `undefined` is left out, `undefined`
 * anywhere else is an error, cycles, functions and symbols are errors.
 *
 * On top of JSON, msgpack stores Date, Uint8Array, Map, Set, BigInt, NaN and
 * Infinity. It rejects what it would store inexactly. Other typed arrays and
 * ArrayBuffer would load as Uint8Array. Invalid Dates have no timestamp. UTF-8
 * has no form for a lone UTF-16 surrogate. Instances of unregistered classes
 * with a `toJSON` method (such as URL) usually keep their state outside own
 * properties.
 */
import { EncodeError } from '../errors.js';
import type { ClassRegistry } from '../registry.js';
import type { ResolvedLimits } from './limits.js';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

interface CheckContext {
  classes: ClassRegistry;
  limits: ResolvedLimits;
  /** Objects on the path from the root to the current value, to find cycles. */
  seen: Set<object>;
  /** Stored data of each registered instance, computed once so that `toJSON` runs once. */
  classData: Map<object, unknown>;
  /** Containers around the current value, counting the envelope map. */
  depth: number;
}

/**
 * Throws EncodeError unless msgpack can store `value` exactly. Returns the
 * stored data of each registered class instance in `value`.
 */
export function checkMsgpackValue(value: unknown, classes: ClassRegistry, limits: ResolvedLimits): Map<object, unknown> {
  const context: CheckContext = { classes, limits, seen: new Set(), classData: new Map(), depth: 1 };
  try {
    check(value, '', context);
  } catch (error) {
    if (error instanceof RangeError) {
      throw new EncodeError('The value is nested too deeply to serialize as msgpack. Nothing was written.', { cause: error });
    }
    throw error;
  }
  return context.classData;
}

function check(value: unknown, path: string, context: CheckContext): void {
  switch (typeof value) {
    case 'string':
      if (LONE_SURROGATE.test(value)) {
        throw unserializable(path, 'a string with a lone UTF-16 surrogate', 'replace the surrogate or pair it');
      }
      return;
    case 'number':
    case 'boolean':
    case 'bigint':
      return;
    case 'undefined':
      throw unserializable(path, 'undefined', 'use null or leave the property out');
    case 'object':
      if (value === null) return;
      return checkObject(value, path, context);
    default:
      throw unserializable(path, `a ${typeof value}`, 'remove it from the object before saving');
  }
}

function checkObject(value: object, path: string, context: CheckContext): void {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw unserializable(path, 'an invalid Date', 'store null or a valid Date');
    return;
  }
  if (value instanceof Uint8Array) return;
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) {
    throw unserializable(
      path,
      `a ${value.constructor?.name ?? 'binary view'}`,
      'msgpack loads binary data as Uint8Array, so wrap it: new Uint8Array(x.buffer, x.byteOffset, x.byteLength)',
    );
  }

  const { seen } = context;
  if (seen.has(value)) throw unserializable(path, 'a circular reference', 'remove the cycle before saving');
  // msgpack nests at least as deep as the value does, so a deeper value can only fail the scan after encoding.
  if (++context.depth > context.limits.maxDepth) {
    throw new EncodeError(
      `The value at "${path || '(root)'}" is nested more than limits.maxDepth (${context.limits.maxDepth}) levels ` +
        `deep, so readers would reject the record; raise the limit on every client or flatten the value. Nothing was written.`,
    );
  }
  seen.add(value);

  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) check(value[i], `${path}[${i}]`, context);
  } else if (value instanceof Map) {
    checkMap(value, path, context);
  } else if (value instanceof Set) {
    let i = 0;
    for (const item of value) check(item, `${path}<item ${i++}>`, context);
  } else {
    checkRecord(value, path, context);
  }

  seen.delete(value);
  context.depth -= 1;
}

function checkMap(map: Map<unknown, unknown>, path: string, context: CheckContext): void {
  const { maxMapLength } = context.limits;
  if (map.size > maxMapLength) {
    throw new EncodeError(
      `The Map at "${path || '(root)'}" has ${map.size} entries, over limits.maxMapLength (${maxMapLength}), so readers ` +
        `would reject the record; raise the limit on every client or split the Map. Nothing was written.`,
    );
  }

  let i = 0;
  for (const [key, member] of map) {
    check(key, `${path}<key ${i}>`, context);
    check(member, `${path}<value ${i}>`, context);
    i += 1;
  }
}

/** Checks a plain object or a class instance. */
function checkRecord(value: object, path: string, context: CheckContext): void {
  const className = context.classes.nameOf(value);
  if (className !== undefined) {
    const data = context.classes.dataOf(value);
    if (data === value) {
      throw unserializable(path, `a ${className} whose toJSON() returns the object itself`, 'make toJSON return plain data');
    }
    context.classData.set(value, data);
    check(data, path, context);
    return;
  }

  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    const name = (value.constructor as { name?: string } | undefined)?.name || 'class instance';
    throw unserializable(
      path,
      `a ${name} with a toJSON method`,
      `msgpack stores own properties only, which would lose its state; convert it first (for example with ` +
        `String() or toJSON()), or register the class`,
    );
  }
  checkMembers(value, path, context);
}

function checkMembers(value: object, path: string, context: CheckContext): void {
  for (const name of Object.keys(value)) {
    const member = (value as Record<string, unknown>)[name];
    if (member === undefined) continue;
    const memberPath = path ? `${path}.${name}` : name;
    if (LONE_SURROGATE.test(name)) {
      throw unserializable(memberPath, 'a property name with a lone UTF-16 surrogate', 'rename the property');
    }
    check(member, memberPath, context);
  }
}

function unserializable(path: string, what: string, fix: string): EncodeError {
  const where = path ? `The value at "${path}"` : 'The value';
  return new EncodeError(`${where} is ${what}, which msgpack cannot store; ${fix}. Nothing was written.`);
}
