/**
 * The msgpack serializer (@msgpack/msgpack 3.1). The payload is a msgpack map
 * `{dt, uuid, obj}`. Types msgpack has natively: nil, booleans, numbers
 * (NaN and Infinity included), strings, Uint8Array as bin, arrays, and plain
 * objects as maps with string keys. Dates use msgpack's timestamp extension
 * (type -1). nodb's own extension types, whose payloads are msgpack values
 * unless noted:
 *
 * | type | value                          | payload                                        |
 * | ---- | ------------------------------ | ---------------------------------------------- |
 * | 1    | Map (keys of any type)         | `[keys, values]`, two arrays                   |
 * | 2    | Set                            | an array of the items                          |
 * | 3    | BigInt (any size)              | raw bytes: sign (0 or 1), magnitude big-endian |
 * | 4    | registered class instance      | `[name, data]`                                 |
 * | 5    | object with an own `__proto__` | `[keys, values]`, two arrays                   |
 *
 * Type 5 exists because the decoder rejects a map key "__proto__". Such
 * objects are rebuilt with `defineProperty`, so their prototype stays
 * Object.prototype. `-0` is stored as the integer 0, because the encoder
 * writes every safe integer as an int. NoDB imports this module on demand.
 */
import { Decoder, Encoder, ExtensionCodec } from '@msgpack/msgpack';
import { hasEnvelopeFields, type Envelope } from '../envelope.js';
import { DecodeError, EncodeError } from '../errors.js';
import type { ClassRegistry } from '../registry.js';
import { limitError } from './limit-error.js';
import type { ResolvedLimits } from './limits.js';
import { checkMsgpackValue } from './msgpack-check.js';
import { ScanFailure, scanMsgpack, type ExtensionKind } from './msgpack-scan.js';
import { reviveInstance } from './revive.js';

const EXT_MAP = 1;
const EXT_SET = 2;
const EXT_BIGINT = 3;
const EXT_INSTANCE = 4;
const EXT_PROTO_OBJECT = 5;
const EXT_TIMESTAMP = -1;

const EXTENSION_KINDS: ReadonlyMap<number, ExtensionKind> = new Map<number, ExtensionKind>([
  [EXT_TIMESTAMP, 'bytes'],
  [EXT_MAP, 'value'],
  [EXT_SET, 'value'],
  [EXT_BIGINT, 'bigint'],
  [EXT_INSTANCE, 'value'],
  [EXT_PROTO_OBJECT, 'value'],
]);

/** ASCII codes of the hex digits 0-9 and a-f. */
const HEX_DIGITS = Uint8Array.from('0123456789abcdef', (digit) => digit.charCodeAt(0));
const asciiDecoder = new TextDecoder();

/** Encodes and decodes msgpack payloads for one NoDB: its class registry and limits. */
export class MsgpackCodec {
  readonly #classes: ClassRegistry;
  readonly #limits: ResolvedLimits;
  readonly #encoder: Encoder;
  readonly #decoder: Decoder;
  /** Record being decoded, for the messages of errors raised inside extension decoders. */
  #key = '';
  /** Stored data of the registered instances in the value being encoded. */
  #classData = new Map<object, unknown>();

  constructor(classes: ClassRegistry, limits: ResolvedLimits) {
    this.#classes = classes;
    this.#limits = limits;

    const extensions = new ExtensionCodec();
    this.#registerExtensions(extensions);
    // The encoder counts depth per nested extension, so the scan after encoding checks the limit across them.
    this.#encoder = new Encoder({ extensionCodec: extensions, ignoreUndefined: true, maxDepth: Number.POSITIVE_INFINITY });
    this.#decoder = new Decoder({
      extensionCodec: extensions,
      maxStrLength: limits.maxStringLength,
      maxBinLength: limits.maxBinaryLength,
      maxArrayLength: limits.maxArrayLength,
      maxMapLength: limits.maxMapLength,
    });
  }

  /** Encodes `{dt, uuid, obj}`. Throws EncodeError, before anything is written, for a value msgpack cannot store. */
  encode(envelope: Omit<Envelope, 'serializer'>): Uint8Array {
    this.#classData = checkMsgpackValue(envelope.obj, this.#classes, this.#limits);

    let bytes: Uint8Array;
    try {
      bytes = this.#encoder.encode({ dt: envelope.dt, uuid: envelope.uuid, obj: envelope.obj });
    } catch (error) {
      throw new EncodeError(`The value could not be encoded as msgpack: ${describe(error)}. Nothing was written.`, {
        cause: error,
      });
    } finally {
      this.#classData = new Map();
    }

    // The scan a reader runs, so that no reader with the same limits rejects what was written.
    try {
      scanMsgpack(bytes, this.#limits, EXTENSION_KINDS);
    } catch (error) {
      if (!(error instanceof ScanFailure) || error.limit === undefined) throw error;
      throw new EncodeError(
        `The value is over limits.${error.limit} (${error.limitValue}) as msgpack: ${error.message}. Readers would ` +
          `reject the record, so raise limits.${error.limit} on every client that reads it, or store less. Nothing was written.`,
      );
    }
    return bytes;
  }

  /** Decodes a payload into `{dt, uuid, obj}`. Throws DecodeError naming `key`. */
  decode(payload: Uint8Array, key: string): Omit<Envelope, 'serializer'> {
    try {
      scanMsgpack(payload, this.#limits, EXTENSION_KINDS);
    } catch (error) {
      if (!(error instanceof ScanFailure)) throw error;
      if (error.limit !== undefined) throw limitError(key, error.limit, error.limitValue!, error.message);
      throw new DecodeError(`The object "${key}" is not valid msgpack: ${error.message}.`, { key });
    }

    let decoded: unknown;
    this.#key = key;
    try {
      decoded = this.#decoder.decode(payload);
    } catch (error) {
      if (error instanceof DecodeError) throw error;
      throw new DecodeError(`The object "${key}" is not valid msgpack: ${describe(error)}.`, { key, cause: error });
    }

    if (!hasEnvelopeFields(decoded)) {
      throw new DecodeError(
        `The object "${key}" is msgpack but not a NoDB record: it lacks the "dt", "uuid" and "obj" fields.`,
        { key },
      );
    }
    return decoded;
  }

  #registerExtensions(extensions: ExtensionCodec): void {
    const nested = (value: unknown) => this.#encoder.encode(value);
    const unpack = (data: Uint8Array) => this.#decoder.decode(data);

    extensions.register({
      type: EXT_MAP,
      encode: (value) => (value instanceof Map ? nested([[...value.keys()], [...value.values()]]) : null),
      decode: (data) => {
        const [keys, values] = this.#pairs(unpack(data), 'Map');
        if (keys.length > this.#limits.maxMapLength) {
          throw limitError(this.#key, 'maxMapLength', this.#limits.maxMapLength, `a Map has ${keys.length} entries`);
        }
        const map = new Map<unknown, unknown>();
        for (let i = 0; i < keys.length; i++) map.set(keys[i], values[i]);
        return map;
      },
    });

    extensions.register({
      type: EXT_SET,
      encode: (value) => (value instanceof Set ? nested([...value]) : null),
      decode: (data) => {
        const items = unpack(data);
        if (!Array.isArray(items)) throw this.#malformed('Set');
        return new Set(items);
      },
    });

    extensions.register({
      type: EXT_BIGINT,
      encode: (value) => (typeof value === 'bigint' ? encodeBigInt(value) : null),
      decode: (data) => {
        if (data.length === 0 || data[0]! > 1) throw this.#malformed('BigInt');
        return decodeBigInt(data);
      },
    });

    extensions.register({
      type: EXT_INSTANCE,
      encode: (value) => {
        if (typeof value !== 'object' || value === null) return null;
        const name = this.#classes.nameOf(value);
        if (name === undefined) return null;
        const data = this.#classData.has(value) ? this.#classData.get(value) : this.#classes.dataOf(value);
        return nested([name, data]);
      },
      decode: (data) => {
        const parts = unpack(data);
        if (!Array.isArray(parts) || parts.length !== 2 || typeof parts[0] !== 'string') {
          throw this.#malformed('class instance');
        }
        return reviveInstance(this.#classes, parts[0], parts[1], this.#key);
      },
    });

    extensions.register({
      type: EXT_PROTO_OBJECT,
      encode: (value) => {
        if (typeof value !== 'object' || value === null || Array.isArray(value) || !Object.hasOwn(value, '__proto__')) {
          return null;
        }
        const names = Object.keys(value).filter((name) => (value as Record<string, unknown>)[name] !== undefined);
        return nested([names, names.map((name) => (value as Record<string, unknown>)[name])]);
      },
      decode: (data) => {
        const [names, values] = this.#pairs(unpack(data), 'object');
        const object = {};
        for (let i = 0; i < names.length; i++) {
          const name = names[i];
          if (typeof name !== 'string') throw this.#malformed('object');
          Object.defineProperty(object, name, { value: values[i], writable: true, enumerable: true, configurable: true });
        }
        return object;
      },
    });
  }

  /** Checks a `[keys, values]` payload. */
  #pairs(decoded: unknown, type: string): [unknown[], unknown[]] {
    if (!Array.isArray(decoded) || decoded.length !== 2) throw this.#malformed(type);
    const [keys, values] = decoded as [unknown, unknown];
    if (!Array.isArray(keys) || !Array.isArray(values) || keys.length !== values.length) throw this.#malformed(type);
    return [keys, values];
  }

  #malformed(type: string): DecodeError {
    return new DecodeError(`The object "${this.#key}" contains a malformed msgpack ${type} extension; the record is damaged.`, {
      key: this.#key,
    });
  }
}

function encodeBigInt(value: bigint): Uint8Array {
  const negative = value < 0n;
  let hex = (negative ? -value : value).toString(16);
  if (hex.length % 2 === 1) hex = '0' + hex;

  const bytes = new Uint8Array(1 + hex.length / 2);
  bytes[0] = negative ? 1 : 0;
  for (let i = 0; i < hex.length / 2; i++) bytes[1 + i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}

/**
 * Decodes a BigInt payload through one flat hex string. Appending to a string
 * byte by byte built a rope of one node per byte: 593 MB for a 16 MiB BigInt.
 */
function decodeBigInt(data: Uint8Array): bigint {
  if (data.length === 1) return 0n;
  const hex = new Uint8Array(2 + (data.length - 1) * 2);
  hex[0] = 0x30; // "0x"
  hex[1] = 0x78;
  for (let i = 1; i < data.length; i++) {
    hex[i * 2] = HEX_DIGITS[data[i]! >> 4]!;
    hex[i * 2 + 1] = HEX_DIGITS[data[i]! & 0x0f]!;
  }
  const magnitude = BigInt(asciiDecoder.decode(hex));
  return data[0] === 1 ? -magnitude : magnitude;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
