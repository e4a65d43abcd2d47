/** Types of demo-server.mjs, for the TypeScript that imports it (the Playwright setup). */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Credentials } from '../../src/index.js';

export interface DemoServerOptions {
  /** 'dev' serves the sources; 'preview' serves the build in `outDir`. */
  mode: 'dev' | 'preview';
  /** 0 picks a free port. */
  port: number;
  /** Directory of the build, for 'preview'. */
  outDir?: string;
  /** Served at /config.json. */
  config: { endpoint: string; bucket: string; region?: string; credentials: Credentials };
  /** Connect middleware for /sign. */
  signer: (req: IncomingMessage, res: ServerResponse, next: () => void) => void;
  /** @default 'warn' */
  logLevel?: 'info' | 'warn' | 'error' | 'silent';
}

export declare function buildDemo(outDir: string, logLevel?: 'info' | 'warn' | 'error' | 'silent'): Promise<void>;
export declare function startDemoServer(options: DemoServerOptions): Promise<{ url: string; close(): Promise<void> }>;
