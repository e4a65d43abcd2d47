#!/usr/bin/env node
/**
 * Starts the runtime suites' servers (see servers.mjs), runs one command with
 * their addresses in NODB_RUNTIME_TARGETS, stops the servers and exits with
 * the command's exit code. The Deno and Bun suites run through this.
 *
 * Usage: NODE_OPTIONS=--openssl-legacy-provider node scripts/runtimes/with-servers.mjs COMMAND [ARG ...]
 */
import { spawn } from 'node:child_process';
import { TARGETS_VARIABLE, startRuntimeServers } from './servers.mjs';

const [command, ...args] = process.argv.slice(2);
if (!command) {
  process.stderr.write('Usage: node scripts/runtimes/with-servers.mjs COMMAND [ARG ...]\n');
  process.exit(2);
}

const log = (message) => process.stderr.write(`[servers] ${message}\n`);

let servers;
try {
  servers = await startRuntimeServers({ log });
} catch (error) {
  process.stderr.write(`Starting the test servers failed: ${error instanceof Error ? error.message : error}\n`);
  process.exit(1);
}

const child = spawn(command, args, {
  stdio: 'inherit',
  env: { ...process.env, [TARGETS_VARIABLE]: JSON.stringify(servers.targets) },
});

// Ctrl-C reaches the child through the terminal; this process waits for it to exit.
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));

const code = await new Promise((resolve) => {
  child.on('error', (error) => {
    process.stderr.write(`Could not run ${command}: ${error.message}\n`);
    resolve(1);
  });
  child.on('exit', (exitCode, signal) => resolve(exitCode ?? (signal ? 1 : 0)));
});

await servers.stop();
process.exit(code);
