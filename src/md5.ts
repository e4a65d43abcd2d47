/**
 * MD5 (RFC 1321), only for the Content-MD5 header that some S3 bucket
 * operations require. Web Crypto has no MD5, and this is the one place nodb
 * needs it, so a small implementation beats a dependency. Not for security.
 */

/** Per-round left-rotation amounts. */
const SHIFTS = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21];

/** Constants floor(abs(sin(i + 1)) * 2^32), computed once. */
const SINES = Array.from({ length: 64 }, (_, i) => Math.floor(Math.abs(Math.sin(i + 1)) * 2 ** 32) >>> 0);

/** Returns the MD5 digest of `data`. */
export function md5(data: Uint8Array): Uint8Array {
  // Pad to 56 bytes mod 64 with 0x80 then zeros, then append the bit length (little-endian).
  const paddedLength = ((data.length + 8) >>> 6) * 64 + 64;
  const padded = new Uint8Array(paddedLength);
  padded.set(data);
  padded[data.length] = 0x80;
  const view = new DataView(padded.buffer);
  view.setUint32(paddedLength - 8, (data.length * 8) >>> 0, true);
  view.setUint32(paddedLength - 4, Math.floor(data.length / 0x20000000), true);

  const state = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476];
  const words = new Uint32Array(16);

  for (let offset = 0; offset < paddedLength; offset += 64) {
    for (let i = 0; i < 16; i++) words[i] = view.getUint32(offset + i * 4, true);
    let [a, b, c, d] = state as [number, number, number, number];

    for (let i = 0; i < 64; i++) {
      const round = i >>> 4;
      let mixed: number;
      let index: number;
      if (round === 0) {
        mixed = (b & c) | (~b & d);
        index = i;
      } else if (round === 1) {
        mixed = (d & b) | (~d & c);
        index = (5 * i + 1) % 16;
      } else if (round === 2) {
        mixed = b ^ c ^ d;
        index = (3 * i + 5) % 16;
      } else {
        mixed = c ^ (b | ~d);
        index = (7 * i) % 16;
      }

      const sum = (a + mixed + SINES[i]! + words[index]!) >>> 0;
      const shift = SHIFTS[round * 4 + (i % 4)]!;
      a = d;
      d = c;
      c = b;
      b = (b + ((sum << shift) | (sum >>> (32 - shift)))) >>> 0;
    }

    state[0] = (state[0]! + a) >>> 0;
    state[1] = (state[1]! + b) >>> 0;
    state[2] = (state[2]! + c) >>> 0;
    state[3] = (state[3]! + d) >>> 0;
  }

  const digest = new Uint8Array(16);
  const out = new DataView(digest.buffer);
  state.forEach((word, i) => out.setUint32(i * 4, word, true));
  return digest;
}

/** Returns the base64 MD5 of `data`, the form Content-MD5 takes. */
export function md5Base64(data: Uint8Array): string {
  let binary = '';
  for (const byte of md5(data)) binary += String.fromCharCode(byte);
  return btoa(binary);
}
