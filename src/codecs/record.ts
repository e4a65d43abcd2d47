/**
 * RecordCodec, the exported codec: the record bytes of full-codec.ts for one
 * set of codec options.
 *
 * NoDB's own code must not import this module. It uses LazyRecordCodec
 * (lazy-codec.ts), which loads full-codec.ts on first need. index.ts
 * re-exports this module, and esbuild (0.28, with code splitting) loads a
 * re-exported module up front as soon as a lazily loaded chunk uses it too.
 * The full codec would then load with the core.
 */
import type { Envelope } from '../envelope.js';
import type { ClassRegistry } from '../registry.js';
import type { Serializer } from './custom.js';
import { decodeJsonRecord, decodeRecord, encodeJsonRecord, encodeRecord, type EncodedRecord } from './full-codec.js';
import type { ResolvedLimits } from './limits.js';
import { resolveCodecOptions, type CodecSettings, type RecordCodecOptions } from './options.js';

export type { EncodedRecord } from './full-codec.js';

export class RecordCodec {
  /** Serializer that writes new records. */
  readonly serializer: string;
  /** Classes whose instances are stored and revived. */
  readonly classes: ClassRegistry;
  readonly limits: ResolvedLimits;
  /** Payloads of at least this many bytes are compressed; undefined when compression is off. */
  readonly compressThreshold: number | undefined;
  readonly #settings: CodecSettings;

  /** Validates the codec options. Throws InvalidOptionsError. */
  constructor(options: RecordCodecOptions) {
    this.#settings = resolveCodecOptions(options);
    this.serializer = this.#settings.serializer;
    this.classes = this.#settings.classes;
    this.limits = this.#settings.limits;
    this.compressThreshold = this.#settings.compressThreshold;
  }

  /** Encodes a new record. Throws EncodeError before anything is written. */
  encode(envelope: Envelope): Promise<EncodedRecord> {
    return encodeRecord(this.#settings, envelope);
  }

  /** Decodes a stored record of any format, reviving registered classes. Throws DecodeError naming `key`. */
  decode<T>(bytes: Uint8Array, key: string): Promise<Envelope<T>> {
    return decodeRecord<T>(this.#settings, bytes, key);
  }

  /** Encodes a JSON record's text. Throws EncodeError when readers with the same limits would reject it. */
  encodeJson(envelope: Envelope): Uint8Array {
    return encodeJsonRecord(this.#settings, envelope);
  }

  /** Decodes a JSON record's bytes, reviving class tags. Throws DecodeError naming `key`. */
  decodeJson<T>(bytes: Uint8Array, key: string): Promise<Envelope<T>> {
    return decodeJsonRecord<T>(this.#settings, bytes, key);
  }

  /** Returns the custom serializer registered as `name`. */
  customSerializer(name: string): Serializer | undefined {
    return this.#settings.serializers.get(name);
  }
}
