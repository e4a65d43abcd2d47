/**
 * The exported helpers that encode and decode a JSON record's envelope.
 *
 * NoDB's own code must not import this module. index.ts re-exports it, and
 * esbuild (0.28, with code splitting) loads a re-exported module up front as
 * soon as a lazily loaded chunk uses it too. The full JSON writer would then
 * load with the core.
 */
import { writeEnvelopeJson, type Envelope } from './envelope.js';
import { pythonJsonStringify } from './codecs/json.js';
import { decodeEnvelopeText, parseEnvelope } from './codecs/json-record.js';
import type { ClassRegistry } from './registry.js';

/**
 * Encodes an envelope as the bytes the Python NoDB would write, with instances
 * of classes in `classes` written as class tags. Throws EncodeError.
 */
export function encodeEnvelope(envelope: Envelope, classes?: ClassRegistry): Uint8Array {
  return writeEnvelopeJson(envelope, pythonJsonStringify(envelope.obj, classes));
}

/**
 * Decodes stored JSON bytes into an envelope. Class tags stay as stored,
 * because NoDB's own reads revive them. Throws DecodeError naming `key`.
 */
export function decodeEnvelope<T = unknown>(bytes: Uint8Array, key: string): Envelope<T> {
  return parseEnvelope(decodeEnvelopeText(bytes, key), key);
}
