/**
 * The DecodeError of a record over one of its reader's limits (limits.ts).
 * Only the read paths that find such a record load this module.
 */
import { DecodeError } from '../errors.js';
import type { DecodeLimits } from './limits.js';

/** Returns the DecodeError for record `key` when it passes limit `name`. */
export function limitError(key: string, name: keyof DecodeLimits, limit: number, detail: string): DecodeError {
  return new DecodeError(
    `The object "${key}" is over limits.${name} (${limit}): ${detail}. Raise the limit if the record is genuine.`,
    { key },
  );
}
