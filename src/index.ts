export { NoDB } from './nodb.js';
export type {
  AllOptions,
  LoadOptions,
  NoDBBaseOptions,
  NoDBOptions,
  NoDBS3Options,
  NoDBStoreOptions,
  RecordInfo,
  SaveOptions,
  SaveResult,
} from './nodb.js';

export {
  AccessDeniedError,
  BucketNotFoundError,
  ConflictError,
  DecodeError,
  EncodeError,
  InvalidIndexError,
  InvalidOptionsError,
  NetworkError,
  NoDBError,
  OutcomeUnknownError,
  ProtocolError,
  S3Error,
  TimeoutError,
} from './errors.js';
export type { NoDBErrorCode, NoDBErrorDetails } from './errors.js';

export { MAX_PRESIGN_SECONDS, S3Store, encodeKey } from './store/s3.js';
export type { Credentials, PresignOptions, S3Hooks, S3StoreOptions } from './store/s3.js';
export { RETRY_DEFAULTS } from './retry.js';
export type { RetryEvent, RetryOptions } from './retry.js';
export type { CorsOptions } from './store/s3-bucket.js';
export type { Lock, LockOptions } from './lock.js';
export type { UpdateOptions, UpdateResult } from './update.js';
export { MemoryStore } from './store/memory.js';
export { PresignedStore } from './store/presigned.js';
export type { PresignedStoreOptions } from './store/presigned.js';
export type { SignerHeaders } from './store/presign-client.js';
export type {
  PresignFunction,
  PresignListQuery,
  PresignMethod,
  PresignRequest,
  PresignedRequest,
} from './store/presign-request.js';
export { R2BindingStore } from './store/r2.js';
export type {
  R2BindingConditional,
  R2BindingListOptions,
  R2BindingObject,
  R2BindingObjectBody,
  R2BindingObjects,
  R2BindingPutOptions,
  R2BindingStoreOptions,
  R2BucketBinding,
} from './store/r2.js';
export { etagValue, quoteEtag, sameEtag } from './store/etag.js';
export type {
  DeleteOptions,
  GetOptions,
  ListOptions,
  ListPage,
  ListPageOptions,
  ObjectHead,
  ObjectInfo,
  ObjectMetadata,
  ObjectStore,
  PutOptions,
  StoredObject,
  Unmodified,
} from './store/types.js';

export { decodeReadableIndex, encodeReadableIndex } from './readable-index.js';
export { MAX_KEY_BYTES } from './index-value.js';
export type { IndexValue } from './index-value.js';
export { formatPythonUtc } from './envelope.js';
export { decodeEnvelope, encodeEnvelope } from './envelope-json.js';
export type { Envelope } from './envelope.js';
export { RecordCodec } from './codecs/record.js';
export type { EncodedRecord } from './codecs/record.js';
export { DEFAULT_COMPRESSION_THRESHOLD } from './codecs/options.js';
export type { CompressionOptions, RecordCodecOptions } from './codecs/options.js';
export type { EnvelopeFields, Serializer } from './codecs/custom.js';
export { DEFAULT_LIMITS } from './codecs/limits.js';
export type { DecodeLimits } from './codecs/limits.js';
export { ClassRegistry } from './registry.js';
export type { ClassList, RegisteredClass } from './registry.js';
