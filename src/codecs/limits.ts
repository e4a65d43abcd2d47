/**
 * Bounds on what one stored record may expand to when it is read. Stored bytes
 * are untrusted: a few bytes of gzip or of a msgpack length header can claim
 * gigabytes, so every decoder checks these before it allocates.
 *
 * `maxDecompressedBytes` applies to every compressed record and `maxValues` to
 * every JSON and msgpack record. The other limits apply to msgpack records,
 * where a length header states a size up front. Writers check the same limits,
 * so that a reader with equal limits can read every record they wrote.
 *
 * `maxValues` exists because one byte of input can become a JavaScript object
 * of 40 to 75 bytes (an empty array or map, measured on Node 20), so a record's
 * byte size alone does not bound the heap it decodes to.
 */
import { InvalidOptionsError } from '../errors.js';
import { invalidOption } from './option-value.js';

export interface DecodeLimits {
  /** Bytes a compressed record may inflate to. @default 16777216 (16 MiB) */
  maxDecompressedBytes?: number;
  /**
   * Values in one JSON or msgpack record, counting every array, object, map
   * key, string, number and extension value, the envelope included. JSON
   * counts brackets and commas outside strings, an upper bound. @default 500000
   */
  maxValues?: number;
  /** UTF-8 bytes of one msgpack string. @default 16777216 (16 MiB) */
  maxStringLength?: number;
  /** Bytes of one msgpack binary value (a Uint8Array or a Date). @default 16777216 (16 MiB) */
  maxBinaryLength?: number;
  /** Bytes of one msgpack BigInt: a sign byte and the magnitude. @default 1048576 (1 MiB) */
  maxBigIntBytes?: number;
  /** Elements of one msgpack array, or of one Set. @default 1000000 */
  maxArrayLength?: number;
  /** Entries of one msgpack map (an object's properties) or of one Map. @default 1000000 */
  maxMapLength?: number;
  /** Nesting depth of msgpack arrays, maps and extension values. @default 512 */
  maxDepth?: number;
}

export type ResolvedLimits = Required<DecodeLimits>;

// Sized for one document per record, as MongoDB caps a document at 16 MiB. The
// worst records these defaults admit grew the heap by at most 68 MB when decoded,
// and each decoded under --max-old-space-size=128 (bench/hostile-memory.mjs,
// Node 20 on x86-64, BENCHMARKS.md). Before maxValues, 32 KB of gzip took 1.3 GB.
// NOTE: measured on Node, not in workerd, whose pointer compression should need less.
export const DEFAULT_LIMITS: ResolvedLimits = {
  maxDecompressedBytes: 16 * 1024 * 1024,
  maxValues: 500_000,
  maxStringLength: 16 * 1024 * 1024,
  maxBinaryLength: 16 * 1024 * 1024,
  maxBigIntBytes: 1024 * 1024,
  maxArrayLength: 1_000_000,
  maxMapLength: 1_000_000,
  maxDepth: 512,
};

/**
 * Smallest values a record needs: its envelope is a map of 3 entries with
 * 36-character strings, which counts 7 values in msgpack (the map, 3 keys, 3 values).
 */
const MINIMUMS: Partial<ResolvedLimits> = { maxStringLength: 64, maxMapLength: 3, maxValues: 7 };

/** Merges `limits` over the defaults. Throws InvalidOptionsError for a value that is not a positive integer. */
export function resolveLimits(limits: DecodeLimits | undefined): ResolvedLimits {
  if (limits === undefined) return DEFAULT_LIMITS;
  if (typeof limits !== 'object' || limits === null) {
    throw invalidOption('limits', 'an object such as { maxDecompressedBytes: 1048576 }', limits);
  }

  const resolved = { ...DEFAULT_LIMITS };
  for (const name of Object.keys(limits) as Array<keyof DecodeLimits>) {
    if (!(name in DEFAULT_LIMITS)) {
      throw new InvalidOptionsError(`limits.${name} is not a known limit; use ${Object.keys(DEFAULT_LIMITS).join(', ')}.`);
    }
    const value = limits[name];
    if (value === undefined) continue;
    const minimum = MINIMUMS[name] ?? 1;
    if (typeof value !== 'number' || !(value === Number.POSITIVE_INFINITY || (Number.isSafeInteger(value) && value >= minimum))) {
      throw invalidOption(`limits.${name}`, `an integer of at least ${minimum}, or Infinity`, value);
    }
    resolved[name] = value;
  }
  return resolved;
}
