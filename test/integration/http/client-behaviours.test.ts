import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import zlib from 'node:zlib';
import { createHttpClient, HttpTransportError } from '../../../src/integrations/http-client/http-client';

/**
 * Every behaviour of the outbound client that callers rely on, against a real server: what reaches the wire, how
 * answers are read, and each failure's kind. The server records every request target as it arrived and counts the
 * connections it was opened, so "never sent" and "on the same socket" are facts, not timings.
 */
async function recordingServer(routes: Record<string, (req: http.IncomingMessage, res: http.ServerResponse) => void>) {
  const seen: Array<{ url: string; headers: http.IncomingHttpHeaders; body: string }> = [];
  const open = new Set<Socket>();
  let connections = 0;
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('latin1');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      seen.push({ url: req.url!, headers: req.headers, body });
      const route = routes[req.url!.split('?')[0]];
      if (route) return route(req, res);
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(`at ${req.url}`);
    });
  });
  server.on('connection', (s) => {
    connections++;
    open.add(s);
    s.on('close', () => open.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    urls: () => seen.map((s) => s.url),
    connections: () => connections,
    close: () =>
      new Promise<void>((r) => {
        for (const s of open) s.destroy();
        server.close(() => r());
      }),
  };
}

const untilTrue = async (cond: () => boolean) => {
  while (!cond()) await new Promise((r) => setImmediate(r));
};

/** A chunked answer (no Content-Length), written in two pieces, held until `release`. */
const heldChunked = (waiting: Array<() => void>) => (req: http.IncomingMessage, res: http.ServerResponse) =>
  waiting.push(() => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"path":');
    res.end(`${JSON.stringify(req.url)}}`);
  });

describe('the outbound HTTP client (undici): queueing, timeouts, holds, decoding, caps, wire format', () => {
  const waiting: Array<() => void> = [];
  const release = () => {
    for (const w of waiting.splice(0)) w();
  };
  const bomb = (zip: (b: Buffer) => Buffer) => zip(Buffer.alloc(4 * 1024 * 1024)); // 4 MiB of zeros, a few KB sent
  const coded = (coding: string, body: Buffer) => (_req: http.IncomingMessage, res: http.ServerResponse) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': coding });
    res.end(body);
  };
  let srv: Awaited<ReturnType<typeof recordingServer>>;
  let other: Awaited<ReturnType<typeof recordingServer>>;
  beforeAll(async () => {
    srv = await recordingServer({
      '/hold': heldChunked(waiting),
      '/silent': () => undefined,
      '/gzip': coded('gzip', zlib.gzipSync('{"coding":"gzip"}')),
      '/deflate': coded('deflate', zlib.deflateSync('{"coding":"deflate"}')),
      '/raw-deflate': coded('deflate', zlib.deflateRawSync('{"coding":"raw deflate"}')),
      '/br': coded('br', zlib.brotliCompressSync('{"coding":"br"}')),
      '/unknown': coded('zstd-ish', Buffer.from('as sent')),
      '/gzip-500': (_req, res) => {
        res.writeHead(500, { 'content-encoding': 'gzip' });
        res.end(zlib.gzipSync('upstream down'));
      },
      '/gzip-bomb': coded('gzip', bomb(zlib.gzipSync)),
      '/deflate-bomb': coded('deflate', bomb(zlib.deflateSync)),
      '/br-bomb': coded('br', bomb(zlib.brotliCompressSync)),
      '/big-chunked': (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain' });
        for (let i = 0; i < 8; i++) res.write(Buffer.alloc(256 * 1024, 0x20));
        res.end();
      },
      '/busy': (req, res) => {
        res.writeHead(429, { 'retry-after': new URL(req.url!, 'http://x').searchParams.get('after') ?? '' });
        res.end('slow down');
      },
      '/unavailable': (_req, res) => {
        res.writeHead(503, { 'retry-after': new Date(Date.now() + 120_000).toUTCString() });
        res.end();
      },
      '/moved': (_req, res) => {
        res.writeHead(307, { location: '../elsewhere?x=1' });
        res.end();
      },
      '/repeated': (_req, res) => {
        res.setHeader('x-multi', ['a', 'b']);
        res.setHeader('set-cookie', ['a=1', 'b=2']);
        res.setHeader('location', 'not-a-redirect');
        res.writeHead(200);
        res.end();
      },
      '/cut': (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"half":');
        setImmediate(() => res.socket?.destroy());
      },
    });
    other = await recordingServer({});
  });
  afterAll(async () => {
    await srv.close();
    await other.close();
  });
  afterEach(() => {
    release();
    srv.seen.length = 0;
  });

  describe('more requests than sockets', () => {
    it('a request queued behind the only socket runs on that same keep-alive socket, chunked answers both', async () => {
      const client = createHttpClient({ maxSockets: 1 });
      try {
        const before = srv.connections();
        const first = client.request({ method: 'GET', url: `${srv.url}/hold?n=1` });
        await untilTrue(() => waiting.length === 1);
        const queued = client.request({ method: 'GET', url: `${srv.url}/hold?n=2` });
        expect(srv.urls()).toEqual(['/hold?n=1']); // the second waits in the client's queue, not on the wire
        release();
        expect(JSON.parse((await first).text)).toEqual({ path: '/hold?n=1' });
        await untilTrue(() => waiting.length === 1);
        release();
        expect(JSON.parse((await queued).text)).toEqual({ path: '/hold?n=2' });
        expect(srv.connections() - before).toBe(1);
      } finally {
        client.close();
      }
    });

    it('a request that timed out in the queue is never sent; the client goes on', async () => {
      const client = createHttpClient({ maxSockets: 1 });
      try {
        const first = client.request({ method: 'GET', url: `${srv.url}/hold` });
        await untilTrue(() => waiting.length === 1);
        const queued = client.request({ method: 'PATCH', url: `${srv.url}/never`, body: '{}', timeoutMs: 20 });
        await expect(queued).rejects.toMatchObject({ kind: 'timeout', message: 'no answer within 20 ms' });
        release();
        await first;
        expect((await client.request({ method: 'GET', url: `${srv.url}/after` })).status).toBe(200);
        expect(srv.urls()).toEqual(['/hold', '/after']);
      } finally {
        client.close();
      }
    });
  });

  describe('failures and their kinds', () => {
    const client = createHttpClient({ maxBodyBytes: 1024 * 1024 });
    afterAll(() => client.close());

    it('no answer in time: a timeout', async () => {
      await expect(client.request({ method: 'GET', url: `${srv.url}/silent`, timeoutMs: 30 })).rejects.toMatchObject({
        name: 'HttpTransportError',
        kind: 'timeout',
      });
    });

    it('refused, cut off, unusable URL or protocol: connection failures, with the same reasons as before', async () => {
      const gone = await recordingServer({});
      const closedUrl = gone.url;
      await gone.close();
      await expect(client.request({ method: 'GET', url: `${closedUrl}/x` })).rejects.toMatchObject({
        kind: 'connection',
        message: 'connection failed (ECONNREFUSED)',
      });
      await expect(client.request({ method: 'GET', url: `${srv.url}/cut` })).rejects.toMatchObject({
        kind: 'connection',
        message: 'connection failed (ECONNRESET)',
      });
      await expect(client.request({ method: 'GET', url: 'not a url' })).rejects.toMatchObject({
        kind: 'connection',
        message: 'connection failed (ERR_INVALID_URL)',
      });
      await expect(client.request({ method: 'GET', url: 'ftp://127.0.0.1/x' })).rejects.toMatchObject({
        kind: 'connection',
        message: 'connection failed (TypeError)',
      });
    });

    it.each(['/gzip-bomb', '/deflate-bomb', '/br-bomb'])(
      '%s: a small coded answer that decodes past the cap is refused while decoding',
      async (path) => {
        await expect(client.request({ method: 'GET', url: srv.url + path })).rejects.toThrow(
          new HttpTransportError('connection', 'answer larger than 1048576 bytes; refused'),
        );
      },
    );

    it('a chunked answer past the cap as sent is refused', async () => {
      await expect(client.request({ method: 'GET', url: `${srv.url}/big-chunked` })).rejects.toThrow(
        /^answer larger than 1048576 bytes; refused$/,
      );
      expect((await client.request({ method: 'GET', url: `${srv.url}/ok` })).text).toBe('at /ok');
    });

    it('close() fails what is in flight as a transport failure instead of leaving it hanging', async () => {
      const closing = createHttpClient();
      const pending = closing.request({ method: 'GET', url: `${srv.url}/silent` });
      await untilTrue(() => srv.urls().includes('/silent'));
      closing.close();
      await expect(pending).rejects.toMatchObject({ name: 'HttpTransportError', kind: 'connection' });
    });
  });

  describe('Retry-After', () => {
    it('429 + Retry-After: the answer is returned, then nothing more is sent to that origin; other origins go on', async () => {
      const client = createHttpClient();
      try {
        const busy = await client.request({ method: 'GET', url: `${srv.url}/busy?after=120` });
        expect(busy.status).toBe(429);
        expect(busy.text).toBe('slow down');
        const next = client.request({ method: 'POST', url: `${srv.url}/write`, body: '{}' });
        await expect(next).rejects.toMatchObject({ name: 'HttpTransportError', kind: 'held' });
        const held = (await next.catch((e: unknown) => e)) as HttpTransportError;
        expect(held.retryAfterMs).toBeGreaterThan(110_000);
        expect(held.retryAfterMs).toBeLessThanOrEqual(120_000);
        expect(srv.urls()).toEqual(['/busy?after=120']);
        expect((await client.request({ method: 'GET', url: `${other.url}/fine` })).status).toBe(200);
      } finally {
        client.close();
      }
    });

    it('503 with an HTTP date holds too; 429 without Retry-After holds nothing', async () => {
      const client = createHttpClient();
      try {
        await client.request({ method: 'GET', url: `${srv.url}/busy` });
        expect((await client.request({ method: 'GET', url: `${srv.url}/next` })).status).toBe(200);
        await client.request({ method: 'GET', url: `${srv.url}/unavailable` });
        await expect(client.request({ method: 'GET', url: `${srv.url}/next` })).rejects.toMatchObject({
          kind: 'held',
        });
        expect(srv.urls()).toEqual(['/busy', '/next', '/unavailable']);
      } finally {
        client.close();
      }
    });
  });

  describe('answers', () => {
    const client = createHttpClient();
    afterAll(() => client.close());

    it.each([
      ['/gzip', { coding: 'gzip' }],
      ['/deflate', { coding: 'deflate' }],
      ['/raw-deflate', { coding: 'raw deflate' }],
      ['/br', { coding: 'br' }],
    ])('%s is decoded', async (path, body) => {
      expect(JSON.parse((await client.request({ method: 'GET', url: srv.url + path })).text)).toEqual(body);
    });

    it('error answers are decoded too; an unknown coding is returned as sent', async () => {
      const failed = await client.request({ method: 'GET', url: `${srv.url}/gzip-500` });
      expect([failed.status, failed.text]).toEqual([500, 'upstream down']);
      expect((await client.request({ method: 'GET', url: `${srv.url}/unknown` })).text).toBe('as sent');
    });

    it('redirects are not followed, their Location made absolute; repeated headers joined as node:http did', async () => {
      const redirect = await client.request({ method: 'GET', url: `${srv.url}/moved` });
      expect(redirect.status).toBe(307);
      expect(redirect.headers.location).toBe(`${srv.url}/elsewhere?x=1`);
      expect(srv.urls()).toEqual(['/moved']);
      const repeated = await client.request({ method: 'GET', url: `${srv.url}/repeated` });
      expect(repeated.headers).toMatchObject({
        'x-multi': 'a, b',
        'set-cookie': 'a=1, b=2',
        location: 'not-a-redirect',
      });
      expect(repeated.durationMs).toBeGreaterThanOrEqual(0);
    });
  });

  describe('the wire', () => {
    const client = createHttpClient();
    afterAll(() => client.close());

    it('defaults as node-fetch 2 sent them, the caller’s headers winning whatever their case', async () => {
      await client.request({ method: 'get', url: `${srv.url}/plain` });
      await client.request({
        method: 'POST',
        url: `${srv.url}/form`,
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json', 'X-API-KEY': 'k' },
        body: 'a=1&b=ș',
      });
      await client.request({ method: 'POST', url: `${srv.url}/empty` });
      await client.request({ method: 'PATCH', url: `${srv.url}/patch`, body: '{"x":1}' });
      const [plain, form, empty, patch] = srv.seen;
      expect(plain.headers).toMatchObject({
        accept: '*/*',
        'accept-encoding': 'gzip,deflate',
        'user-agent': 'Stockbridge/0.1 (+undici)',
        connection: 'keep-alive',
      });
      expect(plain.headers['content-length']).toBeUndefined();
      expect(form.headers).toMatchObject({
        accept: 'application/json',
        'x-api-key': 'k',
        'content-type': 'application/x-www-form-urlencoded',
        'content-length': String(Buffer.byteLength('a=1&b=ș')),
      });
      expect(Buffer.from(form.body, 'latin1').toString('utf8')).toBe('a=1&b=ș');
      expect(empty.headers['content-length']).toBe('0');
      expect(patch.headers).toMatchObject({ 'content-type': 'text/plain;charset=UTF-8', 'content-length': '7' });
    });

    it('the request target: WHATWG URL, then the legacy escapes', async () => {
      await client.request({ method: 'GET', url: `${srv.url}/a/{b}|c^d\`e'f?q=x y&z=\\` });
      expect(srv.urls()).toEqual(['/a/%7Bb%7D%7Cc%5Ed%60e%27f?q=x%20y&z=%5C']);
    });
  });
});
