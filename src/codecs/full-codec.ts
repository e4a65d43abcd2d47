/**
 * Record bytes in every format and with every codec option: which format to
 * write, and how to read any format. A record is either a plain JSON text
 * (the Python NoDB's format, see envelope.ts) or a binary record that starts
 * with the header in header.ts. The first byte distinguishes them, so a
 * reader needs no configuration to read what another client wrote. Only
 * custom serializers must be registered, and classes, to be revived.
 *
 * What is written:
 * - `json`, not compressed: the plain JSON text, byte-compatible with the Python NoDB.
 * - `json`, compressed: header + gzip of that same text.
 * - `msgpack` or a custom serializer: header + payload, gzipped when compressed.
 *
 * Everything but plain JSON records lives in binary.ts, which is imported on
 * first use. It imports msgpack and fflate only when a record needs them. So
 * bundlers split them out, and a client that only reads and writes plain JSON
 * records never loads them. NoDB loads this module on first need too,
 * because lazy-codec.ts writes and reads plain records of plain data alone.
 */
import { writeEnvelopeJson, type Envelope } from '../envelope.js';
import { EncodeError } from '../errors.js';
import { loadModule } from '../load-module.js';
import { pythonJsonStringify } from './json.js';
import { mayContainTags } from './json-plain.js';
import { decodeEnvelopeText, parseEnvelope } from './json-record.js';
import { exceedsValueLimit } from './json-values.js';
import { limitError } from './limit-error.js';
import { hasMagic } from './magic.js';
import type { CodecSettings } from './options.js';

/** Bytes to store and the Content-Type to store them with. */
export interface EncodedRecord {
  body: Uint8Array;
  contentType: string;
}

/** Encodes a new record. Throws EncodeError before anything is written. */
export async function encodeRecord(settings: CodecSettings, envelope: Envelope): Promise<EncodedRecord> {
  if (settings.serializer === 'json' && settings.compressThreshold === undefined) {
    return { body: encodeJsonRecord(settings, envelope), contentType: 'application/json' };
  }
  return (await loadModule(() => import('./binary.js'))).encodeBinaryRecord(settings, envelope);
}

/** Decodes a stored record of any format, reviving registered classes. Throws DecodeError naming `key`. */
export async function decodeRecord<T>(settings: CodecSettings, bytes: Uint8Array, key: string): Promise<Envelope<T>> {
  if (!hasMagic(bytes)) return decodeJsonRecord<T>(settings, bytes, key);
  return (await loadModule(() => import('./binary.js'))).decodeBinaryRecord<T>(settings, bytes, key);
}

/** Encodes a JSON record's text. Throws EncodeError when readers with the same limits would reject it. */
export function encodeJsonRecord(settings: CodecSettings, envelope: Envelope): Uint8Array {
  const bytes = writeEnvelopeJson(envelope, pythonJsonStringify(envelope.obj, settings.classes));
  const { maxValues } = settings.limits;
  if (exceedsValueLimit(bytes, maxValues)) {
    throw new EncodeError(
      `The value is over limits.maxValues (${maxValues}): ${valueLimitDetail(maxValues)}. ` +
        `Readers would reject the record, so raise limits.maxValues on every client that reads it, or store less. ` +
        `Nothing was written.`,
    );
  }
  return bytes;
}

/** Decodes a JSON record's bytes, reviving class tags. Throws DecodeError naming `key`. */
export async function decodeJsonRecord<T>(settings: CodecSettings, bytes: Uint8Array, key: string): Promise<Envelope<T>> {
  // JSON.parse builds the whole value before any other check could run.
  const { maxValues } = settings.limits;
  if (exceedsValueLimit(bytes, maxValues)) throw limitError(key, 'maxValues', maxValues, valueLimitDetail(maxValues));

  const text = decodeEnvelopeText(bytes, key);
  const envelope = parseEnvelope<T>(text, key);
  if (mayContainTags(text)) {
    envelope.obj = (await loadModule(() => import('./json-tags.js'))).reviveTags(envelope.obj, settings.classes, key) as T;
  }
  return envelope;
}

function valueLimitDetail(maxValues: number): string {
  return `its JSON text has more than ${maxValues} brackets and commas outside strings, so it may hold that many values`;
}
