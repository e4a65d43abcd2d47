/**
 * s3rver started in-process on 127.0.0.1 with an ephemeral port and a
 * temporary directory: the everyday S3 server for tests.
 *
 * s3rver does not verify signatures and ignores conditional writes, so tests
 * of those run on Ceph RGW instead. It needs Node's legacy OpenSSL provider
 * (`--openssl-legacy-provider`) for its continuation tokens.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import FilesystemStore from 's3rver/lib/stores/filesystem.js';
import { S3Store } from '../../src/index.js';

installKeyPathEscaping();

export const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

export interface RunningS3rver {
  endpoint: string;
  /** Creates a bucket and returns an S3Store for it. */
  createBucket(name: string): Promise<S3Store>;
  stop(): Promise<void>;
}

export async function startS3rver(): Promise<RunningS3rver> {
  if (!process.execArgv.includes('--openssl-legacy-provider') && !process.env.NODE_OPTIONS?.includes('--openssl-legacy-provider')) {
    throw new Error('s3rver needs Node started with --openssl-legacy-provider (set NODE_OPTIONS).');
  }

  const directory = await mkdtemp(join(tmpdir(), 'nodb-s3rver-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory });
  const address = (await server.run()) as { port: number };
  const endpoint = `http://127.0.0.1:${address.port}`;

  return {
    endpoint,
    async createBucket(name) {
      const store = new S3Store({ bucket: name, endpoint, credentials: S3RVER_CREDENTIALS });
      const response = await fetch(`${endpoint}/${name}`, { method: 'PUT' });
      await response.body?.cancel();
      if (!response.ok) throw new Error(`Creating bucket ${name} on s3rver failed: ${response.status}`);
      return store;
    },
    async stop() {
      // Idle keep-alive connections would hold close() open until they time out.
      server.httpServer?.closeAllConnections();
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

/**
 * s3rver keeps each object at a file path built from its key, so the file
 * system collapses empty, "." and ".." segments: "a//b" came back as "a/b" and
 * "/leading" was listed as "leading". Escaping those segments (and "&", the
 * escape character) in every segment but the last keeps each key distinct.
 * The last segment may stay as it is, because it gets a file-name suffix, and
 * leaving it alone keeps a prefix such as "dir/" a prefix of its keys' paths.
 */
function installKeyPathEscaping(): void {
  FilesystemStore.encodeKeyPath = (key: string) => {
    const segments = key.split('/');
    return segments.map((segment, i) => (i === segments.length - 1 ? escapeAmpersand(segment) : escapeSegment(segment))).join('/');
  };
  FilesystemStore.decodeKeyPath = (path: string) => path.split('/').map(unescapeSegment).join('/');

  // deleteObject removes the files through the escaped path, then prunes empty
  // directories along the unescaped one, which may not exist: ignore that.
  const deleteObject = FilesystemStore.prototype.deleteObject;
  FilesystemStore.prototype.deleteObject = async function (this: FilesystemStore, bucket: string, key: string) {
    try {
      await deleteObject.call(this, bucket, key);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  };
}

function escapeAmpersand(segment: string): string {
  return segment.replaceAll('&', '&a');
}

function escapeSegment(segment: string): string {
  if (segment === '') return '&e';
  if (segment === '.') return '&d';
  if (segment === '..') return '&D';
  return escapeAmpersand(segment);
}

function unescapeSegment(segment: string): string {
  if (segment === '&e') return '';
  if (segment === '&d') return '.';
  if (segment === '&D') return '..';
  return segment.replaceAll('&a', '&');
}
