/**
 * Builds registered class instances from stored data, for the JSON and
 * msgpack readers (registry.ts states the rules). Only a registered class is
 * ever instantiated: a name is looked up in the registry, never evaluated.
 */
import { DecodeError } from '../errors.js';
import type { ClassRegistry } from '../registry.js';

/** Builds an instance of the class registered as `name` from its stored data. Throws DecodeError naming `key`. */
export function reviveInstance(classes: ClassRegistry, name: string, data: unknown, key: string): unknown {
  const cls = classes.get(name);
  if (cls === undefined) {
    throw new DecodeError(
      `The object "${key}" contains an instance of class "${name}", which is not registered; ` +
        `call db.register(${/^[A-Za-z_$][\w$]*$/.test(name) ? name : 'TheClass'}) or pass it in the classes option.`,
      { key },
    );
  }

  if (typeof cls.fromJSON === 'function') {
    try {
      return cls.fromJSON(data);
    } catch (error) {
      throw new DecodeError(`The object "${key}" could not be revived: ${name}.fromJSON threw an error.`, {
        key,
        cause: error,
      });
    }
  }

  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new DecodeError(
      `The object "${key}" stores class "${name}" with data that is not an object; ` +
        `give the class a static fromJSON to build it from that data.`,
      { key },
    );
  }

  // The constructor does not run. defineProperty keeps a stored "__proto__" key an own property.
  const instance = Object.create(cls.prototype) as object;
  for (const property of Object.keys(data)) {
    const value = (data as Record<string, unknown>)[property];
    Object.defineProperty(instance, property, { value, writable: true, enumerable: true, configurable: true });
  }
  return instance;
}
