#!/usr/bin/env node
/**
 * Makes sure the Chromium that the Playwright tests drive exists: when
 * /usr/bin/chromium is missing, installs Debian's `chromium` package with
 * apt-get (through sudo unless this runs as root). Exits non-zero with the
 * steps to take when that fails.
 *
 * With CHROMIUM_PATH set, only checks that that file exists, because
 * playwright.config.ts then launches it instead.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';

const DEFAULT_CHROMIUM = '/usr/bin/chromium';
const chromium = process.env.CHROMIUM_PATH ?? DEFAULT_CHROMIUM;

if (isExecutable(chromium)) process.exit(0);

if (chromium !== DEFAULT_CHROMIUM) {
  fail(`CHROMIUM_PATH is ${chromium}, which is not an executable file. Point it at a Chromium binary or unset it.`);
}

if (!isExecutable('/usr/bin/apt-get')) {
  fail(
    `${DEFAULT_CHROMIUM} is missing and this system has no apt-get to install it. ` +
      'Install Chromium and set CHROMIUM_PATH to its binary.',
  );
}

// NOTE: no test runs this install path, because the test machines already have Chromium.
const asRoot = process.getuid?.() === 0;
console.log(`${DEFAULT_CHROMIUM} is missing: installing Debian's chromium package${asRoot ? '' : ' with sudo'}...`);

run(['apt-get', 'update']);
run(['apt-get', 'install', '-y', '--no-install-recommends', 'chromium']);

if (!isExecutable(DEFAULT_CHROMIUM)) {
  fail(`apt-get installed the chromium package, but ${DEFAULT_CHROMIUM} is still missing. Set CHROMIUM_PATH to its binary.`);
}
console.log(`Installed ${DEFAULT_CHROMIUM}.`);

/** Runs an apt-get command, as root or through sudo, and fails on a non-zero exit. */
function run(command) {
  const [program, ...args] = asRoot ? command : ['sudo', ...command];
  const result = spawnSync(program, args, {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });

  if (result.error || result.status !== 0) {
    const reason = result.error ? result.error.message : `exit status ${result.status ?? result.signal}`;
    fail(
      `\`${[program, ...args].join(' ')}\` failed (${reason}). Install Chromium yourself with ` +
        '`sudo apt-get install -y --no-install-recommends chromium`, or set CHROMIUM_PATH to a Chromium binary.',
    );
  }
}

function isExecutable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function fail(message) {
  console.error(`ensure-chromium: ${message}`);
  process.exit(1);
}
