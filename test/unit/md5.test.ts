import { describe, expect, it } from 'vitest';
import { md5, md5Base64 } from '../../src/md5.js';
import { createHash } from 'node:crypto';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const encoder = new TextEncoder();

describe('md5', () => {
  // Test suite of RFC 1321, appendix A.5.
  const vectors: Array<[string, string]> = [
    ['', 'd41d8cd98f00b204e9800998ecf8427e'],
    ['a', '0cc175b9c0f1b6a831c399e269772661'],
    ['abc', '900150983cd24fb0d6963f7d28e17f72'],
    ['message digest', 'f96b697d7cb7938d525a2f31aaf161d0'],
    ['abcdefghijklmnopqrstuvwxyz', 'c3fcd3d76192e4007dfb496cca67e13b'],
    ['12345678901234567890123456789012345678901234567890123456789012345678901234567890', '57edf4a22be3c955ac49da2e2107b67a'],
  ];

  for (const [input, expected] of vectors) {
    it(`digests ${JSON.stringify(input.slice(0, 12))}`, () => {
      expect(hex(md5(encoder.encode(input)))).toBe(expected);
    });
  }

  it('matches node:crypto at block edges', () => {
    for (const length of [55, 56, 57, 63, 64, 65, 127, 128, 1000]) {
      const data = Uint8Array.from({ length }, (_, i) => (i * 31) & 0xff);
      expect(md5Base64(data), `length ${length}`).toBe(createHash('md5').update(data).digest('base64'));
    }
  });
});
