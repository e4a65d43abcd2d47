// Starts a throwaway single-node Ceph RADOS Gateway (RGW) on 127.0.0.1: one monitor, one
// OSD (BlueStore on a sparse 4 GiB file), pool size 1, no cephx, and radosgw's beast
// frontend. Written for Ceph 16.2 (Pacific) from Debian bookworm. Node built-ins only.

import { spawn } from 'node:child_process';
import { createHash, createHmac, randomUUID } from 'node:crypto';
import { closeSync, constants, openSync, readFileSync, rmSync } from 'node:fs';
import { access, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

export const ACCESS_KEY_ID = 'NODBTESTKEY0000000001';
export const SECRET_ACCESS_KEY = 'nodb-test-secret-0000000000000000000000';
// RGW accepts any region in a SigV4 scope, so clients may sign with this one.
export const REGION = 'us-east-1';
export const USER_ID = 'nodb-test';

const HOST = '127.0.0.1';
const DEBIAN_PACKAGES = ['radosgw', 'ceph-mon', 'ceph-osd'];
const REQUIRED_COMMANDS = ['ceph', 'ceph-mon', 'ceph-osd', 'monmaptool', 'radosgw', 'radosgw-admin'];
const OSD_ID = '0';
const RGW_NAME = 'client.rgw.nodb';

// The pools that radosgw opens for the default zone. radosgw creates missing pools one at
// a time, so creating them in parallel beforehand halves the start time.
const RGW_POOLS = [
  '.rgw.root',
  'default.rgw.log',
  'default.rgw.control',
  'default.rgw.meta',
  'default.rgw.buckets.index',
  'default.rgw.buckets.data',
  'default.rgw.buckets.non-ec',
];

const INSTALL_TIMEOUT_MS = 15 * 60_000;
const COMMAND_TIMEOUT_MS = 60_000;
const READY_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 15_000;
const LOG_TAIL_LINES = 25;

/**
 * Starts ceph-mon, ceph-osd and radosgw in a new cluster and creates the test user.
 *
 * Installs the Debian packages first when the binaries are missing. All data, logs,
 * sockets and pid files live under `dir`, a new temporary directory unless given; a given
 * `dir` must be empty or absent and is kept after stop(). `port` is the S3 port (a free one
 * by default). `log` receives progress messages. Aborting `signal` during startup stops
 * the daemons started so far and rejects.
 *
 * Resolves once `GET /` returns 200 and a SigV4-signed ListBuckets with the test keys
 * succeeds. Rejects with an Error that names the failed step and contains the end of the
 * relevant log, after stopping whatever it started.
 *
 * @param {{ dir?: string, port?: number, log?: (message: string) => void, signal?: AbortSignal }} [options]
 * @returns {Promise<{ endpoint: string, accessKeyId: string, secretAccessKey: string,
 *   region: string, dir: string, pids: Record<string, number>, stop: () => Promise<void> }>}
 */
export async function startRgw({ dir, port, log = () => {}, signal } = {}) {
  const startedAt = Date.now();
  const cluster = new Cluster(log);

  try {
    await runStep('install Ceph packages', () => installCephIfMissing(log));
    signal?.throwIfAborted();

    await runStep('create the cluster directory', () => cluster.createDirectory(dir));
    await runStep('choose free ports', async () => {
      cluster.monPort = await findFreePort();
      cluster.rgwPort = port ?? (await findFreePort());
    });
    await runStep('write ceph.conf', () => cluster.writeConfig());

    // The OSD's mkfs needs no monitor and mostly waits for the disk, so it runs beside the
    // monitor's start. The pools need only the monitor, so they are created while the
    // OSD boots.
    await Promise.all([
      runStep('create the OSD', () => cluster.createOsd(), signal, log),
      runStep('create and start ceph-mon', () => cluster.createAndStartMonitor(), signal, log),
    ]);
    await Promise.all([
      runStep('create the RGW pools', () => cluster.createPools(), signal, log),
      runStep('start ceph-osd', () => cluster.registerAndStartOsd(), signal, log),
    ]);

    await runStep('start radosgw', () => cluster.startRgw(), signal, log);
    await runStep('create the test user', () => cluster.createUser(), signal, log);
    await runStep('check a signed request', () => cluster.checkSignedRequest(), signal, log);
  } catch (error) {
    await cluster.stop();
    throw error;
  }

  log(`RGW is ready at ${cluster.endpoint} after ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
  return {
    endpoint: cluster.endpoint,
    accessKeyId: ACCESS_KEY_ID,
    secretAccessKey: SECRET_ACCESS_KEY,
    region: REGION,
    dir: cluster.dir,
    pids: cluster.pids(),
    stop: () => cluster.stop(),
  };
}

// Runs one startup step, so that any error names the step. An abort stops waiting at once;
// startRgw then stops the daemons and the commands still running.
async function runStep(name, action, signal, log) {
  const startedAt = Date.now();
  let onAbort;
  try {
    signal?.throwIfAborted();
    if (!signal) return await action();
    const aborted = new Promise((_, reject) => {
      onAbort = () => reject(new Error('aborted'));
      signal.addEventListener('abort', onAbort, { once: true });
    });
    const result = await Promise.race([action(), aborted]);
    log?.(`Step "${name}" took ${((Date.now() - startedAt) / 1000).toFixed(2)} s`);
    return result;
  } catch (error) {
    if (error instanceof StepError) throw error;
    throw new StepError(`Starting Ceph RGW failed at step "${name}": ${error.message}`, { cause: error });
  } finally {
    if (onAbort) signal.removeEventListener('abort', onAbort);
  }
}

class StepError extends Error {}

/** A cluster directory with the daemons started in it, in start order. */
class Cluster {
  constructor(log) {
    this.log = log;
    this.dir = undefined;
    this.ownsDir = false;
    this.daemons = [];
    // Ceph commands still running, such as ceph-osd --mkfs, which stop() kills.
    this.commands = new Set();
    this.fsid = randomUUID();
    this.osdUuid = randomUUID();
    this.monPort = 0;
    this.rgwPort = 0;
    this.stopping = undefined;
    // Kills the daemons if the Node process exits without calling stop(), because they
    // would outlive it.
    this.killOnExit = () => this.killNow();
    process.on('exit', this.killOnExit);
  }

  get endpoint() {
    return `http://${HOST}:${this.rgwPort}`;
  }

  get configPath() {
    return join(this.dir, 'ceph.conf');
  }

  path(...parts) {
    return join(this.dir, ...parts);
  }

  pids() {
    return Object.fromEntries(this.daemons.map((daemon) => [daemon.name, daemon.pid]));
  }

  async createDirectory(dir) {
    if (dir === undefined) {
      this.dir = await mkdtemp(join(tmpdir(), 'nodb-rgw-'));
      this.ownsDir = true;
    } else {
      await mkdir(dir, { recursive: true });
      if ((await readdir(dir)).length > 0) {
        throw new Error(`the directory ${dir} is not empty; pass an empty or new directory`);
      }
      this.dir = dir;
    }
    for (const sub of ['run', 'log', 'mon', 'osd', 'rgw', 'crash']) {
      await mkdir(this.path(sub));
    }
  }

  async writeConfig() {
    const config = `[global]
fsid = ${this.fsid}
mon_host = v2:${HOST}:${this.monPort}
public_addr = ${HOST}
cluster_addr = ${HOST}
# Messenger v2 only, so the monitor needs a single port.
ms_bind_msgr1 = false
ms_bind_ipv6 = false
auth_cluster_required = none
auth_service_required = none
auth_client_required = none
# Without this, radosgw retries forever on "get_initial_auth_request returned -13".
ms_mon_client_mode = crc
keyring = ${this.path('keyring')}
run_dir = ${this.path('run')}
crash_dir = ${this.path('crash')}
log_file = ${this.path('log', '$name.log')}
log_to_stderr = false
mon_cluster_log_file = ${this.path('log', 'cluster.log')}
paxos_propose_interval = ${process.env.PPI ?? 1}
mon_allow_pool_size_one = true
mon_warn_on_pool_no_redundancy = false
osd_pool_default_size = 1
osd_pool_default_min_size = 1
osd_pool_default_pg_num = 8
osd_pool_default_pgp_num = 8
osd_pool_default_pg_autoscale_mode = off
# Place replicas across OSDs, not hosts, because there is one host.
osd_crush_chooseleaf_type = 0

[mon]
mon_data = ${this.path('mon', '$cluster-$id')}
pid_file = ${this.path('run', '$name.pid')}

[osd]
osd_data = ${this.path('osd', '$cluster-$id')}
pid_file = ${this.path('run', '$name.pid')}
osd_objectstore = bluestore
# A sparse file, so it takes disk space only as data is written.
bluestore_block_size = ${4 * 1024 ** 3}
bluestore_block_create = true
bluestore_fsck_on_mkfs = false
# Otherwise the OSD waits up to 5 s on shutdown when the monitor is already gone.
osd_fast_shutdown_notify_mon = false

[${RGW_NAME}]
rgw_data = ${this.path('rgw')}
pid_file = ${this.path('run', '$name.pid')}
# Without tcp_nodelay each small response waits about 40 ms for a delayed ACK.
rgw_frontends = beast endpoint=${HOST}:${this.rgwPort} tcp_nodelay=1
rgw_init_timeout = ${READY_TIMEOUT_MS / 1000}
`;
    await writeFile(this.configPath, config);
  }

  async createAndStartMonitor() {
    const monmap = this.path('monmap');
    await this.ceph('monmaptool', ['--create', '--fsid', this.fsid, '--addv', 'a', `[v2:${HOST}:${this.monPort}]`, monmap]);
    await this.ceph('ceph-mon', ['--mkfs', '-i', 'a', '--monmap', monmap]);

    this.startDaemon('mon.a', 'ceph-mon', ['-f', '-i', 'a']);
    // The ceph CLI waits for the monitor to accept connections, up to --connect-timeout.
    await this.ceph('ceph', ['mon', 'stat']);
  }

  async createOsd() {
    await mkdir(this.path('osd', `ceph-${OSD_ID}`));
    // --no-mon-config skips fetching the configuration from the monitor, which may not be
    // up yet. The fsid comes from ceph.conf.
    await this.ceph('ceph-osd', ['--no-mon-config', '--mkfs', '-i', OSD_ID, '--osd-uuid', this.osdUuid]);
  }

  async registerAndStartOsd() {
    const id = (await this.ceph('ceph', ['osd', 'new', this.osdUuid])).trim();
    if (id !== OSD_ID) throw new Error(`"ceph osd new" returned OSD id ${JSON.stringify(id)}, expected ${OSD_ID}`);

    this.startDaemon(`osd.${OSD_ID}`, 'ceph-osd', ['-f', '-i', OSD_ID]);
    await this.waitFor('the OSD to be up', 250, async () => {
      const status = JSON.parse(await this.ceph('ceph', ['osd', 'stat', '--format', 'json']));
      return status.num_up_osds === 1;
    });
  }

  async createPools() {
    // Parallel requests let the monitor commit the new pools in a few map updates.
    await Promise.all(
      RGW_POOLS.map(async (pool) => {
        await this.ceph('ceph', ['osd', 'pool', 'create', pool, '8', '8', 'replicated']);
        await this.ceph('ceph', ['osd', 'pool', 'application', 'enable', pool, 'rgw']);
      }),
    );
  }

  async startRgw() {
    this.startDaemon('rgw', 'radosgw', ['-f', '-n', RGW_NAME]);
    await this.waitFor(`GET ${this.endpoint}/ to return 200`, 100, async () => {
      try {
        const response = await fetch(`${this.endpoint}/`, { signal: AbortSignal.timeout(5_000) });
        await response.arrayBuffer();
        return response.status === 200;
      } catch {
        return false;
      }
    });
  }

  async createUser() {
    await this.ceph('radosgw-admin', [
      'user', 'create',
      '--uid', USER_ID,
      '--display-name', 'nodb test user',
      '--access-key', ACCESS_KEY_ID,
      '--secret-key', SECRET_ACCESS_KEY,
    ]);
  }

  async checkSignedRequest() {
    const response = await fetch(`${this.endpoint}/`, {
      headers: signListBuckets(this.rgwPort),
      signal: AbortSignal.timeout(10_000),
    });
    const body = await response.text();
    if (response.status !== 200 || !body.includes('<ListAllMyBucketsResult')) {
      throw new Error(`a signed ListBuckets returned ${response.status}: ${body.slice(0, 500)}`);
    }
  }

  // Runs a Ceph command with this cluster's config and returns its stdout.
  async ceph(command, args) {
    const common = ['-c', this.configPath];
    if (command === 'ceph') common.push('--connect-timeout', String(COMMAND_TIMEOUT_MS / 1000));
    if (this.stopping) throw new Error(`not running ${command}, because the cluster is stopping`);
    return runCommand(command, [...common, ...args], { timeoutMs: COMMAND_TIMEOUT_MS, children: this.commands });
  }

  // Spawns a daemon in the foreground. It stays in Node's process group, so Ctrl-C in a
  // terminal stops it too, even when Node is killed before stop() runs.
  startDaemon(name, command, args) {
    // A step that runs beside a failed one may get here after stop() began.
    if (this.stopping) throw new Error(`not starting ${name}, because the cluster is stopping`);
    const outputPath = this.path('log', `${name}.out`);
    const output = openSync(outputPath, 'a');
    let child;
    try {
      child = spawn(command, ['-c', this.configPath, ...args], {
        stdio: ['ignore', output, output],
      });
    } finally {
      closeSync(output);
    }
    child.unref();

    const daemon = {
      name,
      pid: child.pid,
      child,
      logPaths: [this.path('log', `${daemonLogName(name)}.log`), outputPath],
      exit: undefined,
    };
    daemon.exited = new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        daemon.exit = { code, signal };
        resolve();
      });
      child.on('error', (error) => {
        daemon.exit = { error };
        resolve();
      });
    });
    this.daemons.push(daemon);
    this.log(`Started ${command} as ${name} (pid ${child.pid})`);
    return daemon;
  }

  // Polls check() every intervalMs until it returns true. Fails early when a daemon exits.
  async waitFor(description, intervalMs, check) {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    for (;;) {
      this.throwIfDaemonExited();
      if (await check()) return;
      this.throwIfDaemonExited();
      if (Date.now() > deadline) {
        const tails = this.daemons.map((daemon) => describeLogs(daemon)).join('\n');
        throw new Error(`timed out after ${READY_TIMEOUT_MS / 1000} s waiting for ${description}\n${tails}`);
      }
      await sleep(intervalMs);
    }
  }

  throwIfDaemonExited() {
    const daemon = this.daemons.find((candidate) => candidate.exit);
    if (!daemon) return;
    const { code, signal, error } = daemon.exit;
    const how = error ? `failed to start: ${error.message}` : `exited with ${signal ?? `code ${code}`}`;
    throw new Error(`${daemon.name} (pid ${daemon.pid}) ${how}\n${describeLogs(daemon)}`);
  }

  /** Stops the daemons (SIGTERM, then SIGKILL after a timeout) and removes an owned directory. */
  stop() {
    this.stopping ??= this.stopDaemonsAndCleanUp();
    return this.stopping;
  }

  async stopDaemonsAndCleanUp() {
    for (const child of this.commands) child.kill('SIGKILL');

    // Newest first, one at a time, because radosgw hangs on SIGTERM once the OSD is gone.
    for (const daemon of [...this.daemons].reverse()) {
      if (daemon.exit) continue;
      // Keeps Node running until the daemon has exited and been reaped.
      daemon.child.ref();
      signalDaemon(daemon, 'SIGTERM');
      const exitedInTime = await Promise.race([daemon.exited.then(() => true), sleep(STOP_TIMEOUT_MS).then(() => false)]);
      if (!exitedInTime) {
        this.log(`${daemon.name} (pid ${daemon.pid}) did not exit within ${STOP_TIMEOUT_MS / 1000} s of SIGTERM; sending SIGKILL`);
        signalDaemon(daemon, 'SIGKILL');
        await daemon.exited;
      }
      this.log(`Stopped ${daemon.name} (pid ${daemon.pid})`);
    }

    process.off('exit', this.killOnExit);
    if (this.ownsDir && this.dir) await rm(this.dir, { recursive: true, force: true });
  }

  // Synchronous last resort for process exit, where promises no longer run.
  killNow() {
    for (const child of this.commands) child.kill('SIGKILL');
    for (const daemon of this.daemons) {
      if (!daemon.exit) signalDaemon(daemon, 'SIGKILL');
    }
    if (this.ownsDir && this.dir) rmSync(this.dir, { recursive: true, force: true });
  }
}

function signalDaemon(daemon, signal) {
  try {
    process.kill(daemon.pid, signal);
  } catch (error) {
    // ESRCH: it exited and Node has not yet reported it.
    if (error.code !== 'ESRCH') throw error;
  }
}

// Ceph names a daemon's log file after its $name, which for radosgw is the client name.
function daemonLogName(name) {
  return name === 'rgw' ? RGW_NAME : name;
}

function describeLogs(daemon) {
  return daemon.logPaths.map((path) => `Last lines of ${path}:\n${tailFile(path)}`).join('\n');
}

function tailFile(path) {
  try {
    const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
    return lines.slice(-LOG_TAIL_LINES).join('\n') || '(empty)';
  } catch (error) {
    return `(unreadable: ${error.message})`;
  }
}

/**
 * Runs a command to completion and returns its stdout; rejects with the end of its output.
 * `children`, if given, contains the child process while it runs.
 */
function runCommand(command, args, { timeoutMs, children }) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    children?.add(child);
    let stdout = '';
    let combined = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      stdout += chunk;
      combined += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk) => {
      combined += chunk;
    });

    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);

    child.on('error', (error) => {
      clearTimeout(timer);
      children?.delete(child);
      reject(new Error(`could not run ${command}: ${error.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      children?.delete(child);
      if (code === 0) return resolve(stdout);
      const how = timedOut ? `timed out after ${timeoutMs / 1000} s` : `exited with ${signal ?? `code ${code}`}`;
      const tail = combined.trimEnd().split('\n').slice(-LOG_TAIL_LINES).join('\n');
      reject(new Error(`"${command} ${args.join(' ')}" ${how}. Last lines of its output:\n${tail || '(none)'}`));
    });
  });
}

async function installCephIfMissing(log) {
  const missing = [];
  for (const command of REQUIRED_COMMANDS) {
    if (!(await findCommand(command))) missing.push(command);
  }
  if (missing.length === 0) return;

  const aptGet = ['env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get'];
  let prefix = [];
  if (process.getuid?.() !== 0) {
    if (!(await findCommand('sudo'))) {
      throw new Error(
        `${missing.join(', ')} not found and sudo is not available; ` +
          `install them as root with: apt-get install -y --no-install-recommends ${DEBIAN_PACKAGES.join(' ')}`,
      );
    }
    // Without a terminal sudo must fail at once rather than wait for a password.
    prefix = process.stdin.isTTY ? ['sudo'] : ['sudo', '-n'];
  }

  const run = (args) => {
    const [command, ...rest] = [...prefix, ...aptGet, ...args];
    return runCommand(command, rest, { timeoutMs: INSTALL_TIMEOUT_MS });
  };
  log(`${missing.join(', ')} not found; installing ${DEBIAN_PACKAGES.join(' ')} with apt-get`);
  await run(['update']);
  await run(['install', '-y', '--no-install-recommends', ...DEBIAN_PACKAGES]);

  const stillMissing = [];
  for (const command of REQUIRED_COMMANDS) {
    if (!(await findCommand(command))) stillMissing.push(command);
  }
  if (stillMissing.length > 0) {
    throw new Error(`apt-get finished, but ${stillMissing.join(', ')} are still not on the PATH`);
  }
}

async function findCommand(command) {
  for (const directory of (process.env.PATH ?? '').split(delimiter)) {
    if (!directory) continue;
    try {
      await access(join(directory, command), constants.X_OK);
      return true;
    } catch {
      // Not in this directory.
    }
  }
  return false;
}

/** Returns a TCP port on 127.0.0.1 that was free a moment ago. */
function findFreePort() {
  // NOTE: another process may take the port between this check and the daemon's bind;
  // the daemon then fails to start and startRgw rejects with its log.
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, HOST, () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Builds the SigV4 headers for `GET /` (ListBuckets) with the test keys. */
function signListBuckets(port) {
  const amzDate = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const date = amzDate.slice(0, 8);
  const payloadHash = sha256Hex('');
  const host = `${HOST}:${port}`;
  const signedHeaders = 'host;x-amz-content-sha256;x-amz-date';
  const canonicalRequest = [
    'GET',
    '/',
    '',
    `host:${host}`,
    `x-amz-content-sha256:${payloadHash}`,
    `x-amz-date:${amzDate}`,
    '',
    signedHeaders,
    payloadHash,
  ].join('\n');
  const scope = `${date}/${REGION}/s3/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonicalRequest)].join('\n');

  let key = `AWS4${SECRET_ACCESS_KEY}`;
  for (const part of [date, REGION, 's3', 'aws4_request']) key = hmac(key, part);
  const signature = createHmac('sha256', key).update(stringToSign).digest('hex');

  return {
    'x-amz-content-sha256': payloadHash,
    'x-amz-date': amzDate,
    authorization: `AWS4-HMAC-SHA256 Credential=${ACCESS_KEY_ID}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
  };
}

function sha256Hex(text) {
  return createHash('sha256').update(text).digest('hex');
}

function hmac(key, text) {
  return createHmac('sha256', key).update(text).digest();
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
