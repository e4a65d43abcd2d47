/**
 * Custom serializers: an application's own record format, registered by name
 * so that a reader finds it from the name in each record's header.
 */
import type { Envelope } from '../envelope.js';
import { InvalidOptionsError } from '../errors.js';
import { SERIALIZER_NAME } from './magic.js';
import { invalidOption } from './option-value.js';

/** The fields every record stores, whatever its format. */
export type EnvelopeFields<T = unknown> = Omit<Envelope<T>, 'serializer'>;

/** A record format of the application's own. */
export interface Serializer {
  /** Name written into each record's header: 1 to 64 printable ASCII characters, not "json", "msgpack" or "pickle". */
  readonly name: string;
  /** Encodes the record `{ dt, uuid, obj }`. Throw to reject a value; nothing is written then. */
  encode(record: EnvelopeFields): Uint8Array;
  /** Decodes bytes from `encode` back to `{ dt, uuid, obj }`, with `dt` and `uuid` as strings. */
  decode(bytes: Uint8Array): unknown;
}

/** Names nodb reads itself ("pickle" is the Python NoDB's, which nodb rejects). */
export const RESERVED_SERIALIZER_NAMES: readonly string[] = ['json', 'msgpack', 'pickle'];

/** Validates the `serializers` option and indexes it by name. Throws InvalidOptionsError. */
export function indexSerializers(serializers: readonly Serializer[] | undefined): Map<string, Serializer> {
  const byName = new Map<string, Serializer>();
  if (serializers === undefined) return byName;
  if (!Array.isArray(serializers)) throw invalidOption('serializers', 'an array of { name, encode, decode } objects', serializers);

  for (const serializer of serializers) {
    const name: unknown = serializer?.name;
    if (typeof name !== 'string' || !SERIALIZER_NAME.test(name)) {
      throw invalidOption("A serializer's name", '1 to 64 printable ASCII characters without spaces', name);
    }
    if (RESERVED_SERIALIZER_NAMES.includes(name)) {
      throw new InvalidOptionsError(`The serializer name "${name}" is reserved; choose another name.`);
    }
    if (typeof serializer.encode !== 'function' || typeof serializer.decode !== 'function') {
      throw new InvalidOptionsError(`The serializer "${name}" needs encode(record) and decode(bytes) functions.`);
    }
    if (byName.has(name)) throw new InvalidOptionsError(`Two serializers are named "${name}"; names must be unique.`);
    byName.set(name, serializer);
  }
  return byName;
}
