/**
 * The record envelope: what one object in the bucket contains.
 *
 * A JSON record is the UTF-8 text of
 * `{"serializer": "json", "dt": "YYYY-MM-DD HH:MM:SS.ffffff", "uuid": "<uuid4>", "obj": ...}`
 * in that key order and Python's `json.dumps` formatting, which is what the
 * Python NoDB writes and reads. Records in other formats (msgpack, custom
 * serializers, compressed) start with the binary header of codecs/header.ts
 * instead, and codecs/record.ts distinguishes the two by the first byte.
 */
import { DecodeError } from './errors.js';
import { pythonJsonStringify } from './codecs/json.js';
import type { ClassRegistry } from './registry.js';

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
const decoder = new TextDecoder('utf-8', { fatal: true });

/** Wraps `obj` in a new envelope stamped with the current time and a fresh UUID. */
export function createEnvelope<T>(obj: T, now: Date = new Date()): Envelope<T> {
  return { serializer: 'json', dt: formatPythonUtc(now), uuid: crypto.randomUUID(), obj };
}

/**
 * Encodes an envelope as the bytes the Python NoDB would write, with instances
 * of classes in `classes` written as class tags. Throws EncodeError.
 */
export function encodeEnvelope(envelope: Envelope, classes?: ClassRegistry): Uint8Array {
  const text =
    `{"serializer": ${pythonJsonStringify(envelope.serializer)}, ` +
    `"dt": ${pythonJsonStringify(envelope.dt)}, ` +
    `"uuid": ${pythonJsonStringify(envelope.uuid)}, ` +
    `"obj": ${pythonJsonStringify(envelope.obj, classes)}}`;
  return encoder.encode(text);
}

/**
 * Decodes stored JSON bytes into an envelope. Class tags stay as stored,
 * because NoDB's own reads revive them. Throws DecodeError naming `key`.
 */
export function decodeEnvelope<T = unknown>(bytes: Uint8Array, key: string): Envelope<T> {
  return parseEnvelope(decodeEnvelopeText(bytes, key), key);
}

/** Decodes a JSON record's bytes as UTF-8. Throws DecodeError naming `key`. */
export function decodeEnvelopeText(bytes: Uint8Array, key: string): string {
  try {
    return decoder.decode(bytes);
  } catch (error) {
    throw notJson(key, error);
  }
}

/** Parses a JSON record's text into an envelope. Throws DecodeError naming `key`. */
export function parseEnvelope<T = unknown>(text: string, key: string): Envelope<T> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw notJson(key, error);
  }

  if (!isEnvelopeShape(parsed)) {
    throw new DecodeError(
      `The object "${key}" is not a NoDB record: it lacks the "serializer", "dt", "uuid" and "obj" fields. ` +
        `Remove it or move it out of the NoDB prefix.`,
      { key },
    );
  }

  if (parsed.serializer === 'pickle') {
    throw new DecodeError(
      `The object "${key}" was saved by the Python NoDB with serializer "pickle"; ` +
        `unpickling runs code, so nodb does not load it. Re-save it from Python with serializer "json".`,
      { key },
    );
  }
  if (parsed.serializer !== 'json') {
    throw new DecodeError(
      `The object "${key}" uses the unknown serializer "${parsed.serializer}"; this reader knows "json".`,
      { key },
    );
  }

  return parsed as Envelope<T>;
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

function isEnvelopeShape(value: unknown): value is Envelope & Record<string, unknown> {
  return hasEnvelopeFields(value) && typeof (value as Record<string, unknown>).serializer === 'string';
}

/** True when `value` is an object with string `dt` and `uuid` and an own `obj`: the fields every record format carries. */
export function hasEnvelopeFields(value: unknown): value is Omit<Envelope, 'serializer'> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const record = value as Record<string, unknown>;
  return typeof record.dt === 'string' && typeof record.uuid === 'string' && Object.hasOwn(record, 'obj');
}

function notJson(key: string, error: unknown): DecodeError {
  return new DecodeError(
    `The object "${key}" is not a NoDB record: its body is not UTF-8 JSON ` +
      `(${describe(error)}). Remove it or move it out of the NoDB prefix.`,
    { key, cause: error },
  );
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
