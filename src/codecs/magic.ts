/**
 * The magic bytes that distinguish a binary record from a JSON text: binary
 * records start with `0x89 0x4E 0x44 0x42` (`\x89NDB`). 0x89 cannot start
 * a JSON text, which begins with `{`, `[` or whitespace, nor any UTF-8 text,
 * where it is a continuation byte. header.ts describes the rest of the header.
 */

export const MAGIC = [0x89, 0x4e, 0x44, 0x42] as const;

/** Serializer names: printable ASCII without spaces, so that a header never needs escaping. */
export const SERIALIZER_NAME = /^[\x21-\x7e]{1,64}$/;

/** True when `bytes` starts with the binary header's magic. */
export function hasMagic(bytes: Uint8Array): boolean {
  return bytes[0] === MAGIC[0] && bytes[1] === MAGIC[1] && bytes[2] === MAGIC[2] && bytes[3] === MAGIC[3];
}
