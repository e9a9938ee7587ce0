import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: string;
  at: number;
}

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  raw?: string;
  delayMs?: number;
  destroy?: boolean;
}

export interface StartedServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** A real HTTP server on 127.0.0.1:0 whose handler answers from a parsed request. Closing drops open sockets. */
export async function startFakeServer(handle: (req: FakeRequest) => Reply | Promise<Reply>): Promise<StartedServer> {
  const sockets = new Set<import('node:net').Socket>();
  const server = http.createServer((req, res) => {
    // Stamp arrival when the headers are in, not after the body: rate checks measure when requests arrive.
    const arrivedAt = Date.now();
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => void answer());
    const answer = async () => {
      const u = new URL(req.url ?? '/', 'http://x');
      const fr: FakeRequest = {
        method: req.method ?? 'GET',
        path: u.pathname,
        query: u.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        at: arrivedAt,
      };
      let reply: Reply;
      try {
        reply = await handle(fr);
      } catch (e) {
        reply = { status: 500, body: { error: String(e) } };
      }
      const send = () => {
        if (reply.destroy) {
          req.socket.destroy();
          return;
        }
        const raw = reply.raw ?? (reply.body === undefined ? '' : JSON.stringify(reply.body));
        const headers = {
          'content-type': reply.raw !== undefined ? 'text/html; charset=utf-8' : 'application/json',
          ...reply.headers,
        };
        res.writeHead(reply.status, headers);
        res.end(raw);
      };
      if (reply.delayMs) setTimeout(send, reply.delayMs).unref();
      else send();
    };
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
