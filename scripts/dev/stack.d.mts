/** Types of stack.mjs, for the TypeScript that imports it (the Playwright setup). */
import type { Credentials } from '../../src/index.js';

export declare const DEMO_BUCKET: 'nodb-demo';

export interface DevStackOptions {
  /** Directory of s3rver's objects, created when missing. */
  dataDir: string;
  /** s3rver's port; 0 picks a free one. @default 4568, or a free one when taken */
  s3Port?: number;
  /** Vite's port; 0 picks a free one. @default 5173, or the next free one */
  webPort?: number;
  /** Receives progress lines. @default no output */
  log?: (line: string) => void;
  /** @default 'warn' */
  viteLogLevel?: 'info' | 'warn' | 'error' | 'silent';
}

export interface DevStack {
  /** URL of the demo page. */
  url: string;
  /** s3rver's URL. */
  endpoint: string;
  bucket: string;
  credentials: Credentials;
  /** Examples saved by this start. */
  imported: number;
  /** Examples left as they were because their record existed. */
  kept: number;
  /** Closes Vite and s3rver. The data directory stays. */
  stop(): Promise<void>;
}

export declare function hasLegacyOpenssl(): boolean;
export declare function startDevStack(options: DevStackOptions): Promise<DevStack>;
