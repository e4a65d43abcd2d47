/** SHA-256 through Web Crypto, available in every runtime nodb supports. */

const encoder = new TextEncoder();

/** Returns the lowercase hex SHA-256 of `data` (text is hashed as UTF-8). */
export async function sha256Hex(data: string | Uint8Array): Promise<string> {
  const bytes = typeof data === 'string' ? encoder.encode(data) : new Uint8Array(data);
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));

  let hex = '';
  for (const byte of digest) hex += byte.toString(16).padStart(2, '0');
  return hex;
}
