// The bindings that test/workers/vitest.config.ts gives the test Worker. NODB_BUCKET has the
// real R2Bucket type, so the type check proves that a binding fits R2BucketBinding. It comes
// from the module form of @cloudflare/workers-types, because the global form clashes with the
// DOM types that the rest of the type check uses.
declare module 'cloudflare:workers' {
  export const env: {
    NODB_BUCKET: import('@cloudflare/workers-types/latest/index.ts').R2Bucket;
  };
}
