/**
 * A fault-injecting HTTP proxy for tests: it sits between a client and a real
 * S3 server on 127.0.0.1 and, for a seeded share of requests, fails them the
 * way networks and busy servers do. Every fault is bounded in time, and the
 * proxy only ever connects to the target it was given.
 */
import { Agent, type IncomingMessage, type Server, type ServerResponse, createServer, request as httpRequest } from 'node:http';
import type { Socket } from 'node:net';
import { seededRandom } from './random.js';

export { seededRandom };

export type Fault =
  /** 500 InternalError without touching the server. */
  | 'error-500'
  /** 503 SlowDown with Retry-After, without touching the server. */
  | 'slow-down'
  /** Connection reset before anything reaches the server. */
  | 'reset'
  /** The response is held back for `delayMs`, past the client's attempt timeout. */
  | 'delay'
  /** The request reaches the server and is applied, then the connection is reset. */
  | 'drop-response';

export interface FaultProxyOptions {
  /** Target server, such as `http://127.0.0.1:4568`. Must be on 127.0.0.1. */
  target: string;
  /** Share of requests that get a fault, from 0 to 1. */
  rate: number;
  /** Seed of the pseudo-random choice of requests and faults. */
  seed: number;
  /** Faults to choose from. @default every fault */
  faults?: Fault[];
  /** Delay of the 'delay' fault. @default 1000 */
  delayMs?: number;
}

export interface FaultProxy {
  endpoint: string;
  /** Faults injected so far, by kind. */
  counts: Record<Fault, number>;
  /** Requests received from clients. */
  received: number;
  /** Requests forwarded to the server, faults of kind 'drop-response' included. */
  forwarded: number;
  /** Changes the fault rate, for example to 0 while checking results. */
  setRate(rate: number): void;
  /** Client connections open now. */
  openConnections(): number;
  stop(): Promise<void>;
}

const ALL_FAULTS: Fault[] = ['error-500', 'slow-down', 'reset', 'delay', 'drop-response'];

export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const target = new URL(options.target);
  if (target.hostname !== '127.0.0.1') throw new Error(`The fault proxy only forwards to 127.0.0.1, not ${target.hostname}.`);

  const faults = options.faults ?? ALL_FAULTS;
  const delayMs = options.delayMs ?? 1000;
  const random = seededRandom(options.seed);
  let rate = options.rate;
  const sockets = new Set<Socket>();
  // No keep-alive upstream: idle connections would keep the target server from closing.
  const agent = new Agent({ keepAlive: false });
  const timers = new Set<ReturnType<typeof setTimeout>>();

  const state: FaultProxy = {
    endpoint: '',
    counts: { 'error-500': 0, 'slow-down': 0, reset: 0, delay: 0, 'drop-response': 0 },
    received: 0,
    forwarded: 0,
    setRate: (next) => {
      rate = next;
    },
    openConnections: () => sockets.size,
    stop: async () => {
      for (const timer of timers) clearTimeout(timer);
      for (const socket of sockets) socket.destroy();
      agent.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };

  const forward = (incoming: IncomingMessage, outgoing: ServerResponse, onResponse?: () => void) => {
    state.forwarded++;
    const upstream = httpRequest(
      { host: '127.0.0.1', port: target.port, method: incoming.method, path: incoming.url, headers: incoming.headers, agent },
      (response) => {
        if (onResponse) {
          // The server has responded, so the request was applied. Drop the response.
          response.resume();
          response.on('end', onResponse);
          return;
        }
        outgoing.writeHead(response.statusCode ?? 502, response.headers);
        response.pipe(outgoing);
      },
    );
    upstream.on('error', () => outgoing.destroy());
    incoming.pipe(upstream);
  };

  const server: Server = createServer((incoming, outgoing) => {
    state.received++;
    const fault = random() < rate ? faults[Math.floor(random() * faults.length)]! : undefined;
    if (fault) state.counts[fault]++;

    switch (fault) {
      case 'error-500':
        incoming.resume();
        outgoing.writeHead(500, { 'content-type': 'application/xml' });
        outgoing.end('<Error><Code>InternalError</Code><Message>injected</Message></Error>');
        return;
      case 'slow-down':
        incoming.resume();
        outgoing.writeHead(503, { 'content-type': 'application/xml', 'retry-after': '0' });
        outgoing.end('<Error><Code>SlowDown</Code><Message>injected</Message></Error>');
        return;
      case 'reset':
        incoming.socket.destroy();
        return;
      case 'delay': {
        const timer = setTimeout(() => {
          timers.delete(timer);
          forward(incoming, outgoing);
        }, delayMs);
        timers.add(timer);
        return;
      }
      case 'drop-response':
        forward(incoming, outgoing, () => incoming.socket.destroy());
        return;
      default:
        forward(incoming, outgoing);
    }
  });

  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.endpoint = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return state;
}
