"""Send the monitor commands that rgw.mjs needs over one librados connection.

Creating the seven RGW pools with parallel `ceph` CLI calls took 2.7 s of CPU on a 2-core
VM (Ceph 16.2.15), at the time the OSD boots. This script took less than 0.1 s of CPU.

Usage:
  mon_commands.py CONF create-pools PG_NUM APPLICATION POOL...
  mon_commands.py CONF wait-for-osds-up COUNT TIMEOUT_SECONDS

Run it with the Python that the `ceph` CLI uses, because the rados module comes from
Debian's python3-rados package. Errors go to stderr with exit status 1.
"""

import json
import sys
import threading
import time

import rados

CONNECT_TIMEOUT_SECONDS = 30


def mon_command(cluster, command):
    """Send one command and return its parsed JSON output. Raise RuntimeError on failure."""
    ret, output, status = cluster.mon_command(json.dumps({**command, 'format': 'json'}), b'')
    if ret != 0:
        raise RuntimeError(f"{command['prefix']} failed with {ret}: {status}")
    return json.loads(output) if output else None


def create_pools(cluster, pg_num, application, pools):
    """Create the pools and enable the application on each.

    One thread per pool, because the monitor commits requests that arrive together in one
    map update, while sequential requests wait for one update each.
    """
    errors = []

    def create(pool):
        try:
            mon_command(cluster, {'prefix': 'osd pool create', 'pool': pool, 'pg_num': pg_num, 'pgp_num': pg_num})
            mon_command(cluster, {'prefix': 'osd pool application enable', 'pool': pool, 'app': application})
        except RuntimeError as error:
            errors.append(f'{pool}: {error}')

    threads = [threading.Thread(target=create, args=(pool,)) for pool in pools]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise RuntimeError('\n'.join(errors))


def wait_for_osds_up(cluster, count, timeout_seconds):
    """Poll the OSD map until `count` OSDs are up. Raise RuntimeError on timeout."""
    deadline = time.monotonic() + timeout_seconds
    while True:
        up = mon_command(cluster, {'prefix': 'osd stat'})['num_up_osds']
        if up >= count:
            return
        if time.monotonic() > deadline:
            raise RuntimeError(f'timed out after {timeout_seconds} s with {up} of {count} OSDs up')
        time.sleep(0.1)


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    conf, action, args = argv[1], argv[2], argv[3:]

    if action == 'create-pools' and len(args) >= 3:
        run = lambda cluster: create_pools(cluster, int(args[0]), args[1], args[2:])
    elif action == 'wait-for-osds-up' and len(args) == 2:
        run = lambda cluster: wait_for_osds_up(cluster, int(args[0]), float(args[1]))
    else:
        sys.exit(f'invalid arguments: {argv[2:]}\n{__doc__}')

    cluster = rados.Rados(conffile=conf)
    try:
        cluster.connect(timeout=CONNECT_TIMEOUT_SECONDS)
        run(cluster)
    except (RuntimeError, rados.Error) as error:
        sys.exit(f'{action} failed: {error}')
    finally:
        cluster.shutdown()


if __name__ == '__main__':
    main(sys.argv)
