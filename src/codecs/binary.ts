/**
 * Binary records: header + payload, with the payload gzipped above the
 * settings' threshold (header.ts describes the layout). NoDB imports this
 * module only to write a record other than plain JSON or to read a record
 * that starts with the header's magic.
 *
 * A payload is compressed when compression is on, it has at least
 * `threshold` bytes, gzip makes it smaller, and it fits
 * `limits.maxDecompressedBytes`, so that readers with the same limit can
 * inflate it.
 */
import { hasEnvelopeFields, type Envelope } from '../envelope.js';
import { DecodeError, EncodeError } from '../errors.js';
import { loadModule } from '../load-module.js';
import type { EnvelopeFields, Serializer } from './custom.js';
import { decodeJsonRecord, encodeJsonRecord, type EncodedRecord } from './full-codec.js';
import { FLAG_GZIP, readHeader, writeHeader } from './header.js';
import type { MsgpackCodec } from './msgpack.js';
import type { CodecSettings } from './options.js';

/** One msgpack codec per set of codec settings, created on first use. */
const msgpackCodecs = new WeakMap<CodecSettings, Promise<MsgpackCodec>>();

/** Encodes a record in the settings' serializer, compressed when it qualifies. Throws EncodeError. */
export async function encodeBinaryRecord(settings: CodecSettings, envelope: Envelope): Promise<EncodedRecord> {
  const { serializer } = settings;
  const fields: EnvelopeFields = { dt: envelope.dt, uuid: envelope.uuid, obj: envelope.obj };

  let payload: Uint8Array;
  if (serializer === 'json') payload = encodeJsonRecord(settings, { serializer, ...fields });
  else if (serializer === 'msgpack') payload = (await msgpackFor(settings)).encode(fields);
  else payload = encodeCustom(settings.serializers.get(serializer)!, fields);

  let flags = 0;
  const threshold = settings.compressThreshold;
  if (threshold !== undefined && payload.length >= threshold && payload.length <= settings.limits.maxDecompressedBytes) {
    const compressed = (await loadModule(() => import('../compression.js'))).gzip(payload);
    if (compressed.length < payload.length) {
      payload = compressed;
      flags |= FLAG_GZIP;
    }
  }

  // Uncompressed JSON stays plain text, which the Python NoDB reads.
  if (serializer === 'json' && flags === 0) return { body: payload, contentType: 'application/json' };
  return { body: writeHeader(serializer, flags, payload), contentType: 'application/octet-stream' };
}

/** Decodes a record that starts with the header's magic. Throws DecodeError naming `key`. */
export async function decodeBinaryRecord<T>(settings: CodecSettings, bytes: Uint8Array, key: string): Promise<Envelope<T>> {
  const header = readHeader(bytes, key);
  let payload = bytes.subarray(header.payloadOffset);
  if (header.gzip) {
    payload = (await loadModule(() => import('../compression.js'))).gunzip(payload, settings.limits.maxDecompressedBytes, key);
  }

  const { serializer } = header;
  if (serializer === 'json') return decodeJsonRecord<T>(settings, payload, key);

  let fields: EnvelopeFields;
  if (serializer === 'msgpack') {
    fields = (await msgpackFor(settings)).decode(payload, key);
  } else {
    const custom = settings.serializers.get(serializer);
    if (custom === undefined) {
      throw new DecodeError(
        `The object "${key}" was written with the serializer "${serializer}", which this NoDB does not have; ` +
          `pass that serializer in the serializers option to read it.`,
        { key },
      );
    }
    fields = decodeCustom(custom, payload, key);
  }
  return { serializer, dt: fields.dt, uuid: fields.uuid, obj: fields.obj as T };
}

/** Runs a custom serializer's encode. Throws EncodeError naming the serializer. */
function encodeCustom(serializer: Serializer, record: EnvelopeFields): Uint8Array {
  let bytes: unknown;
  try {
    bytes = serializer.encode(record);
  } catch (error) {
    throw new EncodeError(`The serializer "${serializer.name}" could not encode the value. Nothing was written.`, {
      cause: error,
    });
  }
  if (!(bytes instanceof Uint8Array)) {
    throw new EncodeError(`The serializer "${serializer.name}" returned ${typeof bytes} instead of a Uint8Array. Nothing was written.`);
  }
  return bytes;
}

/** Runs a custom serializer's decode and checks its result. Throws DecodeError naming `key`. */
function decodeCustom(serializer: Serializer, bytes: Uint8Array, key: string): EnvelopeFields {
  let record: unknown;
  try {
    record = serializer.decode(bytes);
  } catch (error) {
    throw new DecodeError(`The object "${key}" could not be decoded by the serializer "${serializer.name}".`, {
      key,
      cause: error,
    });
  }
  if (!hasEnvelopeFields(record)) {
    throw new DecodeError(
      `The serializer "${serializer.name}" decoded the object "${key}" to a value without string "dt" and "uuid" ` +
        `and an "obj" field; its decode must return what its encode received.`,
      { key },
    );
  }
  return record;
}

function msgpackFor(settings: CodecSettings): Promise<MsgpackCodec> {
  let pending = msgpackCodecs.get(settings);
  if (pending === undefined) {
    pending = loadModule(() => import('./msgpack.js')).then(({ MsgpackCodec }) => new MsgpackCodec(settings.classes, settings.limits));
    // A failed import (the chunk did not load) is tried again for the next record.
    pending.catch(() => msgpackCodecs.delete(settings));
    msgpackCodecs.set(settings, pending);
  }
  return pending;
}
