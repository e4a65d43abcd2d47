/**
 * Reading class tags back from a parsed JSON record: `{"$class": "User",
 * "$data": ...}` becomes a registered User instance, and the escape
 * `{"$class": "Object", "$data": {...}}` becomes the plain object it wrapped
 * (json.ts describes the tags). Any other object with an own "$class"
 * property is a DecodeError, so a tag is never taken for data, nor data for a
 * tag.
 *
 * NoDB imports this module only for records whose text may contain a tag.
 * The walk replaces values in place. It sets object members with
 * `defineProperty`, because assigning to a key "__proto__" would change the
 * object's prototype.
 */
import { DecodeError } from '../errors.js';
import { ESCAPED_OBJECT_NAME, type ClassRegistry } from '../registry.js';
import { CLASS_TAG, DATA_TAG } from './json-plain.js';
import { reviveInstance } from './revive.js';

/** Replaces every class tag in `value` (parsed JSON) with what it stands for. Throws DecodeError naming `key`. */
export function reviveTags(value: unknown, classes: ClassRegistry, key: string): unknown {
  try {
    return revive(value, classes, key);
  } catch (error) {
    if (error instanceof RangeError) {
      throw new DecodeError(`The object "${key}" is nested too deeply to decode in this runtime.`, { key, cause: error });
    }
    throw error;
  }
}

function revive(value: unknown, classes: ClassRegistry, key: string): unknown {
  if (typeof value !== 'object' || value === null) return value;

  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (typeof item === 'object' && item !== null) value[i] = revive(item, classes, key);
    }
    return value;
  }

  if (Object.hasOwn(value, CLASS_TAG)) return reviveTag(value as Record<string, unknown>, classes, key);
  reviveMembers(value as Record<string, unknown>, classes, key);
  return value;
}

function reviveMembers(object: Record<string, unknown>, classes: ClassRegistry, key: string): void {
  for (const name of Object.keys(object)) {
    const member = object[name];
    if (typeof member !== 'object' || member === null) continue;

    const revived = revive(member, classes, key);
    if (revived !== member) {
      Object.defineProperty(object, name, { value: revived, writable: true, enumerable: true, configurable: true });
    }
  }
}

function reviveTag(tag: Record<string, unknown>, classes: ClassRegistry, key: string): unknown {
  const name = tag[CLASS_TAG];
  const data = tag[DATA_TAG];
  if (typeof name !== 'string' || Object.keys(tag).length !== 2 || !Object.hasOwn(tag, DATA_TAG)) {
    throw new DecodeError(
      `The object "${key}" contains an object with a "${CLASS_TAG}" property that is not a class tag ` +
        `({"${CLASS_TAG}": "<name>", "${DATA_TAG}": ...}); it was not written by nodb. Fix or remove the record.`,
      { key },
    );
  }

  if (name === ESCAPED_OBJECT_NAME) {
    if (typeof data !== 'object' || data === null || Array.isArray(data)) {
      throw new DecodeError(
        `The object "${key}" contains an escaped object whose "${DATA_TAG}" is not an object; the record is damaged.`,
        { key },
      );
    }
    // The wrapped object's own "$class" property is data, so only its members are walked.
    reviveMembers(data as Record<string, unknown>, classes, key);
    return data;
  }

  return reviveInstance(classes, name, revive(data, classes, key), key);
}
