/**
 * User metadata rules shared by every store. S3 sends metadata as
 * `x-amz-meta-*` headers, which carry ASCII only and lose the case of names,
 * so names must be lowercase tokens and values printable ASCII. Anything else
 * belongs in the body.
 */
import { InvalidOptionsError } from '../errors.js';
import type { ObjectMetadata } from './types.js';

const NAME = /^[a-z0-9][a-z0-9-]*$/;
const VALUE = /^[\x20-\x7e]*$/;

/** Throws InvalidOptionsError unless every name and value can travel as a header. */
export function checkMetadata(metadata: ObjectMetadata | undefined, key: string): void {
  if (metadata === undefined) return;

  for (const [name, value] of Object.entries(metadata)) {
    if (!NAME.test(name)) {
      throw new InvalidOptionsError(
        `The metadata name "${name}" for "${key}" is invalid; use lowercase letters, digits and "-".`,
        { key },
      );
    }
    if (typeof value !== 'string' || !VALUE.test(value)) {
      throw new InvalidOptionsError(
        `The metadata value of "${name}" for "${key}" must be printable ASCII text; ` +
          `store other data in the body.`,
        { key },
      );
    }
  }
}

/** Checks `metadata` and adds it to `headers` as `x-amz-meta-*` headers. Throws InvalidOptionsError. */
export function setMetadataHeaders(headers: Headers, metadata: ObjectMetadata, key: string): void {
  checkMetadata(metadata, key);
  for (const [name, value] of Object.entries(metadata)) headers.set(`x-amz-meta-${name}`, value);
}
