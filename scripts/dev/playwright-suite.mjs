/**
 * The Playwright suite of scripts/test.mjs: type-checks demo/ and e2e/ (the
 * typecheck suite covers src, test and scripts only), makes sure Chromium is
 * installed, runs `playwright test` with a JSON report, and counts its tests.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Type-checks demo/ and e2e/, then runs the demo's Playwright tests with `env`
 * added to the environment. Returns { passed, failed, note? }: expected
 * results pass, and unexpected and flaky ones fail, so a test that only
 * passed on a retry still fails.
 */
export async function runPlaywrightSuite(env = {}) {
  const typeErrors = await typeCheck();
  const result = await runPlaywright(env);
  if (typeErrors.length === 0) return result;

  // Type errors count as one failure, and the browser tests still run, so
  // their results show whether the page works.
  const note = `type errors in ${typeErrors.join(' and ')}`;
  return { ...result, failed: result.failed + 1, note: result.note ? `${result.note}, ${note}` : note };
}

/** Type-checks demo/ and e2e/ and returns the tsconfig files that had errors. */
async function typeCheck() {
  const tsc = join(root, 'node_modules', '.bin', 'tsc');
  const failed = [];
  for (const project of ['demo/tsconfig.json', 'e2e/tsconfig.json']) {
    if ((await runCommand(tsc, ['-p', project])) !== 0) failed.push(project);
  }
  return failed;
}

async function runPlaywright(env) {
  const ensureCode = await runCommand(process.execPath, [join(root, 'scripts', 'ensure-chromium.mjs')]);
  if (ensureCode !== 0) return { passed: 0, failed: 1, note: 'Chromium is missing and could not be installed' };

  const dir = await mkdtemp(join(tmpdir(), 'nodb-playwright-'));
  const report = join(dir, 'report.json');
  try {
    const code = await runCommand(join(root, 'node_modules', '.bin', 'playwright'), ['test', '--reporter=list,json'], {
      ...env,
      PLAYWRIGHT_JSON_OUTPUT_FILE: report,
    });
    const counts = await readPlaywrightReport(report);
    if (counts === undefined) return { passed: 0, failed: 1, note: `playwright exited with ${code} and wrote no report` };
    // An error outside any test, such as a failed global setup, still fails the suite.
    if (code !== 0 && counts.failed === 0) return { ...counts, failed: 1, note: `playwright exited with ${code}` };
    return counts;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function readPlaywrightReport(path) {
  let report;
  try {
    report = JSON.parse(await readFile(path, 'utf8'));
  } catch {
    return undefined;
  }

  const { expected = 0, unexpected = 0, flaky = 0, skipped = 0 } = report.stats ?? {};
  const errors = report.errors?.length ?? 0;
  const notes = [];
  if (flaky > 0) notes.push(`${flaky} flaky`);
  if (skipped > 0) notes.push(`${skipped} skipped`);
  if (errors > 0) notes.push(`${errors} error(s) outside tests`);

  return {
    passed: expected,
    failed: unexpected + flaky + (errors > 0 && unexpected + flaky === 0 ? 1 : 0),
    ...(notes.length ? { note: notes.join(', ') } : {}),
  };
}

function runCommand(command, args, env = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}
