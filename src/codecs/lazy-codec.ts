/**
 * The codec of a NoDB. It validates the codec options at once, and writes and
 * reads plain JSON records itself. It loads full-codec.ts the first time
 * anything else needs it: other serializers, compression, registered
 * classes, binary records, and values that the plain writer (json-plain.ts)
 * leaves to the full one. Every record that fails to encode or decode goes
 * there too, so that full-codec.ts raises its EncodeError or DecodeError.
 */
import { isJsonEnvelope, writeEnvelopeJson, type Envelope } from '../envelope.js';
import { loadModule } from '../load-module.js';
import type { ClassRegistry } from '../registry.js';
import { mayContainTags, writePlainJson } from './json-plain.js';
import { exceedsValueLimit } from './json-values.js';
import { hasMagic } from './magic.js';
import type { EncodedRecord } from './full-codec.js';
import { resolveCodecOptions, type CodecSettings, type RecordCodecOptions } from './options.js';

const decoder = new TextDecoder('utf-8', { fatal: true });

export class LazyRecordCodec {
  /** Classes whose instances are stored and revived. */
  readonly classes: ClassRegistry;
  readonly #settings: CodecSettings;

  /** Validates the codec options. Throws InvalidOptionsError. */
  constructor(options: RecordCodecOptions) {
    this.#settings = resolveCodecOptions(options);
    this.classes = this.#settings.classes;
  }

  /** Encodes a new record. Throws EncodeError before anything is written. */
  async encode(envelope: Envelope, signal?: AbortSignal): Promise<EncodedRecord> {
    const { serializer, compressThreshold, limits } = this.#settings;
    if (serializer === 'json' && compressThreshold === undefined && this.classes.size === 0) {
      const objText = writePlainJson(envelope.obj);
      const body = objText === undefined ? undefined : writeEnvelopeJson(envelope, objText);
      if (body !== undefined && !exceedsValueLimit(body, limits.maxValues)) return { body, contentType: 'application/json' };
    }
    return (await loadModule(() => import('./full-codec.js'), signal)).encodeRecord(this.#settings, envelope);
  }

  /** Decodes a stored record of any format, reviving registered classes. Throws DecodeError naming `key`. */
  async decode<T>(bytes: Uint8Array, key: string, signal?: AbortSignal): Promise<Envelope<T>> {
    // Checked before JSON.parse, which builds the whole value before any other check could run.
    if (!hasMagic(bytes) && !exceedsValueLimit(bytes, this.#settings.limits.maxValues)) {
      const text = decodeUtf8(bytes);
      const envelope = text === undefined ? undefined : parseJsonEnvelope(text);
      if (text !== undefined && envelope !== undefined) {
        if (mayContainTags(text)) envelope.obj = (await loadModule(() => import('./json-tags.js'), signal)).reviveTags(envelope.obj, this.classes, key);
        return envelope as Envelope<T>;
      }
    }
    return (await loadModule(() => import('./full-codec.js'), signal)).decodeRecord<T>(this.#settings, bytes, key);
  }
}

/** Decodes UTF-8, or returns undefined for bytes that are not UTF-8. */
function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return decoder.decode(bytes);
  } catch {
    return undefined;
  }
}

/** Parses a JSON record's envelope, or returns undefined for text that is not JSON or not a JSON envelope. */
function parseJsonEnvelope(text: string): Envelope | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return isJsonEnvelope(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}
