#!/usr/bin/env node
/**
 * Codec benchmark: bytes stored and encode/decode time per record for json,
 * msgpack, json+gzip and msgpack+gzip, on the 329 real GitHub webhook
 * payloads of @octokit/webhooks-examples (every `examples` entry of
 * api.github.com/index.json).
 *
 * It bundles src/ with esbuild into a temporary file first, so it measures
 * the current source without a build step. Timings go through RecordCodec,
 * the code that NoDB's save() and load() call, without a store: each round
 * encodes (or decodes) all 329 records one after another, and the table shows
 * the median round divided by 329.
 *
 * Usage: node bench/codecs.mjs [--rounds N]   (default 30 rounds)
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const roundsArgument = process.argv.indexOf('--rounds');
const ROUNDS = roundsArgument > 0 ? Number(process.argv[roundsArgument + 1]) : 30;
const WARMUP_ROUNDS = 5;

const CONFIGS = [
  { name: 'json', options: { serializer: 'json', compression: false } },
  { name: 'msgpack', options: { serializer: 'msgpack', compression: false } },
  { name: 'json+gzip', options: { serializer: 'json', compression: { threshold: 1024 } } },
  { name: 'msgpack+gzip', options: { serializer: 'msgpack', compression: { threshold: 1024 } } },
];

const nodb = await loadSource();
const payloads = loadPayloads();
const envelopes = payloads.map((obj, i) => ({
  serializer: 'json',
  dt: nodb.formatPythonUtc(new Date(Date.UTC(2026, 0, 1, 0, 0, i))),
  uuid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
  obj,
}));

const rows = [];
for (const config of CONFIGS) rows.push(await measure(config));
rows.push(measureNativeJson());

printReport(rows);

/** Bundles src/index.ts to a temporary module and imports it. */
async function loadSource() {
  const directory = await mkdtemp(join(tmpdir(), 'nodb-bench-'));
  try {
    const outfile = join(directory, 'nodb.mjs');
    await build({
      entryPoints: [join(root, 'src/index.ts')],
      bundle: true,
      format: 'esm',
      platform: 'node',
      outfile,
      logLevel: 'silent',
      // Resolve @msgpack/msgpack and fflate from this repository.
      nodePaths: [join(root, 'node_modules')],
    });
    return await import(pathToFileURL(outfile).href);
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

function loadPayloads() {
  const require = createRequire(import.meta.url);
  const path = require.resolve('@octokit/webhooks-examples/api.github.com/index.json');
  const events = JSON.parse(readFileSync(path, 'utf8'));
  const examples = events.flatMap((event) => event.examples);
  if (examples.length !== 329) throw new Error(`Expected 329 webhook examples, found ${examples.length}.`);
  return examples;
}

async function measure({ name, options }) {
  const codec = new nodb.RecordCodec(options);
  const encoded = [];
  for (const envelope of envelopes) encoded.push((await codec.encode(envelope)).body);

  // Check the round trip once, so a broken codec cannot report a fast time.
  for (let i = 0; i < encoded.length; i++) {
    const decoded = await codec.decode(encoded[i], `k${i}`);
    if (JSON.stringify(decoded.obj) !== JSON.stringify(payloads[i])) throw new Error(`${name}: record ${i} did not round-trip`);
  }

  const encodeMicros = await medianRound(async () => {
    for (const envelope of envelopes) await codec.encode(envelope);
  });
  const decodeMicros = await medianRound(async () => {
    for (let i = 0; i < encoded.length; i++) await codec.decode(encoded[i], `k${i}`);
  });

  const sizes = encoded.map((body) => body.length);
  const compressed = encoded.filter((body) => body[0] === 0x89 && (body[5] & 1) === 1).length;
  return { name, sizes, compressed, encodeMicros, decodeMicros };
}

/** JSON.stringify and JSON.parse of the same envelopes, as a reference point; not a nodb format. */
function measureNativeJson() {
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  const encoded = envelopes.map((envelope) => encoder.encode(JSON.stringify(envelope)));
  const encodeMicros = medianRoundSync(() => {
    for (const envelope of envelopes) encoder.encode(JSON.stringify(envelope));
  });
  const decodeMicros = medianRoundSync(() => {
    for (const body of encoded) JSON.parse(decoder.decode(body));
  });
  return { name: 'reference: JSON.stringify/parse', sizes: encoded.map((body) => body.length), compressed: 0, encodeMicros, decodeMicros };
}

/** Median over ROUNDS of one round's time, in microseconds per record. */
async function medianRound(round) {
  for (let i = 0; i < WARMUP_ROUNDS; i++) await round();
  const times = [];
  for (let i = 0; i < ROUNDS; i++) {
    const started = performance.now();
    await round();
    times.push(performance.now() - started);
  }
  return (median(times) * 1000) / envelopes.length;
}

function medianRoundSync(round) {
  for (let i = 0; i < WARMUP_ROUNDS; i++) round();
  const times = [];
  for (let i = 0; i < ROUNDS; i++) {
    const started = performance.now();
    round();
    times.push(performance.now() - started);
  }
  return (median(times) * 1000) / envelopes.length;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function printReport(results) {
  const cpuModel = /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpus()[0]?.model ?? 'unknown';
  const jsonTotal = results[0].sizes.reduce((sum, size) => sum + size, 0);

  const lines = [
    `Machine: ${cpuModel}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB memory, Node ${process.version}`,
    `Records: ${envelopes.length} webhook payloads; ${ROUNDS} rounds after ${WARMUP_ROUNDS} warm-up rounds; times are the median round per record.`,
    '',
    '| format | bytes stored (total) | vs json | mean bytes/record | median bytes/record | records gzipped | encode µs/record | decode µs/record |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const { name, sizes, compressed, encodeMicros, decodeMicros } of results) {
    const total = sizes.reduce((sum, size) => sum + size, 0);
    lines.push(
      `| ${name} | ${total.toLocaleString('en-US')} | ${((100 * total) / jsonTotal).toFixed(1)}% | ` +
        `${Math.round(total / sizes.length).toLocaleString('en-US')} | ${median(sizes).toLocaleString('en-US')} | ` +
        `${compressed} | ${encodeMicros.toFixed(1)} | ${decodeMicros.toFixed(1)} |`,
    );
  }
  process.stdout.write(lines.join('\n') + '\n');
}
