/**
 * Connection settings of the demo, read at run time from /config.json, which
 * the dev server started by `npm start` serves.
 */
import type { Credentials } from '../src/index.ts';

export interface DemoConfig {
  endpoint: string;
  bucket: string;
  /** @default 'us-east-1' */
  region?: string;
  credentials: Credentials;
}

/** Fetches /config.json and checks its shape. Throws an Error whose message names the fix. */
export async function loadConfig(): Promise<DemoConfig> {
  let response: Response;
  try {
    response = await fetch('/config.json', { cache: 'no-store' });
  } catch (error) {
    throw new Error(`Fetching /config.json failed (${describe(error)}). Is \`npm start\` still running?`);
  }
  if (!response.ok) {
    throw new Error(
      `GET /config.json returned ${response.status}. Start the demo with \`npm start\`, whose dev server serves it.`,
    );
  }

  let config: unknown;
  try {
    config = await response.json();
  } catch (error) {
    throw new Error(`/config.json is not valid JSON (${describe(error)}).`);
  }
  if (!isDemoConfig(config)) {
    throw new Error(
      '/config.json lacks a string "endpoint", "bucket", "credentials.accessKeyId" or "credentials.secretAccessKey", ' +
        'or has a "region" that is not a string.',
    );
  }
  return config;
}

function isDemoConfig(value: unknown): value is DemoConfig {
  if (typeof value !== 'object' || value === null) return false;

  const config = value as Record<string, unknown>;
  const credentials = config.credentials as Record<string, unknown> | null | undefined;
  return (
    typeof config.endpoint === 'string' &&
    typeof config.bucket === 'string' &&
    (config.region === undefined || typeof config.region === 'string') &&
    typeof credentials === 'object' &&
    credentials !== null &&
    typeof credentials.accessKeyId === 'string' &&
    typeof credentials.secretAccessKey === 'string'
  );
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
