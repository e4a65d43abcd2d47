/**
 * Imports a TypeScript module from plain Node 20, which cannot strip types:
 * esbuild bundles the entry and the repository files it imports into one ES
 * module, and Node imports that.
 */
import { mkdir, rm } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Bundles `entry` (a path relative to the repository root) and imports it.
 * Packages stay external, so the bundle shares their module instances with the
 * caller. The bundle goes under node_modules/.cache, from where Node resolves
 * those packages, and is removed once imported.
 */
export async function importTypeScript(entry) {
  const cacheDir = join(root, 'node_modules', '.cache', 'nodb-runtimes');
  await mkdir(cacheDir, { recursive: true });
  const name = relative(root, join(root, entry)).replace(/[^A-Za-z0-9]+/g, '-');
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
    logLevel: 'warning',
  });

  try {
    return await import(pathToFileURL(outfile).href);
  } finally {
    await rm(outfile, { force: true });
  }
}
