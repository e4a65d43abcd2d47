/**
 * msgpack and fflate must stay out of the code an application loads to use
 * plain JSON records, and aws4fetch with the S3 transport out of the code of
 * apps that never create an S3Store. Bundled by esbuild with code splitting
 * on, as an application would build it, they must land only in chunks
 * loaded on demand.
 */
import { fileURLToPath } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Bundles `code`, by default the core: NoDB with S3Store. */
async function bundle(code = `export { NoDB, S3Store } from './src/index.ts';`): Promise<Metafile> {
  const result = await build({
    stdin: { contents: code, resolveDir: root, sourcefile: 'entry.ts', loader: 'ts' },
    absWorkingDir: root,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'neutral',
    mainFields: ['module', 'main'],
    outdir: 'out',
    write: false,
    minify: true,
    metafile: true,
    logLevel: 'silent',
  });
  return result.metafile;
}

/** Returns the outputs loaded when the entry is imported: the entry and its static imports. */
function staticOutputs(meta: Metafile): Set<string> {
  // Modules loaded with import() are entry points too, so find the one built from stdin.
  const entry = Object.keys(meta.outputs).find((path) => meta.outputs[path]!.entryPoint === 'entry.ts')!;
  const loaded = new Set<string>();
  const visit = (path: string) => {
    if (loaded.has(path)) return;
    loaded.add(path);
    for (const imported of meta.outputs[path]!.imports) if (imported.kind === 'import-statement') visit(imported.path);
  };
  visit(entry);
  return loaded;
}

describe('core bundle', () => {
  it('leaves msgpack and fflate to lazy chunks', async () => {
    const meta = await bundle();
    const loaded = staticOutputs(meta);
    const inputsOf = (outputs: Iterable<string>) => [...outputs].flatMap((path) => Object.keys(meta.outputs[path]!.inputs));

    const core = inputsOf(loaded);
    expect(core.some((input) => input.includes('src/nodb.ts'))).toBe(true);
    expect(core.filter((input) => /@msgpack|fflate|src\/compression|src\/codecs\/msgpack/.test(input))).toEqual([]);

    const lazy = inputsOf(Object.keys(meta.outputs).filter((path) => !loaded.has(path)));
    expect(lazy.some((input) => input.includes('@msgpack/msgpack'))).toBe(true);
    expect(lazy.some((input) => input.includes('fflate'))).toBe(true);
  }, 30_000);

  it('leaves the full codec and key messages to lazy chunks', async () => {
    const meta = await bundle();
    const loaded = staticOutputs(meta);
    const core = [...loaded].flatMap((path) => Object.keys(meta.outputs[path]!.inputs));

    // Plain JSON records and hashed keys of valid values need none of these.
    const lazyOnly = /src\/(keys|readable-index|envelope-json)\.ts|src\/codecs\/(json|json-record|json-tags|full-codec|record|binary|limit-error)\.ts/;
    expect(core.filter((input) => lazyOnly.test(input))).toEqual([]);
  }, 30_000);

  it('leaves failures, update, lock and bucket setup to lazy chunks', async () => {
    const meta = await bundle();
    const loaded = staticOutputs(meta);
    const core = [...loaded].flatMap((path) => Object.keys(meta.outputs[path]!.inputs));

    // A request that succeeds at its first attempt needs none of these.
    const lazyOnly =
      /src\/(retry-loop|update|lock|error-cause)\.ts|src\/store\/(s3-retry|s3-errors|s3-conditional|list-errors|metadata|s3-bucket|s3-presign)\.ts/;
    expect(core.filter((input) => lazyOnly.test(input))).toEqual([]);
  }, 30_000);
});

describe('bundle without S3Store', () => {
  // NoDB imports S3Store whatever the store, so only S3Store's constructor may load the transport.
  it.each(['PresignedStore', 'MemoryStore', 'R2BindingStore'])('leaves aws4fetch out with %s', async (store) => {
    const meta = await bundle(`export { NoDB, ${store} } from './src/index.ts';`);
    const loaded = staticOutputs(meta);
    const upFront = [...loaded].flatMap((path) => Object.keys(meta.outputs[path]!.inputs));
    const lazy = Object.keys(meta.outputs)
      .filter((path) => !loaded.has(path))
      .flatMap((path) => Object.keys(meta.outputs[path]!.inputs));

    expect(upFront.some((input) => input.includes('src/store/s3.ts'))).toBe(true);
    expect(upFront.filter((input) => input.includes('aws4fetch'))).toEqual([]);
    expect(upFront.filter((input) => input.includes('src/store/s3-transport.ts'))).toEqual([]);
    expect(lazy.some((input) => input.includes('src/store/s3-transport.ts'))).toBe(true);
  }, 30_000);
});
