#!/usr/bin/env node
// Starts a throwaway Ceph RGW on 127.0.0.1, prints how to reach it, and runs until
// Ctrl-C or SIGTERM, then stops every daemon it started and deletes its temporary directory.
//
// Usage: node scripts/rgw/run.mjs [--port PORT] [--dir DIR]
//   --port PORT  the S3 port on 127.0.0.1 (default: a free port)
//   --dir DIR    an empty or new directory for the cluster, kept after exit
//                (default: a new temporary directory, deleted after exit)

import { parseArgs } from 'node:util';
import { startRgw } from './rgw.mjs';

const usage = 'Usage: node scripts/rgw/run.mjs [--port PORT] [--dir DIR]';

function parseOptions() {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      dir: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }

  let port;
  if (values.port !== undefined) {
    port = Number(values.port);
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw new Error(`invalid --port ${JSON.stringify(values.port)}: expected an integer from 1 to 65535`);
    }
  }
  return { port, dir: values.dir };
}

function log(message) {
  console.error(`[rgw ${new Date().toISOString().slice(11, 23)}] ${message}`);
}

async function main() {
  let options;
  try {
    options = parseOptions();
  } catch (error) {
    console.error(`${error.message}\n${usage}`);
    process.exit(2);
  }

  // A signal during startup aborts it, so the daemons started so far are stopped too.
  const startup = new AbortController();
  let rgw;
  let stopping = false;
  const onSignal = async (signal) => {
    if (stopping) return;
    stopping = true;
    log(`Received ${signal}, stopping the daemons`);
    startup.abort();
    if (rgw) {
      await rgw.stop();
      process.exit(0);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    rgw = await startRgw({ ...options, log, signal: startup.signal });
  } catch (error) {
    if (stopping) process.exit(0);
    console.error(error.message);
    process.exit(1);
  }
  if (stopping) {
    // The signal arrived as the last startup step finished.
    await rgw.stop();
    process.exit(0);
  }

  console.log(`endpoint:          ${rgw.endpoint}
region:            ${rgw.region}
access key id:     ${rgw.accessKeyId}
secret access key: ${rgw.secretAccessKey}
directory:         ${rgw.dir}
Press Ctrl-C to stop.`);

  // The daemons are unref'd, so this timer keeps Node running until a signal arrives.
  setInterval(() => {}, 1 << 30);
}

await main();
