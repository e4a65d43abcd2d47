/** Types of stack.mjs and demo-server.mjs, for the TypeScript that imports them (the Playwright setup). */
import type { Credentials } from '../../src/index.js';
import type * as NodeEntry from './node-entry.js';

export declare const DEMO_BUCKET: 'nodb-demo';

export interface DemoDataOptions {
  /** Directory of s3rver's objects, created when missing. */
  dataDir: string;
  /** s3rver's port; 0 picks a free one. @default 4568, or a free one when taken */
  s3Port?: number;
  /** Receives progress lines. @default no output */
  log?: (line: string) => void;
}

export interface DevStackOptions extends DemoDataOptions {
  /** Vite's port; 0 picks a free one. @default 5173, or the next free one */
  webPort?: number;
  /** @default 'warn' */
  viteLogLevel?: 'info' | 'warn' | 'error' | 'silent';
}

/** s3rver with the examples imported. */
export interface DemoData {
  /** The dev stack's TypeScript module, bundled and loaded. */
  entry: typeof NodeEntry;
  /** s3rver's URL. */
  endpoint: string;
  bucket: string;
  credentials: Credentials;
  /** Examples saved by this start. */
  imported: number;
  /** Examples left as they were because their record existed. */
  kept: number;
  /** Closes s3rver. The data directory stays. */
  stop(): Promise<void>;
}

export interface DevStack extends Omit<DemoData, 'entry'> {
  /** URL of the demo page. */
  url: string;
  /** URL of the signer endpoint for the page's presigned mode. */
  signerUrl: string;
  /** Closes Vite and s3rver. The data directory stays. */
  stop(): Promise<void>;
}

export declare function hasLegacyOpenssl(): boolean;
export declare function startDemoData(options: DemoDataOptions): Promise<DemoData>;
export declare function startDevStack(options: DevStackOptions): Promise<DevStack>;
