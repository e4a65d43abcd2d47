/**
 * Suites of scripts/test.mjs that are not plain vitest runs: Deno, Bun, the
 * package checks and the size budget. Each returns `{ passed, failed, note? }`
 * and throws when its runtime cannot start, which test.mjs counts as a failure
 * with the reason.
 */
import { spawn } from 'node:child_process';
import { access, constants, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = (name) => join(root, 'node_modules', '.bin', name);
const withServers = join(root, 'scripts', 'runtimes', 'with-servers.mjs');

/** s3rver's continuation tokens use DES, which Node 20 keeps in its legacy provider. */
const LEGACY_OPENSSL = { NODE_OPTIONS: '--openssl-legacy-provider' };

/** Runs the runtime cases in Deno on the built package. */
export async function runDenoSuite() {
  await checkBuildIsCurrent();
  await requireBinary('deno');
  return withTemporaryDirectory(async (dir) => {
    const report = join(dir, 'deno.xml');
    const code = await runCommand(
      process.execPath,
      [
        withServers,
        bin('deno'),
        'test',
        // Resolve npm packages from ./node_modules only, and never download anything.
        '--node-modules-dir=manual',
        '--cached-only',
        // The shared cases import each other as `.js`, as tsc wants, so Deno must map them to `.ts`.
        '--unstable-sloppy-imports',
        '--allow-net=127.0.0.1',
        '--allow-env=NODB_RUNTIME_TARGETS',
        `--junit-path=${report}`,
        'test/deno/',
      ],
      { ...LEGACY_OPENSSL, NO_COLOR: '1' },
    );
    return countJunit(report, code, 'deno test');
  });
}

/** Runs the runtime cases in Bun on the built package. */
export async function runBunSuite() {
  await checkBuildIsCurrent();
  await requireBinary('bun');
  return withTemporaryDirectory(async (dir) => {
    const report = join(dir, 'bun.xml');
    // Bun needs the folder, or it also picks up the vitest files.
    const code = await runCommand(
      process.execPath,
      [withServers, bin('bun'), 'test', '--reporter=junit', `--reporter-outfile=${report}`, './test/bun'],
      { ...LEGACY_OPENSSL, NO_COLOR: '1' },
    );
    return countJunit(report, code, 'bun test');
  });
}

/** Installs Debian's Chromium when it is missing, through the demo's script. */
export async function ensureChromium() {
  const code = await runCommand(process.execPath, [join(root, 'scripts', 'ensure-chromium.mjs')]);
  if (code !== 0) throw new Error(`scripts/ensure-chromium.mjs exited with ${code}. See its output above.`);
}

/** Runs scripts/size.mjs as one test. */
export async function runSizeSuite() {
  const code = await runCommand(process.execPath, [join(root, 'scripts', 'size.mjs')]);
  return code === 0 ? { passed: 1, failed: 0 } : { passed: 0, failed: 1, note: 'over budget, see the table above' };
}

/**
 * Checks the package as users get it. publint lints the packed files, and two
 * checks find Node built-ins reachable from src/: a bundle for a neutral
 * platform, and a scan of the imports. Last, the packed tarball is installed
 * into a new project that imports and type-checks it.
 */
export async function runPackageSuite() {
  await checkBuildIsCurrent();
  const checks = [
    ['publint --strict', checkPublint],
    ['no Node built-in in the neutral bundle', checkNeutralBundle],
    ['no Node built-in import in src/', checkSourceImports],
    ['packed tarball installs, type-checks and runs, also minified', checkInstall],
  ];

  let passed = 0;
  const failures = [];
  for (const [name, check] of checks) {
    try {
      await check();
      passed += 1;
      process.stdout.write(`ok - ${name}\n`);
    } catch (error) {
      failures.push(name);
      process.stdout.write(`not ok - ${name}\n  ${String(error instanceof Error ? error.message : error).replaceAll('\n', '\n  ')}\n`);
    }
  }
  return { passed, failed: failures.length, ...(failures.length ? { note: `failed: ${failures.join('; ')}` } : {}) };
}

/**
 * Throws unless every src/ module has a dist/ output at least as new, so that
 * the suites which load dist/ never test an old build.
 */
export async function checkBuildIsCurrent() {
  for (const source of await listFiles(join(root, 'src'), '.ts')) {
    if (source.endsWith('.d.ts')) continue;
    const output = join(root, 'dist', relative(join(root, 'src'), source)).replace(/\.ts$/, '.js');
    const outputTime = await stat(output).then((info) => info.mtimeMs, () => undefined);
    if (outputTime === undefined || outputTime < (await stat(source)).mtimeMs) {
      throw new Error(`dist/ is out of date: ${relative(root, source)} is newer than its output. Run npm run build.`);
    }
  }
}

/** Throws unless node_modules/.bin has the runtime, which its npm package ships. */
async function requireBinary(name) {
  try {
    await access(bin(name), constants.X_OK);
  } catch {
    throw new Error(`node_modules/.bin/${name} is missing. Run npm ci, which installs it from the npm package "${name}"`);
  }
}

async function checkPublint() {
  const code = await runCommand(bin('publint'), ['run', '--strict']);
  if (code !== 0) throw new Error(`publint exited with ${code}. See its messages above.`);
}

async function checkNeutralBundle(entry = join(root, 'src', 'index.ts')) {
  const builtins = new Set(builtinModules);
  const found = [];
  await build({
    entryPoints: [entry],
    absWorkingDir: root,
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'neutral',
    mainFields: ['module', 'main'],
    logLevel: 'silent',
    plugins: [
      {
        name: 'report-node-builtins',
        setup(pluginBuild) {
          pluginBuild.onResolve({ filter: /.*/ }, (args) => {
            const bare = args.path.replace(/^node:/, '');
            if (args.path.startsWith('node:') || builtins.has(bare)) {
              found.push(`"${args.path}" imported by ${relative(root, args.importer)}`);
              return { path: args.path, external: true };
            }
            return undefined;
          });
        },
      },
    ],
  });
  if (found.length > 0) throw new Error(`Node built-ins are reachable from ${relative(root, entry)}:\n${found.join('\n')}`);
}

async function checkSourceImports() {
  const names = builtinModules.map((name) => name.replace(/[/]/g, '\\/')).join('|');
  // Static imports and re-exports, dynamic imports and require() of a built-in, with or without "node:".
  const pattern = new RegExp(
    `(?:\\bfrom\\s*|\\bimport\\s*\\(?\\s*|\\brequire\\s*\\(\\s*)['"](node:[^'"]+|(?:${names})(?:\\/[^'"]*)?)['"]`,
    'g',
  );
  const found = [];
  for (const file of await listFiles(join(root, 'src'), '.ts')) {
    const text = await readFile(file, 'utf8');
    for (const match of text.matchAll(pattern)) found.push(`${relative(root, file)}: "${match[1]}"`);
  }
  if (found.length > 0) throw new Error(`src/ imports Node built-ins:\n${found.join('\n')}`);
}

async function checkInstall() {
  await withTemporaryDirectory(async (dir) => {
    const packed = await runCapture('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dir]);
    const [{ filename }] = JSON.parse(packed);

    const project = join(dir, 'consumer');
    await mkdir(project);
    await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
    // The dependencies come from npm's cache when npm ci ran before; otherwise from the registry.
    await runCapture(
      'npm',
      ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', join(dir, filename)],
      project,
    );

    await writeFile(join(project, 'consumer.ts'), CONSUMER_SOURCE);
    await writeFile(join(project, 'tsconfig.json'), JSON.stringify(CONSUMER_TSCONFIG));
    await runCapture(bin('tsc'), ['-p', 'tsconfig.json'], project);

    const output = await runCapture(process.execPath, ['consumer.js'], project);
    if (!output.includes('loaded Ada')) throw new Error(`The installed package printed ${JSON.stringify(output)}`);

    // Minified and tree-shaken as an application ships it, error names and codes must survive.
    await build({
      entryPoints: [join(project, 'consumer.js')],
      absWorkingDir: project,
      outfile: join(project, 'consumer.bundle.mjs'),
      bundle: true,
      minify: true,
      format: 'esm',
      platform: 'neutral',
      mainFields: ['module', 'main'],
      logLevel: 'silent',
    });
    const bundled = await runCapture(process.execPath, ['consumer.bundle.mjs'], project);
    if (!bundled.includes('loaded Ada')) throw new Error(`The minified bundle printed ${JSON.stringify(bundled)}`);
  });
}

/**
 * A first program of a user who installed the tarball: it must type-check
 * against the shipped declarations alone (no @types/node, no
 * @cloudflare/workers-types, skipLibCheck off) and run in Node.
 */
const CONSUMER_SOURCE = `import { InvalidIndexError, MemoryStore, NoDB, NoDBError, R2BindingStore, type R2BucketBinding } from 'nodb';

interface Person {
  id: string;
  name: string;
}

const db = new NoDB<Person>({ store: new MemoryStore(), index: 'id' });
await db.save({ id: 'ada', name: 'Ada' });
const person = await db.load('ada', { default: null });
if (person === null) throw new Error('The record was not saved.');

const error: unknown = await db.save({ name: 'no id' } as unknown as Person).catch((caught: unknown) => caught);
if (!(error instanceof InvalidIndexError) || !NoDBError.is(error)) throw new Error('Expected an InvalidIndexError.');
if (error.name !== 'InvalidIndexError' || error.code !== 'INVALID_INDEX') {
  throw new Error('The error has name ' + error.name + ' and code ' + error.code + '.');
}

// Type-checks that a Workers R2 binding fits, without running it.
const useBinding = (bucket: R2BucketBinding) => new NoDB({ store: new R2BindingStore(bucket) });
void useBinding;

globalThis.console.log('loaded ' + person.name);
`;

const CONSUMER_TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    lib: ['ES2022', 'DOM'],
    types: [],
    strict: true,
    skipLibCheck: false,
    outDir: '.',
  },
  files: ['consumer.ts'],
};

/** Counts a JUnit report's test cases; skipped cases count as failed, because no runtime case may skip. */
async function countJunit(path, exitCode, runner) {
  let xml;
  try {
    xml = await readFile(path, 'utf8');
  } catch {
    return { passed: 0, failed: 1, note: `${runner} exited with ${exitCode} and wrote no report` };
  }

  const rootTag = /<testsuites\b[^>]*>/.exec(xml)?.[0] ?? '';
  const count = (name) => Number(new RegExp(`\\b${name}="(\\d+)"`).exec(rootTag)?.[1] ?? 0);
  const tests = count('tests');
  const failed = count('failures') + count('errors');
  const skipped = count('skipped');

  const result = { passed: tests - failed - skipped, failed: failed + skipped };
  if (skipped > 0) result.note = `${skipped} skipped`;
  if (exitCode !== 0 && result.failed === 0) return { ...result, failed: 1, note: `${runner} exited with ${exitCode}` };
  return result;
}

async function withTemporaryDirectory(action) {
  const dir = await mkdtemp(join(tmpdir(), 'nodb-suite-'));
  try {
    return await action(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function listFiles(dir, extension) {
  const files = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await listFiles(path, extension)));
    else if (entry.name.endsWith(extension)) files.push(path);
  }
  return files;
}

/** Runs a command with inherited output and resolves to its exit code. */
function runCommand(command, args, env = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
    child.on('error', (error) => reject(new Error(`could not run ${command}: ${error.message}`)));
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

/** Runs a command and resolves to its stdout; rejects with its output when it fails. */
function runCapture(command, args, cwd = root) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      stdout += chunk;
      output += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk) => {
      output += chunk;
    });
    child.on('error', (error) => reject(new Error(`could not run ${command}: ${error.message}`)));
    child.on('close', (code) => {
      if (code === 0) resolve(stdout);
      else reject(new Error(`${command} ${args.join(' ')} exited with ${code}:\n${output.trim().slice(-2000)}`));
    });
  });
}
