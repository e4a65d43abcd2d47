/**
 * Serves a fetch handler (`(request) => Promise<Response>`, such as the one
 * createSigner returns) from Node's http server, for tests and for the dev
 * stack's Vite middleware. Node 20 has no built-in server for such handlers.
 */
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export type FetchHandler = (request: Request) => Promise<Response>;

/** Largest request body passed on, in bytes; the signer itself accepts far less. */
const MAX_BODY_BYTES = 1024 * 1024;

export interface ServedHandler {
  /** Such as `http://127.0.0.1:40123`. */
  origin: string;
  stop(): Promise<void>;
}

/** Starts an http server on 127.0.0.1 with a free port that passes every request to `handler`. */
export async function serveFetch(handler: FetchHandler): Promise<ServedHandler> {
  const server = createServer((req, res) => {
    void respond(handler, req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;

  return {
    origin: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/**
 * Returns a Connect middleware, as Vite's dev and preview servers take, that
 * passes requests for `path` to `handler` and all others to `next`.
 */
export function fetchMiddleware(path: string, handler: FetchHandler) {
  return (req: IncomingMessage, res: ServerResponse, next: () => void) => {
    if ((req.url ?? '').split('?')[0] !== path) {
      next();
      return;
    }
    void respond(handler, req, res);
  };
}

async function respond(handler: FetchHandler, req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    const request = await toRequest(req);
    if (request === undefined) {
      res.writeHead(413, { 'content-type': 'text/plain' }).end(`The request body is larger than ${MAX_BODY_BYTES} bytes.`);
      return;
    }
    const response = await handler(request);
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  } catch (error) {
    res.writeHead(500, { 'content-type': 'text/plain' }).end(`The handler failed: ${error instanceof Error ? error.message : error}`);
  }
}

/** Converts a Node request to a fetch Request; undefined when its body is too large. */
async function toRequest(req: IncomingMessage): Promise<Request | undefined> {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) for (const each of value) headers.append(name, each);
    else if (value !== undefined) headers.set(name, value);
  }

  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk);
  }

  const method = req.method ?? 'GET';
  const body = method === 'GET' || method === 'HEAD' ? undefined : Buffer.concat(chunks);
  return new Request(`http://${req.headers.host ?? '127.0.0.1'}${req.url ?? '/'}`, { method, headers, body });
}
