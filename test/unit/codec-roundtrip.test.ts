import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../src/index.js';
import { codecRoundTripSuite } from '../helpers/codec-roundtrip.js';
import { Point, exactDifference } from '../helpers/values.js';

codecRoundTripSuite('MemoryStore', 150, async () => ({ store: new MemoryStore() }));

describe('exactDifference', () => {
  const cases: Array<[string, unknown, unknown]> = [
    ['-0 and 0', -0, 0],
    ['Map values', new Map([[1, 2]]), new Map([[1, 3]])],
    ['Map key types', new Map([['1', 2]]), new Map([[1, 2]])],
    ['Set sizes', new Set([1]), new Set([1, 2])],
    ['bytes', new Uint8Array([1]), new Uint8Array([2])],
    ['dates', new Date(1), new Date(2)],
    ['bigint and number', 1n, 1],
    ['prototypes', new Point(1, 2), { x: 1, y: 2 }],
    ['own __proto__ key', Object.defineProperty({}, '__proto__', { value: 1, enumerable: true }), {}],
    ['Uint8Array and array', new Uint8Array([1]), [1]],
  ];

  for (const [name, left, right] of cases) {
    it(`tells apart ${name}`, () => {
      expect(exactDifference(left, right)).toBeDefined();
    });
  }

  it('matches NaN with NaN', () => {
    expect(exactDifference([Number.NaN], [Number.NaN])).toBeUndefined();
  });
});
