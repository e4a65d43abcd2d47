/**
 * Gzip inside the record body, with fflate's synchronous API only: the async
 * one starts Web Workers from generated code, which Cloudflare Workers and a
 * strict Content-Security-Policy do not allow. The record header, not
 * `Content-Encoding`, marks a gzipped body, because browsers and Workers
 * decompress a response with that header by themselves.
 *
 * Inflating is bounded: the output may not grow past the caller's limit,
 * whatever the gzip trailer states, because a few kilobytes of deflate data
 * can expand a thousandfold and a hostile trailer can lie about the size.
 * NoDB imports this module on demand, so bundles that never read or write
 * compressed records leave fflate out.
 */
import { Gunzip, gunzipSync, gzipSync } from 'fflate';
import { limitError } from './codecs/limit-error.js';
import { DecodeError } from './errors.js';

/** Deflate inflates at most 1032:1: a length/distance pair of at least 2 bits writes at most 258 bytes (zlib's technical notes). */
const MAX_DEFLATE_RATIO = 1032;
/** Compressed bytes fed per step on the bounded path, so that one step inflates to at most about 4 MiB. */
const STEP_BYTES = 4 * 1024;
/** Bytes one deflate block header can add on top of the maximum ratio: a stored block or a final match. */
const DEFLATE_SLACK_BYTES = 1024;
const GZIP_HEADER_BYTES = 10;
const GZIP_TRAILER_BYTES = 8;

/** Gzips `data` at level 6, fflate's default balance of speed and size. */
export function gzip(data: Uint8Array): Uint8Array {
  return gzipSync(data, { level: 6 });
}

/**
 * Inflates the gzip `data` of record `key` to at most `maxBytes` bytes, and
 * checks the result against the trailer's size and CRC-32. Throws DecodeError
 * naming the key, and naming the limit when the trailer states more than it.
 */
export function gunzip(data: Uint8Array, maxBytes: number, key: string): Uint8Array {
  if (data.length < GZIP_HEADER_BYTES + GZIP_TRAILER_BYTES || data[0] !== 0x1f || data[1] !== 0x8b || data[2] !== 8) {
    throw damaged(key, `it is ${data.length} bytes without a complete gzip header and trailer`);
  }

  const trailer = new DataView(data.buffer, data.byteOffset + data.length - GZIP_TRAILER_BYTES, GZIP_TRAILER_BYTES);
  const expectedCrc = trailer.getUint32(0, true);
  const expectedSize = trailer.getUint32(4, true);
  const deflateBytes = data.length - GZIP_HEADER_BYTES - GZIP_TRAILER_BYTES;
  const maxPlausibleSize = deflateBytes * MAX_DEFLATE_RATIO + DEFLATE_SLACK_BYTES;
  // A trailer that states more than the data can inflate to is not a size to raise a limit for.
  if (expectedSize > maxPlausibleSize) {
    throw damaged(
      key,
      `its gzip trailer states ${expectedSize} bytes, but ${deflateBytes} bytes of deflate data inflate to at most ` +
        `${maxPlausibleSize}, so the record is truncated or corrupt`,
    );
  }
  if (expectedSize > maxBytes) {
    throw overLimit(key, maxBytes, `its gzip trailer states ${expectedSize} bytes (a damaged record can state a wrong size)`);
  }

  let output: Uint8Array;
  try {
    output =
      data.length * MAX_DEFLATE_RATIO <= maxBytes ? inflateSmall(data, expectedSize) : inflateBounded(data, expectedSize, key);
  } catch (error) {
    if (error instanceof DecodeError) throw error;
    throw damaged(key, `inflating failed (${error instanceof Error ? error.message : String(error)})`, error);
  }

  if (output.length !== expectedSize || crc32(output) !== expectedCrc) {
    throw damaged(key, `its data does not match the size and CRC-32 in its gzip trailer`);
  }
  return output;
}

/**
 * Inflates into a buffer of the trailer's size plus one byte. Only data too
 * small to pass the limit even at the maximum ratio takes this faster path.
 * When a trailer understates the size, the extra byte gets written, so the
 * size check then rejects the output.
 */
function inflateSmall(data: Uint8Array, expectedSize: number): Uint8Array {
  return gunzipSync(data, { out: new Uint8Array(expectedSize + 1) });
}

/**
 * Inflates step by step into a buffer of the trailer's size, which the caller
 * checked against the limit, and stops as soon as the output passes it.
 * Writing into one buffer keeps the peak at the output's size, where
 * collecting chunks and joining them took twice that.
 */
function inflateBounded(data: Uint8Array, expectedSize: number, key: string): Uint8Array {
  const output = new Uint8Array(expectedSize);
  let total = 0;
  const stream = new Gunzip((chunk) => {
    if (total + chunk.length > expectedSize) {
      throw damaged(key, `it inflates past the ${expectedSize} bytes that its gzip trailer states`);
    }
    output.set(chunk, total);
    total += chunk.length;
  });

  for (let offset = 0; offset < data.length; offset += STEP_BYTES) {
    const end = Math.min(offset + STEP_BYTES, data.length);
    stream.push(data.subarray(offset, end), end === data.length);
  }
  return total === expectedSize ? output : output.subarray(0, total);
}

let crcTable: Uint32Array | undefined;

/** Computes CRC-32 as gzip does (reflected polynomial 0xEDB88320), because fflate 0.8 checks no checksum when inflating. */
function crc32(data: Uint8Array): number {
  const table = (crcTable ??= makeCrcTable());
  let crc = 0xffffffff;
  for (let i = 0; i < data.length; i++) crc = table[(crc ^ data[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function makeCrcTable(): Uint32Array {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
}

function overLimit(key: string, maxBytes: number, detail: string): DecodeError {
  return limitError(key, 'maxDecompressedBytes', maxBytes, detail);
}

function damaged(key: string, reason: string, cause?: unknown): DecodeError {
  return new DecodeError(`The object "${key}" has a damaged gzip payload: ${reason}. Restore the record or delete it.`, {
    key,
    cause,
  });
}
