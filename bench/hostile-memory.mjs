#!/usr/bin/env node
/**
 * Hostile-record memory benchmark: the heap that decoding the worst records
 * costs at the default limits, and what becomes of the records that the
 * limits reject.
 *
 * It bundles src/ with esbuild into a temporary file, then decodes each case
 * through RecordCodec (the code that NoDB's load() calls) in a fresh Node
 * process started with --max-old-space-size=128 and --expose-gc, so that one
 * case cannot inflate the numbers of the next and a case that needs more than
 * 128 MB of heap ends its own process only. The child holds the decoded value
 * while it measures, so the retained heap counts the whole result.
 *
 * Usage: node bench/hostile-memory.mjs
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';

const MiB = 1024 * 1024;
const HEAP_LIMIT_MB = 128;
const encoder = new TextEncoder();

/** msgpack: array32 header for `count` elements, then `count` copies of the bytes `element`. */
function msgpackArrayOf(count, element) {
  const bytes = new Uint8Array(5 + count * element.length);
  bytes[0] = 0xdd;
  new DataView(bytes.buffer).setUint32(1, count);
  for (let i = 0; i < count; i++) bytes.set(element, 5 + i * element.length);
  return bytes;
}

/** msgpack: array16 of `parts`, each already msgpack bytes. */
function msgpackArray16(parts) {
  const total = parts.reduce((sum, part) => sum + part.length, 3);
  const bytes = new Uint8Array(total);
  bytes.set([0xdc, parts.length >> 8, parts.length & 0xff]);
  let offset = 3;
  for (const part of parts) {
    bytes.set(part, offset);
    offset += part.length;
  }
  return bytes;
}

/** msgpack: one BigInt extension (type 3) of `length` payload bytes, sign 0 and magnitude 0xff... */
function msgpackBigInt(length) {
  const bytes = new Uint8Array(6 + length).fill(0xff);
  bytes[0] = 0xc9;
  new DataView(bytes.buffer).setUint32(1, length);
  bytes[5] = 3;
  bytes[6] = 0;
  return bytes;
}

/** msgpack: str32 of `length` ASCII bytes. */
function msgpackString(length) {
  const bytes = new Uint8Array(5 + length).fill(0x61);
  bytes[0] = 0xdb;
  new DataView(bytes.buffer).setUint32(1, length);
  return bytes;
}

/** A msgpack payload {dt, uuid, obj} whose obj is the raw msgpack `obj`. */
function msgpackPayload(obj) {
  // fixmap of 3: "dt": "", "uuid": "", "obj": <obj>
  const head = Uint8Array.from([0x83, 0xa2, 0x64, 0x74, 0xa0, 0xa4, 0x75, 0x75, 0x69, 0x64, 0xa0, 0xa3, 0x6f, 0x62, 0x6a]);
  const payload = new Uint8Array(head.length + obj.length);
  payload.set(head);
  payload.set(obj, head.length);
  return payload;
}

/** A JSON payload whose obj is the text built by `obj`. */
function jsonPayload(obj) {
  return encoder.encode(`{"serializer": "json", "dt": "", "uuid": "", "obj": ${obj}}`);
}

/** A binary record: the nodb header for `serializer`, gzip flag set, then the gzipped payload. */
function gzipRecord(serializer, payload) {
  const compressed = gzipSync(payload, { level: 9 });
  const header = Uint8Array.from([0x89, 0x4e, 0x44, 0x42, 1, 1, serializer.length, ...encoder.encode(serializer)]);
  const record = new Uint8Array(header.length + compressed.length);
  record.set(header);
  record.set(compressed, header.length);
  return record;
}

const joinRepeated = (open, item, count, close) => open + `${item},`.repeat(count - 1) + item + close;

// Admitted cases sit just under the defaults: 500,000 values, 16 MiB inflated, 1 MiB per BigInt.
const CASES = {
  'msgpack: 499,990 empty arrays': () => gzipRecord('msgpack', msgpackPayload(msgpackArrayOf(499_990, [0x90]))),
  'msgpack: 499,990 empty maps': () => gzipRecord('msgpack', msgpackPayload(msgpackArrayOf(499_990, [0x80]))),
  'msgpack: 249,990 empty Sets': () => gzipRecord('msgpack', msgpackPayload(msgpackArrayOf(249_990, [0xd4, 0x02, 0x90]))),
  'msgpack: 124,990 empty Maps': () => gzipRecord('msgpack', msgpackPayload(msgpackArrayOf(124_990, [0xc7, 0x03, 0x01, 0x92, 0x90, 0x90]))),
  'msgpack: 15 BigInts of 1 MiB': () =>
    gzipRecord('msgpack', msgpackPayload(msgpackArray16(Array.from({ length: 15 }, () => msgpackBigInt(MiB))))),
  'msgpack: string of 16 MiB - 64 B': () => gzipRecord('msgpack', msgpackPayload(msgpackString(16 * MiB - 64))),
  // Each {} counts twice, for its "{" and its ",".
  'JSON: 249,990 empty objects': () => gzipRecord('json', jsonPayload(joinRepeated('[', '{}', 249_990, ']'))),
  'JSON: 249,990 empty arrays': () => gzipRecord('json', jsonPayload(joinRepeated('[', '[]', 249_990, ']'))),
  'JSON: object of 499,990 keys': () =>
    gzipRecord('json', jsonPayload('{' + Array.from({ length: 499_990 }, (_, i) => `"k${i}": 0`).join(', ') + '}')),
  'JSON: string of 16 MiB - 64 B': () => gzipRecord('json', jsonPayload(`"${'a'.repeat(16 * MiB - 64)}"`)),
  'rejected: msgpack 33 x 1,000,000 empty arrays': () =>
    gzipRecord('msgpack', msgpackPayload(msgpackArray16(Array.from({ length: 33 }, () => msgpackArrayOf(1_000_000, [0x90]))))),
  'rejected: JSON 11,000,000 empty objects': () => gzipRecord('json', jsonPayload(joinRepeated('[', '{}', 11_000_000, ']'))),
  'rejected: msgpack 16 x 1,000,000 empty arrays': () =>
    gzipRecord('msgpack', msgpackPayload(msgpackArray16(Array.from({ length: 16 }, () => msgpackArrayOf(1_000_000, [0x90]))))),
  'rejected: JSON 5,500,000 empty objects': () => gzipRecord('json', jsonPayload(joinRepeated('[', '{}', 5_500_000, ']'))),
  'rejected: msgpack BigInt of 15 MiB': () => gzipRecord('msgpack', msgpackPayload(msgpackBigInt(15 * MiB))),
};

if (process.argv[2] === '--child') await runChild(process.argv[3], process.argv[4]);
else await runParent();

async function runParent() {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const { build } = await import('esbuild');
  const directory = await mkdtemp(join(tmpdir(), 'nodb-hostile-'));
  try {
    const bundle = join(directory, 'nodb.mjs');
    await build({ entryPoints: [join(root, 'src/index.ts')], bundle: true, format: 'esm', platform: 'node', outfile: bundle, logLevel: 'error' });

    const rows = [];
    for (const name of Object.keys(CASES)) {
      const child = spawnSync(
        process.execPath,
        [`--max-old-space-size=${HEAP_LIMIT_MB}`, '--expose-gc', fileURLToPath(import.meta.url), '--child', name, bundle],
        { encoding: 'utf8', maxBuffer: 1024 * 1024 },
      );
      const line = child.stdout.trim().split('\n').at(-1) ?? '';
      rows.push(child.status === 0 && line.startsWith('{') ? JSON.parse(line) : { name, outcome: `process failed (exit ${child.status}, ${child.signal ?? 'no signal'})` });
    }
    printReport(rows);
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

/** Decodes one case and prints one JSON line of measurements. */
async function runChild(name, bundle) {
  const nodb = await import(pathToFileURL(bundle).href);
  const codec = new nodb.RecordCodec({});
  const record = CASES[name]();
  const stored = record.length;
  const inflated = gunzippedLength(record);

  // Warm up the lazy imports and the decoders on a small record, so that their code does not count.
  await codec.decode(gzipRecord('msgpack', msgpackPayload(Uint8Array.from([0x90]))), 'warm-up');
  await codec.decode(gzipRecord('json', jsonPayload('[]')), 'warm-up');

  globalThis.gc();
  globalThis.gc();
  const before = process.memoryUsage();
  const rssBefore = process.resourceUsage().maxRSS;
  const started = performance.now();
  let value;
  let outcome;
  try {
    value = await codec.decode(record, 'hostile');
    outcome = 'decoded';
  } catch (error) {
    outcome = `${error.name}: ${/over (limits\.\w+)/.exec(error.message)?.[1] ?? error.message.slice(0, 60)}`;
  }
  const milliseconds = performance.now() - started;
  const after = process.memoryUsage();
  const rssPeak = process.resourceUsage().maxRSS;
  globalThis.gc();
  const retained = process.memoryUsage();
  const mb = (bytes) => Math.round((bytes / 1e6) * 10) / 10;
  console.log(
    JSON.stringify({
      name,
      stored,
      inflated,
      outcome,
      milliseconds: Math.round(milliseconds),
      heapGrowthMb: mb(after.heapTotal - before.heapTotal),
      retainedMb: value === undefined ? undefined : mb(retained.heapUsed + retained.arrayBuffers - before.heapUsed - before.arrayBuffers),
      peakRssGrowthMb: mb((rssPeak - rssBefore) * 1024),
    }),
  );
}

function gunzippedLength(record) {
  const compressed = record.subarray(7 + record[6]);
  return new DataView(compressed.buffer, compressed.byteOffset + compressed.length - 4, 4).getUint32(0, true);
}

function printReport(rows) {
  console.log(`Node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB`);
  console.log(`Each case in a fresh process with --max-old-space-size=${HEAP_LIMIT_MB}, default limits.\n`);
  console.log('| case | bytes stored | bytes inflated | outcome | ms | heap growth MB | retained MB | peak RSS growth MB |');
  console.log('| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: |');
  for (const row of rows) {
    const number = (value) => (value === undefined ? '' : value.toLocaleString('en-US'));
    console.log(
      `| ${row.name} | ${number(row.stored)} | ${number(row.inflated)} | ${row.outcome} | ${number(row.milliseconds)} | ` +
        `${number(row.heapGrowthMb)} | ${number(row.retainedMb)} | ${number(row.peakRssGrowthMb)} |`,
    );
  }
}
