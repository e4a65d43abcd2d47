/**
 * Registered classes: the only classes whose instances `load` and `all`
 * return. A record names a class by its registered name. A name that is not
 * registered is a DecodeError, and no stored text is ever run as code.
 *
 * Writing: an instance whose prototype is exactly a registered class's
 * prototype is stored with its class name and its data, which is the result of
 * its `toJSON()` when it has one, else its own enumerable properties.
 * Instances of classes that are not registered are stored as plain objects,
 * as before.
 *
 * Reading (codecs/revive.ts): when the class has a static `fromJSON(data)`,
 * the instance is what it returns. Otherwise the instance is `Object.create(Class.prototype)` with
 * the stored properties defined on it as own data properties: the constructor
 * does not run, and a stored `__proto__` property stays an own property
 * instead of changing the prototype. A class with `#private` fields has no
 * such fields on an instance made this way, so give it a `fromJSON`.
 */
import { formatOptionValue, invalidOption } from './codecs/option-value.js';
import { InvalidOptionsError } from './errors.js';

/**
 * A class that nodb can store and revive. An optional static `fromJSON(data)`
 * builds an instance from its stored data. Without one, nodb sets the stored
 * properties on a new object with the class's prototype.
 */
export type RegisteredClass = (abstract new (...args: never[]) => object) & { fromJSON?(data: unknown): unknown };

/** Classes to register: `{ User, Admin }` (names from the keys, safe under minifiers) or `[User, Admin]` (names from `Class.name`). */
export type ClassList = readonly RegisteredClass[] | Readonly<Record<string, RegisteredClass>>;

/** Class name that marks an escaped plain object in JSON records; no class may use it. */
export const ESCAPED_OBJECT_NAME = 'Object';

// Instances of these have internal slots that own properties cannot restore.
const BUILT_INS = [Array, Map, Set, Date, RegExp, Error, Promise, ArrayBuffer, Object.getPrototypeOf(Uint8Array)];

export class ClassRegistry {
  readonly #byName = new Map<string, RegisteredClass>();
  readonly #byPrototype = new Map<object, string>();

  constructor(classes?: ClassList) {
    if (classes === undefined) return;
    if (typeof classes !== 'object' || classes === null) {
      throw invalidOption('classes', 'an array of classes or an object such as { User }', classes);
    }
    if (Array.isArray(classes)) for (const cls of classes) this.register(cls);
    else for (const [name, cls] of Object.entries(classes)) this.register(cls, name);
  }

  /** Number of registered classes. */
  get size(): number {
    return this.#byName.size;
  }

  /** Registers `cls` under `name` (default `cls.name`). Throws InvalidOptionsError for a bad or taken name. */
  register(cls: RegisteredClass, name: string = (cls as { name?: string } | undefined)?.name ?? ''): void {
    if (typeof cls !== 'function' || typeof cls.prototype !== 'object' || cls.prototype === null) {
      throw new InvalidOptionsError(`register() needs a class; got ${formatOptionValue(cls)}.`);
    }
    if (BUILT_INS.some((builtIn) => cls.prototype instanceof builtIn || cls === builtIn)) {
      throw new InvalidOptionsError(
        `register() cannot take ${cls.name || 'this class'}: it is or extends a built-in type whose ` +
          `instances cannot be stored as properties; store its contents in a plain class instead.`,
      );
    }
    if (typeof name !== 'string' || name.length === 0 || name.length > 255 || name === ESCAPED_OBJECT_NAME) {
      throw new InvalidOptionsError(
        `A class needs a name of 1 to 255 characters other than "${ESCAPED_OBJECT_NAME}"; got ${formatOptionValue(name)}. ` +
          `Pass one, as in register(User, "User") or classes: { User }.`,
      );
    }

    const taken = this.#byName.get(name);
    const previousName = this.#byPrototype.get(cls.prototype);
    if (taken === cls && previousName === name) return;
    if (taken !== undefined) {
      throw new InvalidOptionsError(`The class name "${name}" is already registered for another class; choose another name.`);
    }
    if (previousName !== undefined) {
      throw new InvalidOptionsError(`This class is already registered as "${previousName}"; a class has one name.`);
    }

    this.#byName.set(name, cls);
    this.#byPrototype.set(cls.prototype, name);
  }

  /** Returns the registered name of `value`'s class, or undefined when that class is not registered. */
  nameOf(value: object): string | undefined {
    return this.#byName.size === 0 ? undefined : this.#byPrototype.get(Object.getPrototypeOf(value));
  }

  /** Returns what is stored for a registered instance: its `toJSON()` result, or a copy of its own enumerable properties. */
  dataOf(value: object): unknown {
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    // Spread defines properties, so an own "__proto__" property is copied as data.
    return typeof toJSON === 'function' ? toJSON.call(value) : { ...value };
  }

  /** Returns the class registered as `name`. */
  get(name: string): RegisteredClass | undefined {
    return this.#byName.get(name);
  }
}
