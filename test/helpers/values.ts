/**
 * Seeded value generator and exact comparison for codec round-trip tests.
 *
 * `generateValue(random, profile)` builds a random value that the profile's
 * serializer must store exactly. `exactDifference(a, b)` compares two values
 * strictly: same types, same prototypes, same own keys in any order, `-0`
 * distinct from `0`, NaN equal to NaN, and element by element for Map, Set,
 * Date, Uint8Array and BigInt. It returns the path of the first difference.
 */
import { seededRandom } from './random.js';

export { seededRandom };

/** A class registered in round-trip tests; its methods must survive loading. */
export class Point {
  constructor(
    public x: number,
    public y: number,
  ) {}

  length(): number {
    return Math.hypot(this.x, this.y);
  }
}

/** A registered class that rebuilds itself with a static fromJSON. */
export class Money {
  readonly #cents: number;

  constructor(cents: number) {
    this.#cents = cents;
  }

  get cents(): number {
    return this.#cents;
  }

  toJSON(): { cents: number } {
    return { cents: this.cents };
  }

  static fromJSON(data: unknown): Money {
    return new Money((data as { cents: number }).cents);
  }
}

export type Profile = 'json' | 'msgpack' | 'custom';

const KEY_POOL = ['id', 'name', '$class', '$data', '__proto__', 'constructor', 'toString', 'prototype', '', 'ü', '😀', 'a b', '0', '17'];
const STRING_POOL = ['', 'plain', 'ü Zürich', '日本語', '😀🎉', 'tab\there', 'line\nbreak', '"quoted" \\ /', '\u0000\u001f\u007f', '\u2028\u2029', '$class'];

export function generateValue(random: () => number, profile: Profile, depth = 0): unknown {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const leafOnly = depth >= 4;
  const kinds = [
    'null', 'boolean', 'integer', 'float', 'string', 'string', 'array', 'object', 'object',
    ...(profile === 'json' ? ['point', 'money', 'loneSurrogate'] : []),
    ...(profile === 'msgpack' ? ['point', 'money', 'date', 'bytes', 'map', 'set', 'bigint', 'special'] : []),
    ...(profile === 'custom' ? ['date', 'bytes'] : []),
  ].filter((kind) => !leafOnly || !['array', 'object', 'map', 'set', 'point'].includes(kind));

  switch (pick(kinds)) {
    case 'null':
      return null;
    case 'boolean':
      return random() < 0.5;
    case 'integer':
      return pick([0, 1, -1, 127, 128, -33, 255, 65535, 65536, 2 ** 31, -(2 ** 31) - 1, 2 ** 32, 2 ** 53 - 1, -(2 ** 53 - 1)]) *
        (random() < 0.5 ? 1 : -1) || Math.floor(random() * 1e6);
    case 'float': {
      const value = pick([0.1, -2.5, 1e-7, 1.7976931348623157e308, 5e-324, Math.PI, random() * 1e6, (random() - 0.5) * 1e-3]);
      // msgpack writes -0 as the integer 0, a documented limit; JSON keeps it as -0.0.
      return profile === 'json' && random() < 0.05 ? -0 : value;
    }
    case 'string':
      return random() < 0.7 ? pick(STRING_POOL) : randomText(random);
    case 'loneSurrogate':
      return pick(['\ud800', 'a\udc00b', '\udbff']);
    case 'array':
      return Array.from({ length: Math.floor(random() * 5) }, () => generateValue(random, profile, depth + 1));
    case 'object':
      return generateObject(random, profile, depth);
    case 'point':
      return new Point(Math.floor(random() * 100), Math.floor(random() * 100));
    case 'money':
      return new Money(Math.floor(random() * 10_000));
    case 'date':
      return new Date(pick([0, -1, 1, Date.UTC(1500, 0, 1), Date.UTC(2262, 3, 11, 23, 47, 16, 854), 8.64e15, -8.64e15, Math.floor(random() * 4e12)]));
    case 'bytes':
      return Uint8Array.from({ length: Math.floor(random() * 40) }, () => Math.floor(random() * 256));
    case 'map': {
      const map = new Map<unknown, unknown>();
      const size = Math.floor(random() * 4);
      for (let i = 0; i < size; i++) map.set(generateValue(random, profile, depth + 1), generateValue(random, profile, depth + 1));
      return map;
    }
    case 'set':
      return new Set(Array.from({ length: Math.floor(random() * 4) }, () => generateValue(random, profile, depth + 1)));
    case 'bigint':
      return pick([0n, 1n, -1n, 2n ** 63n, -(2n ** 63n) - 1n, 2n ** 64n, 2n ** 200n + 12345n, -(3n ** 150n)]);
    case 'special':
      return pick([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]);
    default:
      throw new Error('unreachable');
  }
}

function generateObject(random: () => number, profile: Profile, depth: number): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  const size = Math.floor(random() * 5);
  for (let i = 0; i < size; i++) {
    const name = random() < 0.6 ? KEY_POOL[Math.floor(random() * KEY_POOL.length)]! : randomText(random);
    // defineProperty, because assigning "__proto__" would set the prototype instead.
    Object.defineProperty(object, name, {
      value: generateValue(random, profile, depth + 1),
      writable: true,
      enumerable: true,
      configurable: true,
    });
  }
  return object;
}

function randomText(random: () => number): string {
  const length = Math.floor(random() * 12);
  let text = '';
  for (let i = 0; i < length; i++) {
    const roll = random();
    if (roll < 0.6) text += String.fromCharCode(0x20 + Math.floor(random() * 95));
    else if (roll < 0.8) text += String.fromCharCode(0xa0 + Math.floor(random() * 0x2000));
    else if (roll < 0.9) text += String.fromCodePoint(0x1f300 + Math.floor(random() * 0x300));
    else text += String.fromCharCode(Math.floor(random() * 0x20));
  }
  return text;
}

/** Returns the path of the first difference between `actual` and `expected`, or undefined when they are the same. */
export function exactDifference(actual: unknown, expected: unknown, path = '(root)'): string | undefined {
  if (typeof actual !== typeof expected) return `${path}: type ${typeof actual} != ${typeof expected}`;
  if (typeof expected !== 'object' || expected === null || actual === null) {
    return Object.is(actual, expected) ? undefined : `${path}: ${String(actual)} != ${String(expected)}`;
  }

  const a = actual as object;
  const e = expected as object;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(e)) return `${path}: prototypes differ`;

  if (e instanceof Date) return Object.is((a as Date).getTime(), e.getTime()) ? undefined : `${path}: dates differ`;
  if (e instanceof Uint8Array) {
    const bytes = a as Uint8Array;
    return bytes.length === e.length && bytes.every((byte, i) => byte === e[i]) ? undefined : `${path}: bytes differ`;
  }
  if (e instanceof Money) return (a as Money).cents === e.cents ? undefined : `${path}: Money differs`;
  if (e instanceof Map || e instanceof Set) {
    const left = [...(a as Map<unknown, unknown>).entries()];
    const right = [...e.entries()];
    if (left.length !== right.length) return `${path}: size ${left.length} != ${right.length}`;
    for (let i = 0; i < right.length; i++) {
      const difference = exactDifference(left[i], right[i], `${path}<${i}>`);
      if (difference) return difference;
    }
    return undefined;
  }

  const leftKeys = Object.keys(a).sort();
  const rightKeys = Object.keys(e).sort();
  if (leftKeys.join('\u0000') !== rightKeys.join('\u0000')) {
    return `${path}: keys [${leftKeys.join(', ')}] != [${rightKeys.join(', ')}]`;
  }
  if (Array.isArray(e) && (a as unknown[]).length !== e.length) return `${path}: lengths differ`;
  for (const name of rightKeys) {
    const difference = exactDifference((a as Record<string, unknown>)[name], (e as Record<string, unknown>)[name], `${path}.${name}`);
    if (difference) return difference;
  }
  return undefined;
}
