/**
 * The codec options of a NoDB (serializer, serializers, classes, compression,
 * limits), validated. Constructors must reject bad options synchronously, so
 * this module loads up front, while the codec that uses the settings
 * (full-codec.ts) loads on first need.
 */
import { indexSerializers, type Serializer } from './custom.js';
import { resolveLimits, type DecodeLimits, type ResolvedLimits } from './limits.js';
import { InvalidOptionsError } from '../errors.js';
import { checkOptionNames, formatOptionValue, invalidOption } from './option-value.js';
import { ClassRegistry, type ClassList } from '../registry.js';

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

/** Codec options after validation, with their defaults filled in. */
export interface CodecSettings {
  /** Serializer that writes new records. */
  serializer: string;
  /** Custom serializers by name. */
  serializers: Map<string, Serializer>;
  /** Classes whose instances are stored and revived. */
  classes: ClassRegistry;
  limits: ResolvedLimits;
  /** Payloads of at least this many bytes are compressed; undefined when compression is off. */
  compressThreshold: number | undefined;
}

export const DEFAULT_COMPRESSION_THRESHOLD = 1024;

/** Validates the codec options and fills in their defaults. Throws InvalidOptionsError. */
export function resolveCodecOptions(options: RecordCodecOptions): CodecSettings {
  const serializer = options.serializer ?? 'json';
  const serializers = indexSerializers(options.serializers);
  const settings: CodecSettings = {
    serializer,
    serializers,
    classes: new ClassRegistry(options.classes),
    limits: resolveLimits(options.limits),
    compressThreshold: resolveThreshold(options.compression, serializer),
  };

  if (serializer !== 'json' && serializer !== 'msgpack' && !serializers.has(serializer)) {
    const known = ['json', 'msgpack', ...serializers.keys()].map((name) => `"${name}"`).join(', ');
    throw new InvalidOptionsError(
      `serializer must be one of ${known}; got ${formatOptionValue(serializer)}. Pass a custom serializer in the serializers option.`,
    );
  }
  return settings;
}

function resolveThreshold(compression: RecordCodecOptions['compression'], serializer: string): number | undefined {
  // Plain JSON records stay readable by the Python NoDB unless compression is asked for.
  if (compression === undefined) return serializer === 'json' ? undefined : DEFAULT_COMPRESSION_THRESHOLD;
  if (compression === false) return undefined;
  if (typeof compression === 'object' && compression !== null) checkOptionNames(compression, ['threshold'], 'compression');

  const threshold =
    typeof compression === 'object' && compression !== null ? (compression.threshold ?? DEFAULT_COMPRESSION_THRESHOLD) : NaN;
  if (!Number.isSafeInteger(threshold) || threshold < 0) {
    throw invalidOption('compression', 'false or { threshold } with a threshold of 0 or more bytes', compression);
  }
  return threshold;
}
