/**
 * The record envelope: what one object in the bucket contains.
 *
 * A JSON record is the UTF-8 text of
 * `{"serializer": "json", "dt": "YYYY-MM-DD HH:MM:SS.ffffff", "uuid": "<uuid4>", "obj": ...}`
 * in that key order and Python's `json.dumps` formatting, which is what the
 * Python NoDB writes and reads. Records in other formats (msgpack, custom
 * serializers, compressed) start with the binary header of codecs/header.ts
 * instead, and the first byte distinguishes the two (codecs/magic.ts).
 *
 * This module has what saving and loading a plain record needs. The exported
 * encodeEnvelope and decodeEnvelope, with the full writer and every
 * DecodeError, are in envelope-json.ts.
 */
import { quote } from './codecs/json-plain.js';

/** A decoded record with its metadata. */
export interface Envelope<T = unknown> {
  /** Serializer named in the record. */
  serializer: string;
  /** Insertion time in UTC, formatted as Python prints `datetime.utcnow()`. */
  dt: string;
  /** Random UUID (version 4) of this write. */
  uuid: string;
  /** The stored value. */
  obj: T;
}

const encoder = new TextEncoder();

/** Wraps `obj` in a new envelope stamped with the current time and a fresh UUID. */
export function createEnvelope<T>(obj: T, now: Date = new Date()): Envelope<T> {
  return { serializer: 'json', dt: formatPythonUtc(now), uuid: crypto.randomUUID(), obj };
}

/** Returns the bytes of a JSON record: the envelope's fields around `objText`, the JSON text of its `obj`. */
export function writeEnvelopeJson(envelope: Envelope, objText: string): Uint8Array {
  const text =
    `{"serializer": ${quote(envelope.serializer)}, "dt": ${quote(envelope.dt)}, ` +
    `"uuid": ${quote(envelope.uuid)}, "obj": ${objText}}`;
  return encoder.encode(text);
}

/**
 * Formats a time as Python's `str(datetime.utcnow())`: `YYYY-MM-DD HH:MM:SS.ffffff`,
 * with the fraction left out when it is zero, as Python does. JavaScript clocks
 * have millisecond resolution, so the last three digits are always zero.
 */
export function formatPythonUtc(time: Date): string {
  const pad = (value: number, width = 2) => String(value).padStart(width, '0');
  const date = `${pad(time.getUTCFullYear(), 4)}-${pad(time.getUTCMonth() + 1)}-${pad(time.getUTCDate())}`;
  const clock = `${pad(time.getUTCHours())}:${pad(time.getUTCMinutes())}:${pad(time.getUTCSeconds())}`;
  const millis = time.getUTCMilliseconds();
  return millis === 0 ? `${date} ${clock}` : `${date} ${clock}.${pad(millis * 1000, 6)}`;
}

/** True when `value` is a JSON record's envelope, as JSON.parse returns it. */
export function isJsonEnvelope(value: unknown): value is Envelope {
  return hasEnvelopeFields(value) && (value as Record<string, unknown>).serializer === 'json';
}

/** True when `value` is an object with string `dt` and `uuid` and an own `obj`: the fields every record format carries. */
export function hasEnvelopeFields(value: unknown): value is Omit<Envelope, 'serializer'> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const record = value as Record<string, unknown>;
  return typeof record.dt === 'string' && typeof record.uuid === 'string' && Object.hasOwn(record, 'obj');
}
