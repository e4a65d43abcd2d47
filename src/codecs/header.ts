/**
 * The binary record header: the first bytes of every record that is not a
 * plain JSON text (msgpack, custom serializers, compressed records). It names
 * everything a reader needs, so any reader decodes any record without
 * configuration. NoDB imports this module only for binary records.
 *
 * | offset | bytes | field                                                  |
 * | ------ | ----- | ------------------------------------------------------ |
 * | 0      | 4     | magic `0x89 0x4E 0x44 0x42` (`\x89NDB`)                  |
 * | 4      | 1     | format version, now 1                                  |
 * | 5      | 1     | flags: bit 0 set = the payload is gzip, bits 1-7 are 0 |
 * | 6      | 1     | length N of the serializer name, 1 to 64               |
 * | 7      | N     | serializer name, printable ASCII, such as `msgpack`    |
 * | 7 + N  | rest  | payload                                                |
 *
 * The payload is the serializer's encoding of the envelope `{ dt, uuid, obj }`
 * (for `json`, the same text a plain JSON record contains), gzipped when bit 0
 * is set. 0x89 cannot start a JSON text, which begins with `{`, `[` or
 * whitespace, nor any UTF-8 text, where it is a continuation byte. So the
 * first byte alone distinguishes the two formats, and plain JSON records stay
 * byte-compatible with the Python NoDB.
 */
import { DecodeError } from '../errors.js';
import { MAGIC, SERIALIZER_NAME } from './magic.js';

export const FORMAT_VERSION = 1;
/** Flag bit: the payload is gzip. */
export const FLAG_GZIP = 0x01;
export const MAX_SERIALIZER_NAME_LENGTH = 64;

export interface RecordHeader {
  serializer: string;
  gzip: boolean;
  /** Offset of the payload in the record. */
  payloadOffset: number;
}

/** Returns header + payload as one record. `serializer` must match SERIALIZER_NAME. */
export function writeHeader(serializer: string, flags: number, payload: Uint8Array): Uint8Array {
  const record = new Uint8Array(7 + serializer.length + payload.length);
  record.set(MAGIC, 0);
  record[4] = FORMAT_VERSION;
  record[5] = flags;
  record[6] = serializer.length;
  for (let i = 0; i < serializer.length; i++) record[7 + i] = serializer.charCodeAt(i);
  record.set(payload, 7 + serializer.length);
  return record;
}

/** Reads the header of a record that starts with the magic. Throws DecodeError naming `key`. */
export function readHeader(bytes: Uint8Array, key: string): RecordHeader {
  if (bytes.length < 8) {
    throw new DecodeError(`The object "${key}" has a truncated nodb header (${bytes.length} bytes); the record is damaged.`, {
      key,
    });
  }

  const version = bytes[4]!;
  if (version !== FORMAT_VERSION) {
    throw new DecodeError(
      `The object "${key}" uses nodb record format version ${version}, but this reader knows version ` +
        `${FORMAT_VERSION}; upgrade nodb to read it.`,
      { key },
    );
  }

  const flags = bytes[5]!;
  if ((flags & ~FLAG_GZIP) !== 0) {
    throw new DecodeError(
      `The object "${key}" sets unknown header flags 0x${flags.toString(16).padStart(2, '0')}; ` +
        `it was written by a newer nodb, so upgrade nodb to read it.`,
      { key },
    );
  }

  const nameLength = bytes[6]!;
  const payloadOffset = 7 + nameLength;
  const serializer = String.fromCharCode(...bytes.subarray(7, payloadOffset));
  if (payloadOffset > bytes.length || !SERIALIZER_NAME.test(serializer)) {
    throw new DecodeError(
      `The object "${key}" has a malformed nodb header: the serializer name is not 1 to ` +
        `${MAX_SERIALIZER_NAME_LENGTH} printable ASCII characters. The record is damaged.`,
      { key },
    );
  }

  return { serializer, gzip: (flags & FLAG_GZIP) !== 0, payloadOffset };
}
