/**
 * Loads a TypeScript module from Node 20, which cannot strip types: esbuild
 * bundles the entry and everything it imports from this repository into one
 * ES module, and Node imports that file.
 */
import { mkdir, rm } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Bundles `entry` (absolute, or relative to the repository root) and imports it.
 *
 * Packages from node_modules stay external, so the bundle shares their module
 * instances with the caller: a patch to s3rver's classes made inside the
 * bundle applies to the s3rver the caller starts. The bundle is written under
 * node_modules/.cache, from where Node resolves those packages, and removed
 * once imported.
 */
export async function importTypeScript(entry) {
  const cacheDir = join(root, 'node_modules', '.cache', 'nodb-typescript');
  await mkdir(cacheDir, { recursive: true });
  const name = relative(root, resolve(root, entry)).replace(/[^A-Za-z0-9]+/g, '-');
  const outfile = join(cacheDir, `${name}-${process.pid}-${Date.now()}.mjs`);

  await build({
    absWorkingDir: root,
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: 'inline',
    // package.json declares "sideEffects": false, which would let esbuild drop an
    // import made only for its side effect, such as the s3rver patch.
    ignoreAnnotations: true,
    logLevel: 'warning',
  });

  try {
    return await import(pathToFileURL(outfile).href);
  } finally {
    await rm(outfile, { force: true });
  }
}
