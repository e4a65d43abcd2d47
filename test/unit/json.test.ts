import { describe, expect, it } from 'vitest';
import { pythonFloatRepr, pythonJsonStringify } from '../../src/codecs/json.js';
import { mayContainTags, writePlainJson } from '../../src/codecs/json-plain.js';
import { EncodeError } from '../../src/index.js';
import { Point, generateValue, seededRandom } from '../helpers/values.js';

describe('pythonFloatRepr', () => {
  // Expected strings are what Python 3.11 prints for repr(value).
  const cases: Array<[number, string]> = [
    [0.1, '0.1'],
    [1.5, '1.5'],
    [-2.25, '-2.25'],
    [123456.789, '123456.789'],
    [0.0001, '0.0001'],
    [1e-5, '1e-05'],
    [1.23e-7, '1.23e-07'],
    [5e-324, '5e-324'],
    [3.141592653589793, '3.141592653589793'],
    [123456789012345.6, '123456789012345.6'],
    [-0.5, '-0.5'],
  ];

  for (const [value, expected] of cases) {
    it(`formats ${expected}`, () => {
      expect(pythonFloatRepr(value)).toBe(expected);
    });
  }
});

describe('pythonJsonStringify', () => {
  it('uses Python separators', () => {
    expect(pythonJsonStringify({ a: [1, 2], b: {} })).toBe('{"a": [1, 2], "b": {}}');
  });

  it('escapes like ensure_ascii', () => {
    expect(pythonJsonStringify('é\u2028😀\x7f\x00"\\/\b\f')).toBe(
      '"\\u00e9\\u2028\\ud83d\\ude00\\u007f\\u0000\\"\\\\/\\b\\f"',
    );
  });

  it('writes integers in full', () => {
    expect(pythonJsonStringify(1e21)).toBe('1000000000000000000000');
    expect(pythonJsonStringify(2 ** 64)).toBe('18446744073709551616');
    expect(pythonJsonStringify(-(2 ** 53) - 2)).toBe('-9007199254740994');
    expect(pythonJsonStringify(-42)).toBe('-42');
    expect(pythonJsonStringify(-0)).toBe('-0.0');
  });

  it('uses toJSON and skips undefined members', () => {
    const when = new Date(Date.UTC(2020, 0, 2, 3, 4, 5));
    expect(pythonJsonStringify({ when, missing: undefined })).toBe('{"when": "2020-01-02T03:04:05.000Z"}');
  });

  const invalid: Array<[string, unknown, RegExp]> = [
    ['cycle', (() => { const a: Record<string, unknown> = {}; a.self = a; return a; })(), /"self" is a circular reference/],
    ['function', { run: () => 1 }, /"run" is a function/],
    ['symbol', { tag: Symbol('x') }, /"tag" is a symbol/],
    ['BigInt', { count: 10n }, /"count" is a BigInt/],
    ['NaN', [Number.NaN], /"\[0\]" is NaN/],
    ['Infinity', { x: Number.POSITIVE_INFINITY }, /"x" is Infinity/],
    ['Map', { m: new Map() }, /"m" is a Map/],
    ['Set', { s: new Set() }, /"s" is a Set/],
    ['binary', { b: new Uint8Array(2) }, /"b" is binary data/],
    ['undefined', undefined, /The value is undefined/],
    ['deep nesting', deeplyNested(100_000), /nested too deeply/],
  ];

  for (const [name, value, message] of invalid) {
    it(`rejects ${name}`, () => {
      expect(() => pythonJsonStringify(value)).toThrowError(EncodeError);
      expect(() => pythonJsonStringify(value)).toThrowError(message);
    });
  }

  it('allows shared non-cyclic references', () => {
    const shared = { n: 1 };
    expect(pythonJsonStringify({ a: shared, b: shared })).toBe('{"a": {"n": 1}, "b": {"n": 1}}');
  });
});

describe('writePlainJson', () => {
  it('matches the full writer', () => {
    const random = seededRandom(2026);
    let written = 0;
    for (let i = 0; i < 2000; i++) {
      const value = generateValue(random, 'json');
      const text = writePlainJson(value);
      if (text === undefined) continue;
      written += 1;
      expect(text, `value ${i}`).toBe(pythonJsonStringify(value));
    }
    // Most generated values are plain data, so most must take the plain path.
    expect(written).toBeGreaterThan(1000);
  });

  it('writes numbers as Python does', () => {
    const random = seededRandom(7);
    for (let i = 0; i < 5000; i++) {
      const value = (random() - 0.5) * 10 ** Math.floor(random() * 40 - 20);
      const text = writePlainJson(value);
      if (text !== undefined) expect(text, String(value)).toBe(pythonJsonStringify(value));
    }
    expect(writePlainJson(0.0001)).toBe('0.0001');
    expect(writePlainJson(123456789012345.6)).toBe('123456789012345.6');
    expect(writePlainJson(2 ** 53)).toBe('9007199254740992');
  });

  const fullWriterValues: Array<[string, unknown]> = [
    ['small float', 1e-5],
    ['-0', -0],
    ['large integer', 1e21],
    ['integer above 2^53', 2 ** 53 + 2],
    ['NaN', Number.NaN],
    ['BigInt', 1n],
    ['undefined', undefined],
    ['undefined item', [undefined]],
    ['hole', [1, , 2]],
    ['Date', new Date(0)],
    ['Map', new Map()],
    ['binary', new Uint8Array(1)],
    ['class instance', new Point(1, 2)],
    ['toJSON', { toJSON: () => 1 }],
    ['own $class', { $class: 'User' }],
    ['cycle', (() => { const a: Record<string, unknown> = {}; a.self = a; return a; })()],
    ['deep nesting', deeplyNested(101)],
  ];

  for (const [name, value] of fullWriterValues) {
    it(`leaves ${name} to the full writer`, () => {
      expect(writePlainJson(value)).toBeUndefined();
    });
  }
});

function deeplyNested(depth: number): unknown {
  let value: unknown = 0;
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

describe('mayContainTags', () => {
  it('finds the tag key in any spelling', () => {
    expect(mayContainTags('{"$class": "User"}')).toBe(true);
    expect(mayContainTags('{"\\u0024class": "User"}')).toBe(true);
    expect(mayContainTags('{"$cl\\u0061ss": "User"}')).toBe(true);
    expect(mayContainTags('{"$CL\\u0041SS": "User"}')).toBe(false);
  });

  it('passes over non-ASCII text', () => {
    expect(mayContainTags('{"name": "Ren\\u00e9e \\ud83d\\ude00"}')).toBe(false);
  });
});
