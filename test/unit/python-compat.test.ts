/**
 * Byte compatibility with the Python NoDB, both ways, against fixtures that
 * Python 3's own json and hashlib produced (test/fixtures/python/generate.py).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MemoryStore, NoDB, decodeEnvelope, encodeEnvelope } from '../../src/index.js';

interface Fixture {
  index: string;
  key: string;
  body: string;
  obj: unknown;
  roundTrip: boolean;
}

const fixtures: Fixture[] = JSON.parse(
  readFileSync(new URL('../fixtures/python/records.json', import.meta.url), 'utf8'),
);
const encoder = new TextEncoder();
const decoder = new TextDecoder();

describe('Python NoDB records', () => {
  it('fixtures are present', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(9);
  });

  for (const fixture of fixtures) {
    it(`key of ${JSON.stringify(fixture.index)}`, async () => {
      const db = new NoDB({ store: new MemoryStore() });
      expect(await db.keyFor(fixture.index)).toBe(fixture.key);
    });

    it(`load of ${JSON.stringify(fixture.index)}`, async () => {
      const store = new MemoryStore();
      await store.put(fixture.key, encoder.encode(fixture.body));
      const db = new NoDB({ store });

      const record = await db.load(fixture.index, { metainfo: true });
      expect(record?.obj).toEqual(fixture.obj);
      expect(record?.dt).toBe(JSON.parse(fixture.body).dt);
      expect(record?.uuid).toBe(JSON.parse(fixture.body).uuid);
    });

    if (fixture.roundTrip) {
      it(`bytes of ${JSON.stringify(fixture.index)}`, () => {
        const envelope = decodeEnvelope(encoder.encode(fixture.body), fixture.key);
        expect(decoder.decode(encodeEnvelope(envelope))).toBe(fixture.body);
      });
    }
  }

  it('Python reads what nodb saves', async () => {
    const store = new MemoryStore();
    const db = new NoDB<unknown>({ store });
    const saved = [];
    for (const fixture of fixtures.filter((each) => each.roundTrip)) {
      const result = await db.save(fixture.obj, { index: fixture.index });
      const stored = await store.get(result.key);
      if (!stored?.modified) throw new Error(`${result.key} was not stored`);
      saved.push({ index: fixture.index, key: result.key, body: decoder.decode(stored.body), obj: fixture.obj });
    }

    // The reader does what the Python NoDB's load() does: json.loads, then checks the key hash.
    const reader = `
import hashlib, json, sys
records = json.load(sys.stdin)
for record in records:
    packed = json.loads(record["body"])
    assert list(packed) == ["serializer", "dt", "uuid", "obj"], list(packed)
    assert packed["serializer"] == "json"
    assert packed["obj"] == record["obj"], (packed["obj"], record["obj"])
    assert record["key"] == ".nodb/" + hashlib.sha256(record["index"].encode("utf8")).hexdigest()
    assert json.dumps(packed) == record["body"], "re-encoding differs"
print(len(records))
`;
    const python = spawnSync('python3', ['-c', reader], { input: JSON.stringify(saved), encoding: 'utf8' });
    expect(python.error).toBeUndefined();
    expect(python.stderr).toBe('');
    expect(python.stdout.trim()).toBe(String(saved.length));
  });
});
