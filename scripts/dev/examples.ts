/**
 * Imports the GitHub webhook examples from @octokit/webhooks-examples into a
 * bucket through NoDB's public API, one record per example payload.
 */
import { createRequire } from 'node:module';
import { NoDB, type Credentials } from '../../src/index.js';

/** One event of `@octokit/webhooks-examples/api.github.com/index.json`, with the fields used here. */
interface WebhookEvent {
  name: string;
  examples: Array<Record<string, unknown>>;
}

/** A stored example: the payload plus the fields the demo lists. */
export interface ExampleRecord {
  /** `event:action:ordinal`, or `event:ordinal` for payloads without an action. */
  id: string;
  event: string;
  action: string | null;
  /** 0-based position of the payload among its event's examples. */
  ordinal: number;
  payload: Record<string, unknown>;
}

export interface ImportTarget {
  endpoint: string;
  bucket: string;
  credentials: Credentials;
}

export interface ImportResult {
  imported: number;
  kept: number;
}

/** Records checked or saved at once while importing, as many as NoDB's default `concurrency`. */
const CONCURRENCY = 8;

/** Reads every example payload and turns it into a record. */
export function exampleRecords(): ExampleRecord[] {
  const require = createRequire(import.meta.url);
  const events = require('@octokit/webhooks-examples') as WebhookEvent[];

  return events.flatMap((event) =>
    event.examples.map((payload, ordinal) => {
      const action = typeof payload.action === 'string' ? payload.action : null;
      const position = String(ordinal).padStart(3, '0');
      const id = action === null ? `${event.name}:${position}` : `${event.name}:${action}:${position}`;
      return { id, event: event.name, action, ordinal, payload };
    }),
  );
}

/**
 * Saves every example that has no record yet. Records that exist are left as
 * they are, so a restart keeps the edits made in the demo.
 */
export async function importExamples(target: ImportTarget): Promise<ImportResult> {
  const db = new NoDB<ExampleRecord>({ ...target, humanReadableIndexes: true });
  const records = exampleRecords();
  const result: ImportResult = { imported: 0, kept: 0 };

  let next = 0;
  const worker = async () => {
    while (next < records.length) {
      const record = records[next++]!;
      if (await db.exists(record.id)) {
        result.kept++;
      } else {
        await db.save(record);
        result.imported++;
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));

  return result;
}
