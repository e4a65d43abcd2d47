/**
 * The exported helpers for readable keys (`humanReadableIndexes`): the
 * escaping that keys.ts applies to an index value, and its reverse.
 *
 * NoDB's own code must not import this module. index.ts re-exports it, and
 * esbuild (0.28, with code splitting) loads a re-exported module up front as
 * soon as a lazily loaded chunk uses it too. So `encodeReadableIndex` calls
 * the function of keys.ts that NoDB loads on first need, instead of being
 * that function.
 */
import { escapeIndex } from './keys.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** Encodes an index value as a readable key stores it after the prefix; keys.ts describes the escaping. */
export function encodeReadableIndex(value: string): string {
  return escapeIndex(value);
}

/** Reverses `encodeReadableIndex`. Returns undefined for text it cannot have produced. */
export function decodeReadableIndex(encoded: string): string | undefined {
  const bytes: number[] = [];
  const raw = encoder.encode(encoded);

  for (let i = 0; i < raw.length; i++) {
    const byte = raw[i]!;
    if (byte === 0x21 || byte === 0x7e) {
      const pair = String.fromCharCode(raw[i + 1] ?? 0, raw[i + 2] ?? 0);
      if (!/^[0-9A-F]{2}$/.test(pair)) return undefined;
      bytes.push(Number.parseInt(pair, 16));
      i += 2;
    } else {
      bytes.push(byte);
    }
  }

  try {
    return decoder.decode(new Uint8Array(bytes));
  } catch {
    return undefined;
  }
}
