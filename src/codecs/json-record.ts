/**
 * Reading JSON records (envelope.ts describes them) with every check and its
 * DecodeError. NoDB loads this module, through full-codec.ts, for the records
 * that the plain path of lazy-codec.ts cannot read.
 */
import { hasEnvelopeFields, type Envelope } from '../envelope.js';
import { DecodeError } from '../errors.js';

const decoder = new TextDecoder('utf-8', { fatal: true });

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

  if (!hasEnvelopeFields(parsed) || typeof (parsed as Record<string, unknown>).serializer !== 'string') {
    throw new DecodeError(
      `The object "${key}" is not a NoDB record: it lacks the "serializer", "dt", "uuid" and "obj" fields. ` +
        `Remove it or move it out of the NoDB prefix.`,
      { key },
    );
  }

  const { serializer } = parsed as Envelope;
  if (serializer === 'pickle') {
    throw new DecodeError(
      `The object "${key}" was saved by the Python NoDB with serializer "pickle"; ` +
        `unpickling runs code, so nodb does not load it. Re-save it from Python with serializer "json".`,
      { key },
    );
  }
  if (serializer !== 'json') {
    throw new DecodeError(`The object "${key}" uses the unknown serializer "${serializer}"; this reader knows "json".`, {
      key,
    });
  }

  return parsed as Envelope<T>;
}

function notJson(key: string, error: unknown): DecodeError {
  return new DecodeError(
    `The object "${key}" is not a NoDB record: its body is not UTF-8 JSON ` +
      `(${error instanceof Error ? error.message : String(error)}). Remove it or move it out of the NoDB prefix.`,
    { key, cause: error },
  );
}
