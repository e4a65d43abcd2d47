/**
 * The signer's policy: turns the JSON body of a signing request into a
 * checked operation, or into the 400 or 403 response that rejects it. Keys are
 * compared as raw strings, with nothing normalized: "p/../x" is a key under
 * "p/", because S3 stores it under exactly that name.
 */
import { MAX_KEY_BYTES } from './index-value.js';
import { PRESIGN_METHODS, type PresignListQuery, type PresignMethod } from './store/presign-request.js';

/** A signing request that passed every check. */
export interface SignerOperation {
  method: PresignMethod;
  /** Object key, for every method but LIST. */
  key?: string;
  /** ListObjectsV2 parameters, for LIST; `prefix` lies inside the signer's prefix. */
  list?: PresignListQuery;
  /** Headers to sign, with lowercase names. */
  headers: Record<string, string>;
  /** Seconds the URL stays valid, after the signer's cap. */
  expiresIn: number;
}

/** Why a signing request was rejected: 400 for a malformed request, 403 for one the policy forbids. */
export interface SignerRejection {
  status: 400 | 403;
  code: string;
  message: string;
}

export interface SignerPolicy {
  prefix: string;
  methods: ReadonlySet<PresignMethod>;
  /** Maximum validity of a URL, in seconds. */
  maxExpiresIn: number;
}

/**
 * Headers a client may have signed, per method. Others are rejected, because
 * some change what a request does: `x-amz-copy-source` turns a PUT into a
 * copy of another object, and `x-amz-acl` can make an object public.
 */
const SIGNABLE_HEADERS: Record<PresignMethod, ReadonlySet<string>> = {
  GET: new Set(['if-match', 'if-none-match']),
  HEAD: new Set(['if-match', 'if-none-match']),
  PUT: new Set(['content-type', 'if-match', 'if-none-match']),
  DELETE: new Set(['if-match']),
  LIST: new Set(),
};

const REQUEST_FIELDS = new Set(['method', 'key', 'list', 'headers', 'expiresIn']);
const LIST_FIELDS = new Set(['prefix', 'startAfter', 'continuationToken', 'maxKeys']);

/** RFC 9110 token characters, as header names use them. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9a-z-]+$/;
/** Printable ASCII, as S3 metadata and condition values must be. */
const HEADER_VALUE = /^[\x20-\x7e]*$/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const encoder = new TextEncoder();

/** Checks a parsed request body against `policy`. */
export function checkSigningRequest(
  body: unknown,
  policy: SignerPolicy,
): { operation: SignerOperation } | { rejection: SignerRejection } {
  try {
    return { operation: check(body, policy) };
  } catch (error) {
    if (error instanceof Rejection) return { rejection: { status: error.status, code: error.code, message: error.message } };
    throw error;
  }
}

class Rejection extends Error {
  constructor(
    readonly status: 400 | 403,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const invalid = (message: string) => new Rejection(400, 'InvalidRequest', message);

function check(body: unknown, policy: SignerPolicy): SignerOperation {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalid('The request body must be a JSON object such as {"method": "GET", "key": "…"}.');
  }
  const fields = body as Record<string, unknown>;
  rejectUnknownFields(fields, REQUEST_FIELDS, 'The request');

  const method = checkMethod(fields.method, policy);
  const headers = checkHeaders(fields.headers, method);
  const expiresIn = checkExpiresIn(fields.expiresIn, policy.maxExpiresIn);

  if (method === 'LIST') {
    if (fields.key !== undefined) throw invalid('A LIST request has no "key"; put the listing parameters in "list".');
    return { method, list: checkList(fields.list, policy.prefix), headers, expiresIn };
  }
  if (fields.list !== undefined) throw invalid(`A ${method} request has no "list"; only LIST requests do.`);
  return { method, key: checkKey(fields.key, policy.prefix), headers, expiresIn };
}

function checkMethod(value: unknown, policy: SignerPolicy): PresignMethod {
  if (typeof value !== 'string' || !(PRESIGN_METHODS as readonly string[]).includes(value)) {
    throw invalid(`"method" must be one of ${PRESIGN_METHODS.join(', ')}, not ${JSON.stringify(value)}.`);
  }
  const method = value as PresignMethod;
  if (!policy.methods.has(method)) {
    throw new Rejection(
      403,
      'MethodNotAllowed',
      `This signer does not sign ${method} requests; it signs ${[...policy.methods].join(', ')}.`,
    );
  }
  return method;
}

function checkKey(value: unknown, prefix: string): string {
  if (typeof value !== 'string') throw invalid(`"key" must be a string, not ${JSON.stringify(value) ?? String(value)}.`);
  if (value === '') throw invalid('"key" must not be empty.');
  // URLs resolve a path of "." or "..", which would sign the bucket or the account.
  if (value === '.' || value === '..') throw invalid(`"key" must not be ${JSON.stringify(value)}: URLs resolve it.`);
  checkText(value, '"key"');
  if (encoder.encode(value).length > MAX_KEY_BYTES) {
    throw invalid(`"key" is longer than S3's limit of ${MAX_KEY_BYTES} bytes in UTF-8.`);
  }
  if (!value.startsWith(prefix)) {
    throw new Rejection(403, 'KeyOutsidePrefix', `The key ${JSON.stringify(value)} is outside the prefix ${JSON.stringify(prefix)} of this signer.`);
  }
  return value;
}

function checkList(value: unknown, prefix: string): PresignListQuery {
  if (value !== undefined && (typeof value !== 'object' || value === null || Array.isArray(value))) {
    throw invalid(`"list" must be an object such as {"prefix": "…"}, not ${JSON.stringify(value)}.`);
  }
  const fields = (value ?? {}) as Record<string, unknown>;
  rejectUnknownFields(fields, LIST_FIELDS, '"list"');

  const list: PresignListQuery = {};
  for (const name of ['prefix', 'startAfter', 'continuationToken'] as const) {
    const field = fields[name];
    if (field === undefined) continue;
    if (typeof field !== 'string') throw invalid(`"list.${name}" must be a string, not ${JSON.stringify(field)}.`);
    checkText(field, `"list.${name}"`);
    list[name] = field;
  }

  if (fields.maxKeys !== undefined) {
    const maxKeys = fields.maxKeys;
    if (typeof maxKeys !== 'number' || !Number.isInteger(maxKeys) || maxKeys < 1 || maxKeys > 1000) {
      throw invalid(`"list.maxKeys" must be an integer from 1 to 1000, not ${JSON.stringify(maxKeys)}.`);
    }
    list.maxKeys = maxKeys;
  }

  // Without a prefix a listing would show every key of the bucket.
  if (!(list.prefix ?? '').startsWith(prefix)) {
    throw new Rejection(
      403,
      'PrefixOutsidePrefix',
      `A listing must have a prefix inside ${JSON.stringify(prefix)}, not ${JSON.stringify(list.prefix ?? '')}.`,
    );
  }
  return list;
}

function checkHeaders(value: unknown, method: PresignMethod): Record<string, string> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid(`"headers" must be an object of header names and values, not ${JSON.stringify(value)}.`);
  }

  const headers: Record<string, string> = {};
  for (const [rawName, headerValue] of Object.entries(value as Record<string, unknown>)) {
    const name = rawName.toLowerCase();
    if (!HEADER_NAME.test(name)) throw invalid(`${JSON.stringify(rawName)} is not a valid header name.`);
    if (Object.hasOwn(headers, name)) throw invalid(`The header "${name}" appears twice.`);
    if (typeof headerValue !== 'string' || !HEADER_VALUE.test(headerValue)) {
      throw invalid(`The value of header "${name}" must be printable ASCII text, not ${JSON.stringify(headerValue)}.`);
    }

    const metadata = method === 'PUT' && name.startsWith('x-amz-meta-') && name.length > 'x-amz-meta-'.length;
    if (!metadata && !SIGNABLE_HEADERS[method].has(name)) {
      throw new Rejection(403, 'HeaderNotAllowed', `This signer does not sign the header "${name}" on ${method} requests.`);
    }
    if (method === 'PUT' && name === 'if-none-match' && headerValue !== '*') {
      throw invalid(`On PUT, "if-none-match" must be "*" (create only), not ${JSON.stringify(headerValue)}.`);
    }
    headers[name] = headerValue;
  }
  return headers;
}

function checkExpiresIn(value: unknown, max: number): number {
  if (value === undefined) return max;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw invalid(`"expiresIn" must be a whole number of seconds from 1, not ${JSON.stringify(value)}.`);
  }
  return Math.min(value, max);
}

/** Rejects text that cannot be encoded as UTF-8: S3 keys and query values are UTF-8. */
function checkText(text: string, name: string): void {
  if (LONE_SURROGATE.test(text)) throw invalid(`${name} contains a lone UTF-16 surrogate, which UTF-8 cannot encode.`);
}

function rejectUnknownFields(fields: Record<string, unknown>, known: ReadonlySet<string>, subject: string): void {
  const unknown = Object.keys(fields).filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw invalid(`${subject} has unknown fields ${unknown.map((name) => JSON.stringify(name)).join(', ')}; known are ${[...known].join(', ')}.`);
  }
}
