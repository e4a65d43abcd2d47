// Starts a throwaway single-node Ceph RADOS Gateway (RGW) on 127.0.0.1: one monitor, one
// OSD (BlueStore on a sparse 4 GiB file), pool size 1, no cephx, and radosgw's beast
// frontend. Written for Ceph 16.2 (Pacific) from Debian bookworm. It uses only Node
// built-ins, Ceph's own programs, and mon_commands.py beside it, which needs only Ceph's
// Python bindings.

import { spawn } from 'node:child_process';
import { createHash, createHmac, randomUUID } from 'node:crypto';
import { closeSync, constants, openSync, readFileSync, rmSync } from 'node:fs';
import { access, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve as resolvePath } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ACCESS_KEY_ID = 'NODBTESTKEY0000000001';
export const SECRET_ACCESS_KEY = 'nodb-test-secret-0000000000000000000000';
// RGW accepts any region in a SigV4 scope, so clients may sign with this one.
export const REGION = 'us-east-1';
export const USER_ID = 'nodb-test';

const HOST = '127.0.0.1';
const DEBIAN_PACKAGES = ['radosgw', 'ceph-mon', 'ceph-osd'];
const REQUIRED_COMMANDS = ['ceph', 'ceph-mon', 'ceph-osd', 'monmaptool', 'radosgw', 'radosgw-admin'];
// From util-linux, which every Debian system has.
const SETPRIV = 'setpriv';
const OSD_ID = '0';
const PG_NUM = 8;
const MON_COMMANDS_SCRIPT = fileURLToPath(new URL('mon_commands.py', import.meta.url));
const RGW_NAME = 'client.rgw.nodb';

// The pools that radosgw opens for the default zone. radosgw would create missing pools
// one at a time, each waiting for a monitor commit, so they are created together first.
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
// How long apt-get waits for another apt-get or dpkg to release its lock.
const APT_LOCK_TIMEOUT_SECONDS = 300;
const COMMAND_TIMEOUT_MS = 60_000;
const READY_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 15_000;
const LOG_TAIL_LINES = 25;

let installation;

/**
 * Starts ceph-mon, ceph-osd and radosgw in a new cluster and creates the test user.
 *
 * Installs the Debian packages first when the binaries are missing. All data, logs,
 * sockets and pid files live under `dir`, which is a new temporary directory by default.
 * A given `dir` must be empty or absent, and stop() keeps it. `port` is the S3 port on
 * 127.0.0.1 (a free one by default). `log` receives progress messages. Aborting `signal`
 * during startup stops the daemons started so far and rejects.
 *
 * Resolves once `GET /` returns 200 and a SigV4-signed ListBuckets with the test keys
 * succeeds. Rejects with an Error that names the failed step and contains the end of the
 * relevant log, after stopping whatever it started. The kernel kills the daemons when the
 * thread that called startRgw exits, so call it from the thread that outlives the tests.
 *
 * @param {{ dir?: string, port?: number, log?: (message: string) => void, signal?: AbortSignal }} [options]
 * @returns {Promise<{ endpoint: string, accessKeyId: string, secretAccessKey: string,
 *   region: string, dir: string, pids: Record<string, number>, stop: () => Promise<void> }>}
 */
export async function startRgw({ dir, port, log = () => {}, signal } = {}) {
  if (port !== undefined && !(Number.isInteger(port) && port >= 1 && port <= 65535)) {
    throw new TypeError(`invalid port ${port}: expected an integer from 1 to 65535`);
  }
  const startedAt = Date.now();
  const cluster = new Cluster(log);

  const step = (name, action) => runStep(name, action, signal, log);

  try {
    // Concurrent calls in one process share one installation. A failed one is retried.
    installation ??= installCephIfMissing(log).catch((error) => {
      installation = undefined;
      throw error;
    });
    await step('install Ceph packages', () => installation);
    await step('find setpriv', async () => {
      if (!(await findCommand(SETPRIV))) throw new Error(`${SETPRIV} not found. Install util-linux, which provides it.`);
    });
    await step('create the cluster directory', () => cluster.createDirectory(dir));
    await step('choose free ports', async () => {
      cluster.monPort = await findFreePort();
      cluster.rgwPort = port ?? (await findFreePort());
    });
    await step('write ceph.conf', () => cluster.writeConfig());

    // The OSD's mkfs needs no monitor and mostly waits for the disk, so it runs beside the
    // monitor's start, the OSD's registration and the pool creation.
    const monitorStarted = step('create and start ceph-mon', () => cluster.createAndStartMonitor());
    const osdCreated = Promise.all([
      step('create the OSD', () => cluster.createOsd()),
      monitorStarted.then(() => step('register the OSD', () => cluster.registerOsd())),
    ]);
    const osdStarted = osdCreated.then(() => step('start ceph-osd', () => cluster.startOsd()));
    const poolsCreated = monitorStarted.then(() => step('create the RGW pools', () => cluster.createPools()));
    await Promise.all([osdStarted, poolsCreated]);

    await step('start radosgw', () => cluster.startRgw());
    await step('create the test user', () => cluster.createUser());
    await step('check a signed request', () => cluster.checkSignedRequest());
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

// Runs one startup step, so that any error names the step. An abort stops the wait at once,
// and startRgw then stops the daemons and the commands still running.
async function runStep(name, action, signal, log) {
  const startedAt = Date.now();
  let onAbort;
  try {
    signal?.throwIfAborted();
    const aborted = new Promise((_, reject) => {
      onAbort = () => reject(new Error('aborted'));
      signal?.addEventListener('abort', onAbort, { once: true });
    });
    const result = await Promise.race([action(), aborted]);
    log(`Step "${name}" took ${((Date.now() - startedAt) / 1000).toFixed(2)} s`);
    return result;
  } catch (error) {
    if (error instanceof StepError) throw error;
    throw new StepError(`Starting Ceph RGW failed at step "${name}": ${error.message}`, { cause: error });
  } finally {
    signal?.removeEventListener('abort', onAbort);
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
    // Kills the daemons and removes an owned directory if Node exits without calling stop().
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
      // Absolute, because the daemons change their working directory to /.
      this.dir = resolvePath(dir);
      await mkdir(this.dir, { recursive: true });
      if ((await readdir(this.dir)).length > 0) {
        throw new Error(`the directory ${this.dir} is not empty. Pass an empty or new directory.`);
      }
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
# The monitor gathers map changes for this long before it commits them (1 s by default),
# and pool creation and OSD boot each wait for such commits.
paxos_propose_interval = 0.1
mon_allow_pool_size_one = true
mon_warn_on_pool_no_redundancy = false
osd_pool_default_size = 1
osd_pool_default_min_size = 1
osd_pool_default_pg_num = ${PG_NUM}
osd_pool_default_pgp_num = ${PG_NUM}
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
# Each block device close waits for the aio thread's poll timeout (250 ms by default), and
# mkfs and boot close devices several times. With 20 ms, mkfs took 0.4 s instead of 1.4 s
# and boot 0.7 s instead of 2 s (Ceph 16.2.15, 2-core VM).
bdev_aio_poll_ms = 20
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
    // up yet, and the fsid comes from ceph.conf. Without -f, ceph-osd runs mkfs in a forked
    // child that would outlive a kill of the process this spawns.
    await this.ceph('ceph-osd', ['-f', '--no-mon-config', '--mkfs', '-i', OSD_ID, '--osd-uuid', this.osdUuid]);
  }

  async registerOsd() {
    const id = (await this.ceph('ceph', ['osd', 'new', this.osdUuid])).trim();
    if (id !== OSD_ID) throw new Error(`"ceph osd new" returned OSD id ${JSON.stringify(id)}, expected ${OSD_ID}`);
  }

  async startOsd() {
    const daemon = this.startDaemon(`osd.${OSD_ID}`, 'ceph-osd', ['-f', '-i', OSD_ID]);
    try {
      await this.monCommands(['wait-for-osds-up', '1', String(READY_TIMEOUT_MS / 1000)]);
    } catch (error) {
      if (daemon.exit) throw error;
      throw new Error(`${error.message}\n${describeLogs(daemon)}`);
    }
  }

  async createPools() {
    await this.monCommands(['create-pools', String(PG_NUM), 'rgw', ...RGW_POOLS]);
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
  async ceph(command, args, timeoutMs = COMMAND_TIMEOUT_MS) {
    const common = ['-c', this.configPath];
    if (command === 'ceph') common.push('--connect-timeout', String(COMMAND_TIMEOUT_MS / 1000));
    return this.run(command, [...common, ...args], timeoutMs);
  }

  // Runs mon_commands.py, which sends monitor commands with far less CPU than the ceph CLI.
  async monCommands(args) {
    const python = await findCephPython();
    return this.run(python, [MON_COMMANDS_SCRIPT, this.configPath, ...args], READY_TIMEOUT_MS + COMMAND_TIMEOUT_MS);
  }

  // Runs a command, but rejects as soon as a daemon exits, because the command may then
  // wait for its timeout.
  async run(command, args, timeoutMs) {
    if (this.stopping) throw new Error(`not running ${command}, because the cluster is stopping`);
    const exits = this.daemons.map((daemon) => daemon.exited.then(() => this.throwIfDaemonExited()));
    return Promise.race([runCommand(command, args, { timeoutMs, children: this.commands }), ...exits]);
  }

  // Spawns a daemon in the foreground, through setpriv, which sets the parent-death signal
  // and then execs the daemon under the same PID. So the kernel kills the daemon when the
  // thread that started it exits (the main thread, or a worker thread), even if Node is
  // killed before stop() runs. The daemon gets its own process group, so that Ctrl-C in a
  // terminal reaches only Node, and stop() can end radosgw before the OSD: radosgw hangs on
  // shutdown once the OSD is gone.
  startDaemon(name, command, args) {
    // A step that runs beside a failed one may get here after stop() began.
    if (this.stopping) throw new Error(`not starting ${name}, because the cluster is stopping`);
    const outputPath = this.path('log', `${name}.out`);
    const output = openSync(outputPath, 'a');
    let child;
    try {
      child = spawn(SETPRIV, ['--pdeathsig', 'KILL', '--', command, '-c', this.configPath, ...args], {
        stdio: ['ignore', output, output],
        detached: true,
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
    const outcome = error ? `failed to start: ${error.message}` : `exited with ${signal ?? `code ${code}`}`;
    throw new Error(`${daemon.name} (pid ${daemon.pid}) ${outcome}\n${describeLogs(daemon)}`);
  }

  /** Stops the daemons (SIGTERM, then SIGKILL after a timeout) and removes an owned directory. */
  stop() {
    this.stopping ??= this.stopDaemonsAndCleanUp();
    return this.stopping;
  }

  async stopDaemonsAndCleanUp() {
    // A command such as ceph-osd --mkfs may still write into the directory.
    await Promise.all(
      [...this.commands].map(
        (child) =>
          new Promise((resolve) => {
            child.once('close', resolve);
            child.kill('SIGKILL');
          }),
      ),
    );

    // Newest first, one at a time, because radosgw 16.2.15 did not exit within 15 s of
    // SIGTERM once the OSD was gone.
    for (const daemon of [...this.daemons].reverse()) {
      if (daemon.exit) continue;
      // Keeps Node running until the daemon has exited and been reaped.
      daemon.child.ref();
      signalDaemon(daemon, 'SIGTERM');
      // The timer is cleared once the daemon exits, so it cannot keep Node alive after stop().
      let timer;
      const timedOut = new Promise((resolve) => {
        timer = setTimeout(() => resolve(false), STOP_TIMEOUT_MS);
      });
      const exitedInTime = await Promise.race([daemon.exited.then(() => true), timedOut]);
      clearTimeout(timer);
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
 * Runs a command to completion and returns its stdout. On failure it rejects with the end
 * of the command's output. `children`, if given, contains the child process while it runs.
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
      const outcome = timedOut ? `timed out after ${timeoutMs / 1000} s` : `exited with ${signal ?? `code ${code}`}`;
      const tail = combined.trimEnd().split('\n').slice(-LOG_TAIL_LINES).join('\n');
      reject(new Error(`"${command} ${args.join(' ')}" ${outcome}. Last lines of its output:\n${tail || '(none)'}`));
    });
  });
}

async function installCephIfMissing(log) {
  const missing = [];
  for (const command of REQUIRED_COMMANDS) {
    if (!(await findCommand(command))) missing.push(command);
  }
  if (missing.length === 0) return;

  const aptGet = ['env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', '-o', `DPkg::Lock::Timeout=${APT_LOCK_TIMEOUT_SECONDS}`];
  let prefix = [];
  if (process.getuid?.() !== 0) {
    if (!(await findCommand('sudo'))) {
      throw new Error(
        `${missing.join(', ')} not found, and sudo is not available. Install them as root with: ` +
          `apt-get install -y --no-install-recommends ${DEBIAN_PACKAGES.join(' ')}`,
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

/** Returns the path of an executable on the PATH, or undefined. */
async function findCommand(command) {
  for (const directory of (process.env.PATH ?? '').split(delimiter)) {
    if (!directory) continue;
    const path = join(directory, command);
    try {
      await access(path, constants.X_OK);
      return path;
    } catch {
      // Not in this directory.
    }
  }
  return undefined;
}

/**
 * Returns the Python interpreter named in the `ceph` CLI's #! line, because only that one
 * (Debian's /usr/bin/python3) can import the rados module of python3-rados.
 */
async function findCephPython() {
  const ceph = await findCommand('ceph');
  const firstLine = ceph ? (await readFile(ceph, 'utf8')).split('\n', 1)[0] : '';
  const match = /^#!\s*(\S+)/.exec(firstLine);
  if (!match) throw new Error(`cannot find the Python of the ceph CLI: ${ceph ?? 'ceph'} has no #! line`);
  return match[1];
}

/** Returns a TCP port on 127.0.0.1 that was free a moment ago. */
function findFreePort() {
  // NOTE: another process may take the port before the daemon binds it. The daemon then
  // fails to start, and startRgw rejects with the daemon's log.
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
