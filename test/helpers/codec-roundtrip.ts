/**
 * Round-trip property suite: for every serializer and compression setting,
 * seeded random values are saved, then loaded one by one and through `all()`,
 * and must come back exactly. A second NoDB with default options and only the
 * classes and custom serializers registered reads the same records, since
 * every record names its own format.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NoDB, type NoDBBaseOptions, type ObjectStore, type Serializer } from '../../src/index.js';
import { Money, Point, exactDifference, generateValue, seededRandom, type Profile } from './values.js';

/** A custom serializer for tests: JSON with tagged Dates and Uint8Arrays. */
export const taggedJson: Serializer = {
  name: 'tagged-json',
  encode(record) {
    const text = JSON.stringify(record, function (this: Record<string, unknown>, key, value: unknown) {
      const raw = this[key];
      if (raw instanceof Date) return { '~date': raw.getTime() };
      if (raw instanceof Uint8Array) return { '~bytes': [...raw] };
      return value;
    });
    return new TextEncoder().encode(text);
  },
  decode(bytes) {
    return JSON.parse(new TextDecoder().decode(bytes), (_key, value: unknown) => {
      if (typeof value !== 'object' || value === null) return value;
      if ('~date' in value) return new Date((value as { '~date': number })['~date']);
      if ('~bytes' in value) return Uint8Array.from((value as { '~bytes': number[] })['~bytes']);
      return value;
    });
  },
};

const SERIALIZERS: Array<{ name: string; profile: Profile }> = [
  { name: 'json', profile: 'json' },
  { name: 'msgpack', profile: 'msgpack' },
  { name: 'tagged-json', profile: 'custom' },
];

const COMPRESSION: Array<{ label: string; compression: NoDBBaseOptions['compression'] }> = [
  { label: 'uncompressed', compression: false },
  { label: 'gzip always', compression: { threshold: 0 } },
  { label: 'gzip over 1 KiB', compression: { threshold: 1024 } },
];

export function codecRoundTripSuite(name: string, count: number, open: () => Promise<{ store: ObjectStore; stop?: () => Promise<void> }>): void {
  describe(`codec round trip on ${name}`, () => {
    let target: { store: ObjectStore; stop?: () => Promise<void> };
    beforeAll(async () => {
      target = await open();
    });
    afterAll(async () => {
      await target?.stop?.();
    });

    for (const [s, { name: serializer, profile }] of SERIALIZERS.entries()) {
      for (const [c, { label, compression }] of COMPRESSION.entries()) {
        it(`${serializer}, ${label}`, async () => {
          await roundTrip(target.store, serializer, profile, compression, count, 1000 + s * 10 + c);
        }, 120_000);
      }
    }
  });
}

async function roundTrip(
  store: ObjectStore,
  serializer: string,
  profile: Profile,
  compression: NoDBBaseOptions['compression'],
  count: number,
  seed: number,
): Promise<void> {
  const prefix = `roundtrip-${serializer}-${crypto.randomUUID().slice(0, 8)}/`;
  const options: NoDBBaseOptions = { prefix, serializers: [taggedJson], classes: { Point, Money } };
  const writer = new NoDB<unknown>({ store, ...options, serializer, compression });
  const reader = new NoDB<unknown>({ store, ...options });

  const random = seededRandom(seed);
  const values = new Map<string, unknown>();
  const formats = { plain: 0, header: 0, gzip: 0 };
  for (let i = 0; i < count; i++) {
    // Every fifth value is large, so thresholds and gzip really apply.
    const value = i % 5 === 4 ? Array.from({ length: 150 }, () => generateValue(random, profile)) : generateValue(random, profile);
    const index = `v${i}`;
    values.set(index, value);
    const { key } = await writer.save(value, { index });

    const stored = await store.get(key);
    if (!stored?.modified) throw new Error(`${key} was not stored`);
    if (stored.body[0] !== 0x89) formats.plain += 1;
    else if (stored.body[5] === 1) formats.gzip += 1;
    else formats.header += 1;
  }
  checkFormats(serializer, compression, formats, count);

  for (const [index, expected] of values) {
    for (const db of [writer, reader]) {
      const loaded = await db.load(index, { default: Symbol('missing') });
      expect(exactDifference(loaded, expected), `seed ${seed}, ${index}: ${describeValue(expected)}`).toBeUndefined();
    }
  }

  const byKey = new Map<string, unknown>();
  for await (const record of reader.all({ metainfo: true })) byKey.set(record.key, record.obj);
  expect(byKey.size).toBe(count);
  for (const [index, expected] of values) {
    expect(exactDifference(byKey.get(await reader.keyFor(index)), expected), `all(): ${index}`).toBeUndefined();
  }
}

/** Checks that each setting wrote the formats it should: plain JSON, a header, gzip. */
function checkFormats(
  serializer: string,
  compression: NoDBBaseOptions['compression'],
  formats: { plain: number; header: number; gzip: number },
  count: number,
): void {
  if (serializer === 'json') expect(formats.header, 'uncompressed JSON records have no header').toBe(0);
  else expect(formats.plain, `${serializer} records always have a header`).toBe(0);

  if (compression === false) expect(formats.gzip).toBe(0);
  else expect(formats.gzip, 'large records are compressed').toBeGreaterThanOrEqual(Math.floor(count / 5));
  if (compression !== false && compression?.threshold === 1024) {
    expect(formats.gzip, 'small records stay uncompressed').toBeLessThan(count / 2);
  }
}

function describeValue(value: unknown): string {
  try {
    return JSON.stringify(value, (_key, member: unknown) => (typeof member === 'bigint' ? `${member}n` : member))?.slice(0, 300) ?? String(value);
  } catch {
    return String(value);
  }
}
