#!/usr/bin/env node
/**
 * `npm start`: runs the demo's dev stack. Starts s3rver on 127.0.0.1 with its
 * data in .data/s3rver/, imports the GitHub webhook examples into the bucket
 * "nodb-demo" through NoDB, and serves the demo page with Vite, together with
 * a signer endpoint at /sign for the page's presigned mode. Ctrl-C or
 * SIGTERM stops both servers.
 *
 * Usage: node scripts/start.mjs [--data-dir DIR] [--s3-port PORT] [--web-port PORT]
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { hasLegacyOpenssl, startDevStack } from './dev/stack.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

const USAGE = `Usage: node scripts/start.mjs [options]

  --data-dir DIR    directory of s3rver's objects (default: .data/s3rver)
  --s3-port PORT    port of s3rver; 0 picks a free one (default: 4568, or a free one when taken)
  --web-port PORT   port of the demo page; 0 picks a free one (default: 5173, or the next free one)
`;

/** Time after a stop signal before the process exits even if a server has not closed. */
const STOP_TIMEOUT_MS = 10_000;

/** Interval between checks that the parent process is still alive. */
const PARENT_CHECK_MS = 1_000;

let stopping = false;

if (hasLegacyOpenssl()) {
  await run();
} else {
  respawnWithLegacyOpenssl();
}

/**
 * Runs this script again in a child Node with OpenSSL's legacy provider,
 * which s3rver needs on Node 20, so that `npm start` needs no setup.
 */
function respawnWithLegacyOpenssl() {
  const nodeOptions = `${process.env.NODE_OPTIONS ?? ''} --openssl-legacy-provider`.trim();
  const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, NODE_OPTIONS: nodeOptions },
  });

  // Ctrl-C reaches both processes, but a SIGTERM sent to this PID alone must be passed on.
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => child.kill(signal));
  }
  onParentExit(() => child.kill('SIGTERM'));
  child.on('error', (error) => {
    console.error(`Starting ${process.execPath} failed: ${error.message}`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => {
    process.exit(code ?? (signal ? 1 : 0));
  });
}

async function run() {
  let options;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : error}\n\n${USAGE}`);
    process.exit(2);
  }
  if (options.help) {
    process.stdout.write(USAGE);
    return;
  }

  let stack;
  try {
    stack = await startDevStack({ ...options, log: (line) => console.log(line), viteLogLevel: 'info' });
  } catch (error) {
    console.error(`The dev stack failed to start: ${error instanceof Error ? (error.stack ?? error.message) : error}`);
    process.exit(1);
  }

  // Vite's own SIGTERM handler closes Vite and exits at once, which would cut
  // s3rver's close short. This handler stops both servers instead.
  process.removeAllListeners('SIGTERM');
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => stopAndExit(stack, `${signal} received`));
  }
  onParentExit(() => stopAndExit(stack, 'The parent process exited'));

  console.log(
    [
      `imported ${stack.imported}, kept ${stack.kept}`,
      '',
      `Demo page:    ${stack.url}`,
      `Signer:       ${stack.signerUrl} (presigned URLs for keys under .nodb/ in ${stack.bucket})`,
      `S3 endpoint:  ${stack.endpoint}`,
      `Bucket:       ${stack.bucket}`,
      `Credentials:  access key ${stack.credentials.accessKeyId}, secret key ${stack.credentials.secretAccessKey}`,
      '',
      'Press Ctrl-C to stop.',
    ].join('\n'),
  );
}

function parseOptions(args) {
  const { values } = parseArgs({
    args,
    options: {
      'data-dir': { type: 'string', default: resolve(root, '.data', 's3rver') },
      's3-port': { type: 'string', default: '4568' },
      'web-port': { type: 'string', default: '5173' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  return {
    help: values.help,
    dataDir: resolve(values['data-dir']),
    s3Port: parsePort(values['s3-port'], '--s3-port'),
    webPort: parsePort(values['web-port'], '--web-port'),
  };
}

function parsePort(text, option) {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`${option} must be a port number from 0 to 65535, not ${JSON.stringify(text)}.`);
  }
  return port;
}

/**
 * Calls `callback` once this process is orphaned. `npm start` runs this script
 * under `sh -c`, and a SIGTERM sent to npm's PID ends npm and that shell
 * without reaching this process, which then gets a new parent.
 */
function onParentExit(callback) {
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    callback();
  }, PARENT_CHECK_MS);
  timer.unref();
}

/** Stops the stack once. A repeated signal while stopping is ignored. */
async function stopAndExit(stack, reason) {
  if (stopping) return;
  stopping = true;
  console.log(`\n${reason}: stopping Vite and s3rver...`);

  const timer = setTimeout(() => {
    console.error(`The servers did not close within ${STOP_TIMEOUT_MS / 1000} s, so the process exits anyway.`);
    process.exit(1);
  }, STOP_TIMEOUT_MS);
  timer.unref();

  try {
    await stack.stop();
    console.log('Stopped.');
    process.exit(0);
  } catch (error) {
    console.error(`Stopping the dev stack failed: ${error instanceof Error ? error.message : error}`);
    process.exit(1);
  }
}
