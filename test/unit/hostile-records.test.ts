/**
 * Stored bytes are untrusted: every malformed, truncated, foreign or hostile
 * record must end in a DecodeError naming the key (or a plain, safe value),
 * with nothing run and no prototype changed.
 */
import { encode as msgpackEncode, ExtData } from '@msgpack/msgpack';
import { afterAll, describe, expect, it } from 'vitest';
import { writeHeader } from '../../src/codecs/header.js';
import { DecodeError, MemoryStore, NoDB, type DecodeLimits } from '../../src/index.js';

const encoder = new TextEncoder();
const prototypeNames = Object.getOwnPropertyNames(Object.prototype).sort();

class Account {
  balance = 0;
}

/** Builds a msgpack record: header + a map {dt, uuid, obj} whose obj is `objBytes`, spliced in raw. */
function msgpackRecord(objBytes: number[] | Uint8Array): Uint8Array {
  const prefix = msgpackEncode({ dt: '2020-01-01 00:00:00', uuid: 'u' });
  // Turn the 2-entry fixmap into a 3-entry one and append "obj" and its raw value.
  const head = [0x83, ...prefix.subarray(1), ...msgpackEncode('obj')];
  return writeHeader('msgpack', 0, Uint8Array.from([...head, ...objBytes]));
}

async function loadRaw(body: Uint8Array, limits?: DecodeLimits) {
  const store = new MemoryStore();
  const db = new NoDB<unknown>({ store, classes: { Account }, limits });
  const key = await db.keyFor('x');
  await store.put(key, body);
  const result = await db.load('x').then(
    (value) => ({ value, error: undefined }),
    (error: unknown) => ({ value: undefined, error }),
  );
  return { key, ...result };
}

async function expectDecodeError(body: Uint8Array, message: RegExp, limits?: DecodeLimits): Promise<void> {
  const { key, error } = await loadRaw(body, limits);
  expect(error).toBeInstanceOf(DecodeError);
  expect((error as DecodeError).key).toBe(key);
  expect((error as Error).message).toContain(key);
  expect((error as Error).message).toMatch(message);
}

const repeat = (bytes: number[], times: number) => Array.from({ length: times }, () => bytes).flat();

describe('hostile headers', () => {
  const cases: Array<[string, Uint8Array, RegExp]> = [
    ['truncated header', Uint8Array.from([0x89, 0x4e, 0x44, 0x42, 1]), /truncated nodb header/],
    ['newer version', Uint8Array.from([0x89, 0x4e, 0x44, 0x42, 2, 0, 4, 0x6a, 0x73, 0x6f, 0x6e, 0x7b]), /format version 2/],
    ['unknown flags', Uint8Array.from([0x89, 0x4e, 0x44, 0x42, 1, 0x82, 4, 0x6a, 0x73, 0x6f, 0x6e, 0x7b]), /unknown header flags 0x82/],
    ['empty name', Uint8Array.from([0x89, 0x4e, 0x44, 0x42, 1, 0, 0, 0x7b]), /malformed nodb header/],
    ['name past the end', Uint8Array.from([0x89, 0x4e, 0x44, 0x42, 1, 0, 200, 0x6a]), /malformed nodb header/],
    ['name with a space', Uint8Array.from([0x89, 0x4e, 0x44, 0x42, 1, 0, 2, 0x20, 0x41, 0x7b]), /malformed nodb header/],
    ['unknown serializer', writeHeader('cbor', 0, Uint8Array.from([0xa0])), /serializer "cbor", which this NoDB does not have/],
    ['pickle in a header', writeHeader('pickle', 0, Uint8Array.from([0x80])), /serializer "pickle"/],
    ['wrong magic', Uint8Array.from([0x89, 0x4e, 0x44, 0x58, 1, 0, 4, 0x6a, 0x73, 0x6f, 0x6e]), /not UTF-8 JSON/],
    ['gzip flag on plain data', writeHeader('json', 1, encoder.encode('{"serializer": "json"}')), /damaged gzip payload/],
    ['truncated gzip', writeHeader('msgpack', 1, Uint8Array.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0x4b, 0x4c])), /damaged gzip payload/],
    ['JSON payload that is not JSON', writeHeader('json', 0, encoder.encode('{"dt":')), /not UTF-8 JSON/],
  ];

  for (const [name, body, message] of cases) {
    it(`rejects ${name}`, async () => {
      await expectDecodeError(body, message);
    });
  }
});

describe('hostile msgpack', () => {
  const cases: Array<[string, number[] | Uint8Array, RegExp, DecodeLimits?]> = [
    ['array claiming 2^32-1 elements', [0xdd, 0xff, 0xff, 0xff, 0xff], /limits\.maxArrayLength \(1000000\): an array has 4294967295/],
    ['array claiming more than the bytes', [0xdd, 0, 0, 0x10, 0, 1, 2], /claims 4096 entries but only 2 bytes follow/],
    ['array claim with no limit', [0xdd, 0xff, 0xff, 0xff, 0xff], /claims 4294967295 entries/, { maxArrayLength: Number.POSITIVE_INFINITY }],
    ['nested preallocation bomb', repeat([0xdd, 0x00, 0x01, 0x86, 0x9f], 2000), /claims 99999 entries but only/],
    ['deep nesting', [...repeat([0x91], 100_000), 0xc0], /limits\.maxDepth \(512\)/],
    ['deep nesting of maps', [...repeat([0x81, 0xa1, 0x61], 1000), 0xc0], /limits\.maxDepth \(512\)/],
    ['map claiming 2^32-1 entries', [0xdf, 0xff, 0xff, 0xff, 0xff], /limits\.maxMapLength \(1000000\)/],
    ['string over the limit', [0xdb, 0x7f, 0xff, 0xff, 0xff], /limits\.maxStringLength \(16777216\)/],
    ['truncated string', [0xd9, 0x20, 0x61], /ends early/],
    ['binary over the limit', [0xc6, 0x7f, 0xff, 0xff, 0xff], /limits\.maxBinaryLength \(16777216\)/],
    ['reserved byte 0xc1', [0xc1], /0xc1 at \d+ starts no msgpack value/],
    ['unknown extension type', [0xd4, 42, 0], /unknown msgpack extension type 42/],
    ['Map extension with extra bytes', [0xd6, 1, 0x92, 0x90, 0x90, 0xc0], /extension payload ending at byte \d+ has extra bytes/],
    ['Map extension of the wrong shape', [0xd4, 1, 0x90], /malformed msgpack Map extension/],
    ['Map keys and values differ in length', [0xd6, 1, 0x92, 0x91, 0x01, 0x90], /malformed msgpack Map extension/],
    ['Set extension that is not an array', [0xd4, 2, 0x01], /malformed msgpack Set extension/],
    ['BigInt with a bad sign byte', [0xd5, 3, 7, 1], /malformed msgpack BigInt extension/],
    ['timestamp of 5 bytes', [0xc7, 5, 0xff, 1, 2, 3, 4, 5], /not valid msgpack/],
    ['unknown class', msgpackEncode(new ExtData(4, msgpackEncode(['Evil', {}]))), /class "Evil", which is not registered/],
    ['class named __proto__', msgpackEncode(new ExtData(4, msgpackEncode(['__proto__', {}]))), /class "__proto__", which is not registered/],
    ['class extension without a name', msgpackEncode(new ExtData(4, msgpackEncode([1, {}]))), /malformed msgpack class instance/],
    ['raw __proto__ map key', [0x81, 0xa9, ...encoder.encode('__proto__'), 0x81, 0xa1, 0x70, 0xc3], /__proto__ is not allowed/],
    ['non-string key of a __proto__ object', msgpackEncode(new ExtData(5, msgpackEncode([[1], [2]]))), /malformed msgpack object/],
    ['value followed by extra bytes', [0xc0, 0xc0], /1 bytes follow the value/],
  ];

  for (const [name, bytes, message, limits] of cases) {
    it(`rejects ${name}`, async () => {
      const started = performance.now();
      await expectDecodeError(msgpackRecord(bytes), message, limits);
      expect(performance.now() - started).toBeLessThan(1000);
    });
  }

  it('rejects a payload that is not a record', async () => {
    await expectDecodeError(writeHeader('msgpack', 0, msgpackEncode([1, 2])), /lacks the "dt", "uuid" and "obj" fields/);
  });

  it('decodes constructor keys as data', async () => {
    const { value, error } = await loadRaw(msgpackRecord(msgpackEncode({ constructor: { prototype: { polluted: true } } })));
    expect(error).toBeUndefined();
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect((value as { constructor: unknown }).constructor).toEqual({ prototype: { polluted: true } });
  });

  it('keeps a __proto__ object plain', async () => {
    const payload = msgpackEncode(new ExtData(5, msgpackEncode([['__proto__', 'x'], [{ polluted: true }, 1]])));
    const { value } = await loadRaw(msgpackRecord(payload));
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(value, '__proto__')?.value).toEqual({ polluted: true });
  });

  it('keeps a revived instance on its prototype', async () => {
    const data = msgpackEncode(new ExtData(5, msgpackEncode([['__proto__', 'balance'], [{ polluted: true }, 5]])));
    const payload = msgpackEncode(new ExtData(4, Uint8Array.from([0x92, ...msgpackEncode('Account'), ...data])));
    const { value, error } = await loadRaw(msgpackRecord(payload));
    expect(error).toBeUndefined();
    expect(value).toBeInstanceOf(Account);
    expect(Object.getPrototypeOf(value)).toBe(Account.prototype);
    expect((value as Account).balance).toBe(5);
  });
});

describe('hostile JSON', () => {
  it('keeps __proto__ and constructor as data', async () => {
    const body = '{"serializer": "json", "dt": "", "uuid": "", "obj": {"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}, "list": [{"__proto__": {"x": 1}}], "\\u00e9": 1}}';
    const { value, error } = await loadRaw(encoder.encode(body));
    expect(error).toBeUndefined();
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(value, '__proto__')?.value).toEqual({ polluted: true });
    expect(Object.getPrototypeOf((value as { list: object[] }).list[0])).toBe(Object.prototype);
  });

  it('keeps __proto__ inside class data as data', async () => {
    const body = '{"serializer": "json", "dt": "", "uuid": "", "obj": {"$class": "Account", "$data": {"__proto__": {"polluted": true}, "balance": 3}}}';
    const { value, error } = await loadRaw(encoder.encode(body));
    expect(error).toBeUndefined();
    expect(Object.getPrototypeOf(value)).toBe(Account.prototype);
    expect(Object.getOwnPropertyDescriptor(value, '__proto__')?.value).toEqual({ polluted: true });
  });

  it('rejects nesting deeper than the stack', async () => {
    const depth = 200_000;
    const body = `{"serializer": "json", "dt": "", "uuid": "", "obj": ${'['.repeat(depth)}{"$class": "Account", "$data": {}}${']'.repeat(depth)}}`;
    const { error } = await loadRaw(encoder.encode(body));
    expect(error).toBeInstanceOf(DecodeError);
    expect((error as Error).message).toMatch(/nested too deeply|not UTF-8 JSON/);
  });
});

describe('Object.prototype', () => {
  afterAll(() => {
    // Runs after every hostile case above.
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeNames);
  });

  it('is untouched by hostile records', () => {
    const probe: Record<string, unknown> = {};
    expect(probe.polluted).toBeUndefined();
    expect(probe.isAdmin).toBeUndefined();
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeNames);
  });
});
