/**
 * Record bytes for one NoDB: which format to write, and how to read any
 * format. A record is either a plain JSON text (the Python NoDB's format, see
 * envelope.ts) or a binary record that starts with the header in header.ts.
 * The first byte distinguishes them, so a reader needs no configuration to
 * read what another client wrote. Only custom serializers must be registered,
 * and classes, to be revived.
 *
 * What is written:
 * - `json`, not compressed: the plain JSON text, byte-compatible with the Python NoDB.
 * - `json`, compressed: header + gzip of that same text.
 * - `msgpack` or a custom serializer: header + payload, gzipped when compressed.
 *
 * Everything but plain JSON records lives in binary.ts, which is imported on
 * first use. It imports msgpack and fflate only when a record needs them. So
 * bundlers split them out, and a client that only reads and writes plain JSON
 * records never loads them.
 */
import { decodeEnvelopeText, encodeEnvelope, parseEnvelope, type Envelope } from '../envelope.js';
import { CLASS_TAG } from './json.js';
import { EncodeError, InvalidOptionsError } from '../errors.js';
import { ClassRegistry, type ClassList } from '../registry.js';
import { indexSerializers, type Serializer } from './custom.js';
import { hasMagic } from './magic.js';
import { jsonValuesOverLimit } from './json-values.js';
import { formatOptionValue } from './option-value.js';
import { limitError, resolveLimits, type DecodeLimits, type ResolvedLimits } from './limits.js';

export interface CompressionOptions {
  /** Payloads of at least this many bytes are gzipped. @default 1024 */
  threshold?: number;
}

/** The codec options of NoDB, described there. */
export interface RecordCodecOptions {
  serializer?: string;
  serializers?: readonly Serializer[];
  classes?: ClassList;
  compression?: false | CompressionOptions;
  limits?: DecodeLimits;
}

/** Bytes to store and the Content-Type to store them with. */
export interface EncodedRecord {
  body: Uint8Array;
  contentType: string;
}

export const DEFAULT_COMPRESSION_THRESHOLD = 1024;

export class RecordCodec {
  /** Serializer that writes new records. */
  readonly serializer: string;
  /** Classes whose instances are stored and revived. */
  readonly classes: ClassRegistry;
  readonly limits: ResolvedLimits;
  /** Payloads of at least this many bytes are compressed; undefined when compression is off. */
  readonly compressThreshold: number | undefined;
  readonly #serializers: Map<string, Serializer>;

  constructor(options: RecordCodecOptions) {
    this.serializer = options.serializer ?? 'json';
    this.#serializers = indexSerializers(options.serializers);
    this.classes = new ClassRegistry(options.classes);
    this.limits = resolveLimits(options.limits);
    this.compressThreshold = resolveThreshold(options.compression, this.serializer);

    if (this.serializer !== 'json' && this.serializer !== 'msgpack' && !this.#serializers.has(this.serializer)) {
      const known = ['json', 'msgpack', ...this.#serializers.keys()].map((name) => `"${name}"`).join(', ');
      throw new InvalidOptionsError(
        `serializer must be one of ${known}; got ${formatOptionValue(this.serializer)}. ` +
          `Pass a custom serializer in the serializers option.`,
      );
    }
  }

  /** Encodes a new record. Throws EncodeError before anything is written. */
  async encode(envelope: Envelope): Promise<EncodedRecord> {
    if (this.serializer === 'json' && this.compressThreshold === undefined) {
      return { body: this.encodeJson(envelope), contentType: 'application/json' };
    }
    return (await import('./binary.js')).encodeBinaryRecord(this, envelope);
  }

  /** Decodes a stored record of any format, reviving registered classes. Throws DecodeError naming `key`. */
  async decode<T>(bytes: Uint8Array, key: string): Promise<Envelope<T>> {
    if (!hasMagic(bytes)) return this.decodeJson<T>(bytes, key);
    return (await import('./binary.js')).decodeBinaryRecord<T>(this, bytes, key);
  }

  /** Encodes a JSON record's text. Throws EncodeError when readers with the same limits would reject it. */
  encodeJson(envelope: Envelope): Uint8Array {
    const bytes = encodeEnvelope(envelope, this.classes);
    const overLimit = jsonValuesOverLimit(bytes, this.limits);
    if (overLimit !== undefined) {
      throw new EncodeError(
        `The value is over limits.maxValues (${this.limits.maxValues}): ${overLimit}. Readers would reject the ` +
          `record, so raise limits.maxValues on every client that reads it, or store less. Nothing was written.`,
      );
    }
    return bytes;
  }

  /** Decodes a JSON record's bytes, reviving class tags. Throws DecodeError naming `key`. */
  async decodeJson<T>(bytes: Uint8Array, key: string): Promise<Envelope<T>> {
    // JSON.parse builds the whole value before any other check could run.
    const overLimit = jsonValuesOverLimit(bytes, this.limits);
    if (overLimit !== undefined) throw limitError(key, 'maxValues', this.limits.maxValues, overLimit);
    const text = decodeEnvelopeText(bytes, key);
    const envelope = parseEnvelope<T>(text, key);
    if (mayContainTags(text)) {
      envelope.obj = (await import('./json-tags.js')).reviveTags(envelope.obj, this.classes, key) as T;
    }
    return envelope;
  }

  /** Returns the custom serializer registered as `name`. */
  customSerializer(name: string): Serializer | undefined {
    return this.#serializers.get(name);
  }
}

/**
 * True when a record's JSON text may contain a class tag. Any spelling of the
 * key "$class" is either the literal text or uses a `\u` escape, so other
 * records skip the walk.
 */
function mayContainTags(text: string): boolean {
  return text.includes(CLASS_TAG) || text.includes('\\u');
}

function resolveThreshold(compression: RecordCodecOptions['compression'], serializer: string): number | undefined {
  // Plain JSON records stay readable by the Python NoDB unless compression is asked for.
  if (compression === undefined) return serializer === 'json' ? undefined : DEFAULT_COMPRESSION_THRESHOLD;
  if (compression === false) return undefined;

  const threshold =
    typeof compression === 'object' && compression !== null ? (compression.threshold ?? DEFAULT_COMPRESSION_THRESHOLD) : NaN;
  if (!Number.isSafeInteger(threshold) || threshold < 0) {
    throw new InvalidOptionsError(
      `compression must be false or { threshold } with a threshold of 0 or more bytes; got ${formatOptionValue(compression)}.`,
    );
  }
  return threshold;
}
