/**
 * NoDB's public API against a real store. Each test file runs this suite on
 * one store (MemoryStore, s3rver, Ceph RGW); every test uses its own prefix.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DecodeError,
  EncodeError,
  InvalidIndexError,
  NoDB,
  type NoDBBaseOptions,
  type ObjectStore,
} from '../../src/index.js';
import { collect } from '../helpers/collect.js';

export interface SuiteTarget {
  store: ObjectStore;
  stop?: () => Promise<void>;
}

export interface SuiteCapabilities {
  /** Listings come in UTF-8 binary key order; s3rver lists in the order of its files. */
  binaryKeyOrder: boolean;
}

interface Person {
  id: string;
  name: string;
  tags?: string[];
  [field: string]: unknown;
}

const DT = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{6})?$/;
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

export function nodbSuite(name: string, capabilities: SuiteCapabilities, open: () => Promise<SuiteTarget>): void {
  describe(`NoDB on ${name}`, () => {
    let target: SuiteTarget;
    let run = 0;

    const openDb = <T = Person>(options: NoDBBaseOptions = {}) =>
      new NoDB<T>({ store: target.store, prefix: `nodb-${++run}-${crypto.randomUUID().slice(0, 8)}/`, ...options });

    beforeAll(async () => {
      target = await open();
    });
    afterAll(async () => {
      await target?.stop?.();
    });

    it('save then load', async () => {
      const db = openDb();
      const person = { id: 'ada', name: 'Ada Lovelace', tags: ['math', 'engines'] };
      const result = await db.save(person);

      expect(result.key).toBe(await db.keyFor('ada'));
      expect(result.dt).toMatch(DT);
      expect(result.uuid).toMatch(UUID_V4);
      expect(result.etag).not.toBe('');
      expect(await db.load('ada')).toEqual(person);
    });

    it('load of missing record', async () => {
      const db = openDb();
      expect(await db.load('nobody')).toBeUndefined();
      expect(await db.load('nobody', { default: { id: 'x', name: 'fallback' } })).toEqual({ id: 'x', name: 'fallback' });
      expect(await db.load('nobody', { metainfo: true })).toBeUndefined();
    });

    it('load with metainfo', async () => {
      const db = openDb();
      const saved = await db.save({ id: 'grace', name: 'Grace Hopper' });
      const record = await db.load('grace', { metainfo: true });

      expect(record).toEqual({
        obj: { id: 'grace', name: 'Grace Hopper' },
        dt: saved.dt,
        uuid: saved.uuid,
        etag: saved.etag,
        key: saved.key,
      });
    });

    it('save with explicit index', async () => {
      const db = openDb<{ payload: number[] }>();
      await db.save({ payload: [1, 2, 3] }, { index: 'event-7' });
      expect(await db.load('event-7')).toEqual({ payload: [1, 2, 3] });
    });

    it('non-object values need an index', async () => {
      const db = openDb<unknown>();
      await db.save('a plain string', { index: 'note' });
      await db.save([1, 'two'], { index: 'list' });
      expect(await db.load('note')).toBe('a plain string');
      expect(await db.load('list')).toEqual([1, 'two']);

      await expect(db.save('no index')).rejects.toThrowError(InvalidIndexError);
      await expect(db.save(null)).rejects.toThrowError(/needs an object with an "id" field/);
    });

    it('numeric index field', async () => {
      const db = openDb<{ id: number; v: string }>();
      await db.save({ id: 42, v: 'answer' });
      expect(await db.load(42)).toEqual({ id: 42, v: 'answer' });
      expect(await db.load('42')).toEqual({ id: 42, v: 'answer' });
    });

    it('exists and delete', async () => {
      const db = openDb();
      await db.save({ id: 'temp', name: 'Temporary' });
      expect(await db.exists('temp')).toBe(true);

      await db.delete('temp');
      expect(await db.exists('temp')).toBe(false);
      expect(await db.load('temp')).toBeUndefined();
      await expect(db.delete('temp')).resolves.toBeUndefined();
    });

    it('save replaces the record', async () => {
      const db = openDb();
      await db.save({ id: 'x', name: 'first' });
      await db.save({ id: 'x', name: 'second' });
      expect(await db.load('x')).toEqual({ id: 'x', name: 'second' });
      expect(await collect(db.all())).toHaveLength(1);
    });

    it('invalid index writes nothing', async () => {
      const db = openDb();
      const invalid: Array<[string, unknown]> = [
        ['missing', { name: 'no id' }],
        ['null', { id: null, name: 'n' }],
        ['empty', { id: '', name: 'n' }],
        ['object', { id: { nested: 1 }, name: 'n' }],
        ['array', { id: ['a'], name: 'n' }],
      ];

      for (const [label, obj] of invalid) {
        const error = await db.save(obj as Person).catch((caught) => caught);
        expect(error, label).toBeInstanceOf(InvalidIndexError);
        expect(error.message, label).toContain('"id"');
      }
      expect(await collect(db.all())).toEqual([]);
    });

    it('failed write keeps the old record', async () => {
      const db = openDb();
      await db.save({ id: 'keep', name: 'original' });

      const cyclic: Person = { id: 'keep', name: 'cyclic' };
      cyclic.self = cyclic;
      await expect(db.save(cyclic)).rejects.toBeInstanceOf(EncodeError);
      await expect(db.save({ id: 'keep', name: 'fn', run: () => 1 })).rejects.toBeInstanceOf(EncodeError);

      expect(await db.load('keep')).toEqual({ id: 'keep', name: 'original' });
    });

    it('all across pages of size 1', async () => {
      const db = openDb();
      const ids = Array.from({ length: 12 }, (_, i) => `p${i}`);
      await Promise.all(ids.map((id) => db.save({ id, name: id })));

      const names = (await collect(db.all({ pageSize: 1 }))).map((person) => person.name);
      expect(names.sort()).toEqual([...ids].sort());
    });

    it('all returns more than 1,000 records', async () => {
      const db = openDb<{ id: string; n: number }>();
      const count = 1003;
      for (let start = 0; start < count; start += 50) {
        const batch = Array.from({ length: Math.min(50, count - start) }, (_, i) => start + i);
        await Promise.all(batch.map((n) => db.save({ id: `r${n}`, n })));
      }

      const numbers = (await collect(db.all())).map((record) => record.n);
      expect(numbers.length).toBe(count);
      expect(new Set(numbers).size).toBe(count);
    }, 120_000);

    it('all in insertion order', async () => {
      const db = openDb();
      // Hashed keys scatter the order; dt must bring it back.
      for (const id of ['first', 'second', 'third', 'fourth']) {
        await db.save({ id, name: id });
        await new Promise((resolve) => setTimeout(resolve, 5));
      }

      const records = await collect(db.all({ order: 'inserted', metainfo: true }));
      expect(records.map((record) => record.obj.id)).toEqual(['first', 'second', 'third', 'fourth']);
      expect(records.every((record) => DT.test(record.dt) && UUID_V4.test(record.uuid))).toBe(true);
    });

    it('readable indexes stay under the prefix', async () => {
      const db = openDb({ humanReadableIndexes: true });
      const values = ['plain', 'a/b', '../../escape', '..', 'tab\there', 'ctrl\u0001', 'space name', '日本', '😀', '100%', '~t'];

      for (const id of values) await db.save({ id, name: `value ${id}` });
      for (const id of values) expect(await db.load(id), id).toEqual({ id, name: `value ${id}` });

      const keys = [];
      for await (const info of target.store.list({ prefix: db.prefix })) keys.push(info.key);
      expect(keys.length).toBe(values.length);
      for (const key of keys) expect(key.slice(db.prefix.length)).not.toMatch(/[/\x00-\x1f]|\.\./);
    });

    if (capabilities.binaryKeyOrder) {
      it('readable keys list in value order', async () => {
        const db = openDb({ humanReadableIndexes: true });
        const ids = ['b', 'a', 'c-1', 'c', 'c0'];
        for (const id of ids) await db.save({ id, name: id });

        const listed = (await collect(db.all())).map((person) => person.id);
        // Binary order: "a" < "b" < "c" < "c-1" < "c0".
        expect(listed).toEqual(['a', 'b', 'c', 'c-1', 'c0']);
      });
    }

    it('foreign object raises DecodeError with key', async () => {
      const db = openDb();
      await db.save({ id: 'good', name: 'fine' });
      const junkKey = db.prefix + 'not-a-record';
      await target.store.put(junkKey, new TextEncoder().encode('just some text'));

      const error = await collect(db.all()).catch((caught) => caught);
      expect(error).toBeInstanceOf(DecodeError);
      expect(error.key).toBe(junkKey);
      expect(error.message).toContain(junkKey);
    });

    it('Python-saved record loads', async () => {
      const db = openDb();
      const key = await db.keyFor('py-1');
      const body = '{"serializer": "json", "dt": "2017-06-01 12:30:45", "uuid": "00000000-0000-4000-8000-000000000001", "obj": {"id": "py-1", "name": "Z\\u00fcrich"}}';
      await target.store.put(key, new TextEncoder().encode(body));

      expect(await db.load('py-1')).toEqual({ id: 'py-1', name: 'Zürich' });
    });
  });
}
