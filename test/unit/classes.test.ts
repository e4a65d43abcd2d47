import { describe, expect, it } from 'vitest';
import { ClassRegistry, DecodeError, EncodeError, InvalidOptionsError, MemoryStore, NoDB } from '../../src/index.js';

let constructed = 0;

class User {
  constructor(
    public id: string,
    public name: string,
  ) {
    constructed += 1;
  }

  greet(): string {
    return `Hello, ${this.name}`;
  }
}

class Temperature {
  readonly #kelvin: number;

  constructor(kelvin: number) {
    this.#kelvin = kelvin;
  }

  get celsius(): number {
    return this.#kelvin - 273.15;
  }

  toJSON(): { kelvin: number } {
    return { kelvin: this.#kelvin };
  }

  static fromJSON(data: unknown): Temperature {
    return new Temperature((data as { kelvin: number }).kelvin);
  }
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

for (const serializer of ['json', 'msgpack'] as const) {
  describe(`registered classes under ${serializer}`, () => {
    const open = (store = new MemoryStore()) => ({ store, db: new NoDB<unknown>({ store, serializer, classes: { User } }) });

    it('load returns instances', async () => {
      const { db } = open();
      await db.save(new User('ada', 'Ada'));

      const loaded = (await db.load('ada')) as User;
      expect(loaded).toBeInstanceOf(User);
      expect(loaded.greet()).toBe('Hello, Ada');
      expect({ ...loaded }).toEqual({ id: 'ada', name: 'Ada' });
    });

    it('all returns instances', async () => {
      const { db } = open();
      await db.save(new User('a', 'A'));
      await db.save(new User('b', 'B'));

      const users: unknown[] = [];
      for await (const user of db.all()) users.push(user);
      expect(users).toHaveLength(2);
      for (const user of users) expect(user).toBeInstanceOf(User);
    });

    it('constructor does not run', async () => {
      const { db } = open();
      await db.save(new User('c', 'C'));
      const before = constructed;
      await db.load('c');
      expect(constructed).toBe(before);
    });

    it('nested instances and fromJSON', async () => {
      const { db } = open();
      db.register(Temperature);
      await db.save({ users: [new User('x', 'X')], reading: { at: new Temperature(300) } }, { index: 'n' });

      const loaded = (await db.load('n')) as { users: User[]; reading: { at: Temperature } };
      expect(loaded.users[0]).toBeInstanceOf(User);
      expect(loaded.reading.at).toBeInstanceOf(Temperature);
      expect(loaded.reading.at.celsius).toBeCloseTo(26.85);
    });

    it('unregistered class is a DecodeError', async () => {
      const { db, store } = open();
      await db.save(new User('u', 'U'));
      const stranger = new NoDB({ store });

      const error = await stranger.load('u').catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(DecodeError);
      expect((error as DecodeError).message).toContain('class "User", which is not registered');
      expect((error as DecodeError).message).toContain('db.register(User)');
      expect((error as DecodeError).key).toBe(await db.keyFor('u'));
    });

    it('unregistered instances store as plain objects', async () => {
      const { db } = open();
      class Plain {
        constructor(public id: string) {}
      }
      await db.save(new Plain('p'));
      const loaded = await db.load('p');
      expect(Object.getPrototypeOf(loaded)).toBe(Object.prototype);
      expect(loaded).toEqual({ id: 'p' });
    });

    it('stored __proto__ stays own data', async () => {
      const { db } = open();
      const user = new User('proto', 'P');
      Object.defineProperty(user, '__proto__', { value: { isAdmin: true }, enumerable: true, writable: true, configurable: true });
      await db.save(user);

      const loaded = (await db.load('proto')) as User;
      expect(Object.getPrototypeOf(loaded)).toBe(User.prototype);
      expect(Object.getOwnPropertyDescriptor(loaded, '__proto__')?.value).toEqual({ isAdmin: true });
      expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    });

    it('rejects a toJSON returning this', async () => {
      class Loop {
        id = 'loop';
        toJSON(): unknown {
          return this;
        }
      }
      const store = new MemoryStore();
      const db = new NoDB<unknown>({ store, serializer, classes: { Loop } });
      const error = await db.save({ nested: new Loop() }, { index: 'loop' }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(EncodeError);
      expect((error as Error).message).toContain('"nested"');
      expect((error as Error).message).toContain('toJSON() returns the object itself');
      expect((error as Error).message).toContain('Nothing was written');
      expect(await store.head(await db.keyFor('loop'))).toBeNull();
    });
  });
}

describe('toJSON loops under json', () => {
  async function saveFailure(value: unknown): Promise<Error> {
    const store = new MemoryStore();
    const db = new NoDB<unknown>({ store });
    const error = await db.save(value, { index: 'k' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(EncodeError);
    expect(await store.head(await db.keyFor('k'))).toBeNull();
    return error as Error;
  }

  it('rejects an unregistered toJSON returning this', async () => {
    const message = (await saveFailure({ a: { b: { toJSON() { return this; } } } })).message;
    expect(message).toContain('The value at "a.b"');
    expect(message).toContain('toJSON() returns the object itself');
    expect(message).toContain('Nothing was written');
    expect(message).not.toContain('nested too deeply');
  });

  it('rejects toJSON results that loop', async () => {
    const first: Record<string, unknown> = {};
    const second = { toJSON: () => ({ back: first }) };
    first.toJSON = () => second;
    const message = (await saveFailure({ x: first })).message;
    expect(message).toContain('The value at "x.back"');
    expect(message).toContain('leads back to the object');
    expect(message).toContain('Nothing was written');
  });

  it('rejects toJSON results without end', async () => {
    const fresh = (): unknown => ({ toJSON: fresh });
    const message = (await saveFailure({ x: { toJSON: fresh } })).message;
    expect(message).toContain('nested too deeply');
    expect(message).toContain('Nothing was written');
  });
});

describe('JSON class tags', () => {
  it('are written as $class and $data', async () => {
    const store = new MemoryStore();
    const db = new NoDB<unknown>({ store, classes: { User } });
    const { key } = await db.save(new User('ada', 'Ada'));
    const stored = await store.get(key);
    if (!stored?.modified) throw new Error('not stored');

    expect(decoder.decode(stored.body)).toMatch(/"obj": \{"\$class": "User", "\$data": \{"id": "ada", "name": "Ada"\}\}\}$/);
  });

  it('escape user data that uses $class', async () => {
    const store = new MemoryStore();
    const db = new NoDB<unknown>({ store });
    const value = { id: 'e', nested: { $class: 'User', $data: { id: 'fake' } }, list: [{ $class: 'x' }] };
    const { key } = await db.save(value);
    const stored = await store.get(key);
    if (!stored?.modified) throw new Error('not stored');

    expect(decoder.decode(stored.body)).toContain('"nested": {"$class": "Object", "$data": {"$class": "User", "$data": {"id": "fake"}}}');
    expect(await db.load('e')).toEqual(value);
    expect(await new NoDB({ store, classes: { User } }).load('e')).toEqual(value);
  });

  it('leave other records byte-identical', async () => {
    const store = new MemoryStore();
    const db = new NoDB<unknown>({ store, classes: { User } });
    const { key, dt, uuid } = await db.save({ id: 'plain', $data: 1, class: 'c' });
    const stored = await store.get(key);
    if (!stored?.modified) throw new Error('not stored');

    expect(decoder.decode(stored.body)).toBe(
      `{"serializer": "json", "dt": "${dt}", "uuid": "${uuid}", "obj": {"id": "plain", "$data": 1, "class": "c"}}`,
    );
  });

  const malformed: Array<[string, string, RegExp]> = [
    ['extra key', '{"$class": "User", "$data": {}, "x": 1}', /not a class tag/],
    ['missing $data', '{"$class": "User"}', /not a class tag/],
    ['non-string name', '{"$class": 1, "$data": {}}', /not a class tag/],
    ['escaped non-object', '{"$class": "Object", "$data": [1]}', /escaped object whose "\$data" is not an object/],
    ['unknown class', '{"$class": "Evil", "$data": {}}', /class "Evil", which is not registered/],
    ['class named constructor', '{"$class": "constructor", "$data": {}}', /class "constructor", which is not registered/],
    ['class named __proto__', '{"$class": "__proto__", "$data": {}}', /class "__proto__", which is not registered/],
    ['code as a name', '{"$class": "process.exit(1)", "$data": {}}', /db\.register\(TheClass\)/],
    ['escaped $class key', '{"\\u0024class": "Evil", "$data": {}}', /class "Evil", which is not registered/],
    ['instance data not an object', '{"$class": "User", "$data": 5}', /data that is not an object/],
  ];

  for (const [name, obj, message] of malformed) {
    it(`reject ${name}`, async () => {
      const store = new MemoryStore();
      const db = new NoDB({ store, classes: { User } });
      const key = await db.keyFor('m');
      await store.put(key, encoder.encode(`{"serializer": "json", "dt": "2020-01-01 00:00:00", "uuid": "u", "obj": ${obj}}`));

      const error = await db.load('m').catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(DecodeError);
      expect((error as Error).message).toMatch(message);
      expect((error as DecodeError).key).toBe(key);
    });
  }

  it('fromJSON errors are DecodeErrors', async () => {
    class Broken {
      static fromJSON(): never {
        throw new Error('bad data');
      }
    }
    const store = new MemoryStore();
    const db = new NoDB({ store, classes: { Broken } });
    await store.put(await db.keyFor('b'), encoder.encode('{"serializer": "json", "dt": "", "uuid": "", "obj": {"$class": "Broken", "$data": {}}}'));

    const error = await db.load('b').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DecodeError);
    expect((error as Error).message).toContain('Broken.fromJSON threw');
    expect(((error as Error).cause as Error).message).toBe('bad data');
  });
});

describe('ClassRegistry', () => {
  it('takes an array or a record', () => {
    expect(new ClassRegistry([User]).get('User')).toBe(User);
    expect(new ClassRegistry({ Person: User }).get('Person')).toBe(User);
  });

  it('register is idempotent', () => {
    const registry = new ClassRegistry();
    registry.register(User);
    registry.register(User);
    expect(registry.size).toBe(1);
  });

  const invalid: Array<[string, () => void, RegExp]> = [
    ['non-class', () => new ClassRegistry().register(42 as never), /needs a class/],
    ['arrow function', () => new ClassRegistry().register((() => 1) as never), /needs a class/],
    ['reserved name', () => new ClassRegistry().register(User, 'Object'), /other than "Object"/],
    ['empty name', () => new ClassRegistry().register(class {}, ''), /name of 1 to 255/],
    ['taken name', () => new ClassRegistry({ User }).register(class Other {}, 'User'), /already registered for another class/],
    ['second name', () => new ClassRegistry({ User }).register(User, 'Person'), /already registered as "User"/],
    ['Map subclass', () => new ClassRegistry().register(class Registry extends Map {}), /extends a built-in type/],
    ['Date subclass', () => new ClassRegistry().register(class Moment extends Date {}), /extends a built-in type/],
    ['array subclass', () => new ClassRegistry().register(class List extends Array {}), /extends a built-in type/],
    ['classes not an object', () => new NoDB({ store: new MemoryStore(), classes: 5 as never }), /classes must be/],
  ];

  for (const [name, attempt, message] of invalid) {
    it(`rejects ${name}`, () => {
      expect(attempt).toThrowError(InvalidOptionsError);
      expect(attempt).toThrowError(message);
    });
  }

  it('NoDB.register returns the NoDB', () => {
    const db = new NoDB({ store: new MemoryStore() });
    expect(db.register(User)).toBe(db);
  });
});
