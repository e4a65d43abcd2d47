/**
 * Bounds on what one stored record may expand to when it is read. Stored bytes
 * are untrusted: a few bytes of gzip or of a msgpack length header can claim
 * gigabytes, so every decoder checks these before it allocates.
 *
 * `maxDecompressedBytes` applies to every compressed record. The other limits
 * apply to msgpack records, where a length header states a size up front. JSON
 * text cannot claim more than it contains, so its size alone bounds it. Writers
 * check the same limits, so that a reader with equal limits can read every
 * record they wrote.
 */
import { DecodeError, InvalidOptionsError } from '../errors.js';

export interface DecodeLimits {
  /** Bytes a compressed record may inflate to. @default 33554432 (32 MiB) */
  maxDecompressedBytes?: number;
  /** UTF-8 bytes of one msgpack string. @default 16777216 (16 MiB) */
  maxStringLength?: number;
  /** Bytes of one msgpack binary value (a Uint8Array or a BigInt's digits). @default 16777216 (16 MiB) */
  maxBinaryLength?: number;
  /** Elements of one msgpack array, or of one Set. @default 1000000 */
  maxArrayLength?: number;
  /** Entries of one msgpack map (an object's properties) or of one Map. @default 1000000 */
  maxMapLength?: number;
  /** Nesting depth of msgpack arrays, maps and extension values. @default 512 */
  maxDepth?: number;
}

export type ResolvedLimits = Required<DecodeLimits>;

// Sized for one document per record: MongoDB caps a document at 16 MiB, and a
// 32 MiB inflated record still decodes within a 128 MB Workers isolate.
export const DEFAULT_LIMITS: ResolvedLimits = {
  maxDecompressedBytes: 32 * 1024 * 1024,
  maxStringLength: 16 * 1024 * 1024,
  maxBinaryLength: 16 * 1024 * 1024,
  maxArrayLength: 1_000_000,
  maxMapLength: 1_000_000,
  maxDepth: 512,
};

/** Smallest values a record needs: its envelope is a map of 3 entries with 36-character strings. */
const MINIMUMS: Partial<ResolvedLimits> = { maxStringLength: 64, maxMapLength: 3 };

/** Merges `limits` over the defaults. Throws InvalidOptionsError for a value that is not a positive integer. */
export function resolveLimits(limits: DecodeLimits | undefined): ResolvedLimits {
  if (limits === undefined) return DEFAULT_LIMITS;
  if (typeof limits !== 'object' || limits === null) {
    throw new InvalidOptionsError(`limits must be an object such as { maxDecompressedBytes: 1048576 }; got ${String(limits)}.`);
  }

  const resolved = { ...DEFAULT_LIMITS };
  for (const name of Object.keys(limits) as Array<keyof DecodeLimits>) {
    if (!(name in DEFAULT_LIMITS)) {
      throw new InvalidOptionsError(
        `limits.${name} is not a known limit; use ${Object.keys(DEFAULT_LIMITS).join(', ')}.`,
      );
    }
    const value = limits[name];
    if (value === undefined) continue;
    const minimum = MINIMUMS[name] ?? 1;
    if (typeof value !== 'number' || !(value === Number.POSITIVE_INFINITY || (Number.isSafeInteger(value) && value >= minimum))) {
      throw new InvalidOptionsError(`limits.${name} must be an integer of at least ${minimum}, or Infinity; got ${String(value)}.`);
    }
    resolved[name] = value;
  }
  return resolved;
}

/** Returns the DecodeError for record `key` when it passes limit `name`. */
export function limitError(key: string, name: keyof DecodeLimits, limit: number, detail: string): DecodeError {
  return new DecodeError(
    `The object "${key}" is over limits.${name} (${limit}): ${detail}. Raise the limit if the record is genuine.`,
    { key },
  );
}
