#!/usr/bin/env node
/**
 * Runs every test suite and prints one line per suite, then the sum as a
 * plain `N passed, N failed` line. Exits non-zero when any test failed, when
 * a suite could not start, or when a suite ran no test.
 *
 * Usage: node scripts/test.mjs [suite ...]   (default: every suite)
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = (name) => join(root, 'node_modules', '.bin', name);

/** s3rver's continuation tokens use DES, which Node 20 keeps in its legacy provider. */
const LEGACY_OPENSSL = { NODE_OPTIONS: '--openssl-legacy-provider' };

const SUITES = [
  { name: 'typecheck', run: () => runCheck(bin('tsc'), ['-p', 'tsconfig.test.json']) },
  { name: 'build', run: () => runCheck(bin('tsc'), ['-p', 'tsconfig.build.json']) },
  {
    name: 'vitest on MemoryStore (unit, codecs, contract, NoDB, concurrency)',
    run: () => runVitest(['--project', 'memory'], LEGACY_OPENSSL),
  },
  {
    name: 'vitest on s3rver (contract, NoDB, codecs, faults, bucket setup, README example)',
    run: () => runVitest(['--project', 's3rver'], LEGACY_OPENSSL),
  },
  {
    name: 'vitest on Ceph RGW (contract, NoDB, concurrency, conformance)',
    needsRgw: true,
    run: () => runVitest(['--config', 'vitest.rgw.config.ts']),
  },
  {
    name: 'playwright (demo in Chromium)',
    needsRgw: true,
    run: async () => (await import('./dev/playwright-suite.mjs')).runPlaywrightSuite(LEGACY_OPENSSL),
  },
  {
    name: 'browser: Chromium (runtime cases on dist/, vitest browser mode)',
    needsRgw: true,
    run: async () => {
      const runtimes = await import('./runtimes/suites.mjs');
      await runtimes.checkBuildIsCurrent();
      await runtimes.ensureChromium();
      return runVitest(['--config', 'test/browser/vitest.config.ts'], LEGACY_OPENSSL);
    },
  },
  {
    name: 'workers: workerd (runtime cases on dist/, R2BindingStore contract)',
    needsRgw: true,
    run: async () => {
      await (await import('./runtimes/suites.mjs')).checkBuildIsCurrent();
      return runVitest(['--config', 'test/workers/vitest.config.ts'], LEGACY_OPENSSL);
    },
  },
  { name: 'deno (runtime cases on dist/)', needsRgw: true, run: async () => (await import('./runtimes/suites.mjs')).runDenoSuite() },
  { name: 'bun (runtime cases on dist/)', needsRgw: true, run: async () => (await import('./runtimes/suites.mjs')).runBunSuite() },
  {
    name: 'package (publint, no Node built-ins)',
    run: async () => (await import('./runtimes/suites.mjs')).runPackageSuite(),
  },
  { name: 'size budget', run: async () => (await import('./runtimes/suites.mjs')).runSizeSuite() },
];

const selected = process.argv.slice(2);
const suites = selected.length ? SUITES.filter((suite) => selected.some((word) => suite.name.includes(word))) : SUITES;

let passed = 0;
let failed = 0;
const lines = [];
const rgw = rgwForThisRun();

for (const suite of suites) {
  let result;
  try {
    if (suite.needsRgw) await rgw.start();
    result = await suite.run();
  } catch (error) {
    result = { passed: 0, failed: 1, note: `could not run: ${error instanceof Error ? error.message : error}` };
  }
  if (result.passed + result.failed === 0) result = { passed: 0, failed: 1, note: 'ran no test' };

  passed += result.passed;
  failed += result.failed;
  lines.push(`${suite.name}: ${result.passed} passed, ${result.failed} failed${result.note ? ` (${result.note})` : ''}`);
}

await rgw.stop();
process.stdout.write('\n' + lines.join('\n') + '\n');
process.stdout.write(`${passed} passed, ${failed} failed\n`);
process.exitCode = failed > 0 ? 1 : 0;

/**
 * One Ceph RGW for the whole run, started when the first suite needs it; its
 * address and keys reach every later suite through NODB_RGW_* variables. An
 * RGW named by those variables already is used as it is.
 */
function rgwForThisRun() {
  let starting;
  let server;
  const stopOnSignal = async (signal) => {
    await server?.stop().catch(() => undefined);
    process.kill(process.pid, signal);
  };

  return {
    start() {
      if (process.env.NODB_RGW_ENDPOINT) return Promise.resolve();
      starting ??= (async () => {
        const { startRgw } = await import('./rgw/rgw.mjs');
        const started = Date.now();
        server = await startRgw({ log: (message) => process.stderr.write(`[rgw] ${message}\n`) });
        process.stdout.write(`Ceph RGW at ${server.endpoint}, started in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
        Object.assign(process.env, {
          NODB_RGW_ENDPOINT: server.endpoint,
          NODB_RGW_ACCESS_KEY_ID: server.accessKeyId,
          NODB_RGW_SECRET_ACCESS_KEY: server.secretAccessKey,
          NODB_RGW_REGION: server.region,
        });
        process.once('SIGINT', stopOnSignal);
        process.once('SIGTERM', stopOnSignal);
      })();
      return starting;
    },
    async stop() {
      await server?.stop();
      server = undefined;
    },
  };
}

/** Runs one command that counts as a single test: it passes when it exits 0. */
async function runCheck(command, args, env) {
  const code = await runCommand(command, args, env);
  return code === 0 ? { passed: 1, failed: 0 } : { passed: 0, failed: 1 };
}

/** Runs vitest with a JSON report and counts its tests. */
async function runVitest(args, env) {
  const dir = await mkdtemp(join(tmpdir(), 'nodb-vitest-'));
  const report = join(dir, 'report.json');
  try {
    const code = await runCommand(
      bin('vitest'),
      ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...args],
      env,
    );
    const counts = await readVitestReport(report);
    if (counts === undefined) return { passed: 0, failed: 1, note: `vitest exited with ${code} and wrote no report` };
    // A failure outside any test (an unhandled error, a crashed file) still fails the suite.
    if (code !== 0 && counts.failed === 0) return { ...counts, failed: 1, note: `vitest exited with ${code}` };
    return counts;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function readVitestReport(path) {
  try {
    const report = JSON.parse(await readFile(path, 'utf8'));
    const failedFiles = report.testResults.filter((file) => file.status === 'failed' && file.assertionResults.length === 0);
    return {
      passed: report.numPassedTests,
      failed: report.numFailedTests + failedFiles.length,
    };
  } catch {
    return undefined;
  }
}

function runCommand(command, args, env = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}
