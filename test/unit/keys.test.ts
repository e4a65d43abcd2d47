import { describe, expect, it } from 'vitest';
import { decodeReadableIndex, encodeReadableIndex, InvalidIndexError, MemoryStore, NoDB } from '../../src/index.js';
import { indexToString } from '../../src/keys.js';

describe('indexToString', () => {
  const invalid: Array<[string, unknown]> = [
    ['undefined', undefined],
    ['null', null],
    ['empty string', ''],
    ['object', { a: 1 }],
    ['array', ['a']],
    ['NaN', Number.NaN],
    ['function', () => 1],
    ['lone surrogate', 'a\uD800b'],
  ];

  for (const [name, value] of invalid) {
    it(`rejects ${name}`, () => {
      expect(() => indexToString(value, 'id')).toThrowError(InvalidIndexError);
      expect(() => indexToString(value, 'id')).toThrowError(/"id"/);
    });
  }

  it('accepts scalars', () => {
    expect(indexToString('a', 'id')).toBe('a');
    expect(indexToString(42, 'id')).toBe('42');
    expect(indexToString(10n, 'id')).toBe('10');
    expect(indexToString(true, 'id')).toBe('true');
  });
});

describe('readable keys', () => {
  const hostile = ['a/b', '..', '../../etc/passwd', '.', 'x\u0000y', 'tab\t', '\u007f', '~', 'a b', 'plain', '日本', '😀', '!21', '100%'];

  for (const value of hostile) {
    it(`encodes ${JSON.stringify(value)} safely`, () => {
      const encoded = encodeReadableIndex(value);
      expect(encoded).not.toMatch(/[/\x00-\x1f\x7f]/);
      expect(encoded).not.toContain('..');
      expect(decodeReadableIndex(encoded)).toBe(value);
    });
  }

  it('keeps plain values readable', () => {
    expect(encodeReadableIndex('issues:opened:001')).toBe('issues:opened:001');
    expect(encodeReadableIndex('Zürich_日本')).toBe('Zürich_日本');
  });

  it('preserves UTF-8 binary order', () => {
    const alphabet = ['\u0000', '\t', ' ', '!', '%', '-', '.', '/', '0', ':', 'A', '_', 'a', '~', '\u007f', 'é', '日', '😀', '\uFFFD'];
    const random = seededRandom(7);
    const values = Array.from({ length: 400 }, () =>
      Array.from({ length: 1 + Math.floor(random() * 6) }, () => alphabet[Math.floor(random() * alphabet.length)]).join(''),
    );

    const byValue = [...new Set(values)].sort(compareUtf8);
    const byEncoding = [...byValue].sort((a, b) => compareUtf8(encodeReadableIndex(a), encodeReadableIndex(b)));
    expect(byEncoding).toEqual(byValue);
  });

  it('rejects text it did not produce', () => {
    expect(decodeReadableIndex('!zz')).toBeUndefined();
    expect(decodeReadableIndex('trailing!')).toBeUndefined();
  });

  it('rejects keys over 1,024 bytes', async () => {
    const db = new NoDB({ store: new MemoryStore(), humanReadableIndexes: true });
    await expect(db.keyFor('x'.repeat(1024))).rejects.toThrowError(InvalidIndexError);
    await expect(db.keyFor('x'.repeat(1024))).rejects.toThrowError(/1024-byte key limit/);
    expect(await db.keyFor('x'.repeat(1024 - '.nodb/'.length))).toHaveLength(1024);
  });

  it('stay under the prefix', async () => {
    const db = new NoDB({ store: new MemoryStore(), humanReadableIndexes: true, prefix: 'records/' });
    for (const value of hostile) {
      const key = await db.keyFor(value);
      expect(key.startsWith('records/')).toBe(true);
      expect(key.slice('records/'.length)).not.toContain('/');
    }
  });
});

describe('hashed keys', () => {
  it('are prefix plus SHA-256 hex', async () => {
    const db = new NoDB({ store: new MemoryStore() });
    // sha256("abc") from FIPS 180-2, appendix B.1.
    expect(await db.keyFor('abc')).toBe('.nodb/ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});

function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}
