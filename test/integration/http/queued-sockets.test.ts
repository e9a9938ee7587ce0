import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import { createHttpClient, HttpTransportError } from '../../../src/integrations/http-client/http-client';

/**
 * A real server that answers every request chunked (no Content-Length: what made node-fetch 2 on Node 20 fail a
 * request handed a socket from the agent's queue), once `release` is called: so all requests are in flight at once.
 */
async function chunkedServer() {
  const waiting: Array<() => void> = [];
  let held = true;
  let peak = 0;
  const open = new Set<import('node:net').Socket>();
  const server = http.createServer((req, res) => {
    peak = Math.max(peak, open.size);
    const answer = () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"path":');
      res.end(`${JSON.stringify(req.url)}}`);
    };
    if (req.url === '/gzip') {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      res.end(zlib.gzipSync('{"zipped":true}'));
    } else if (req.url === '/moved') {
      res.writeHead(302, { location: '/elsewhere?x=1' });
      res.end();
    } else if (req.url === '/cut') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"half":');
      setImmediate(() => res.socket?.destroy());
    } else if (held || req.url === '/hold') waiting.push(answer);
    else answer();
  });
  server.on('connection', (s) => {
    open.add(s);
    s.on('close', () => open.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    waiting,
    peak: () => peak,
    release() {
      held = false;
      for (const w of waiting.splice(0)) w();
    },
    close: () =>
      new Promise<void>((r) => {
        for (const s of open) s.destroy();
        server.close(() => r());
      }),
  };
}

describe('the HTTP client with more requests in flight than sockets', () => {
  let srv: Awaited<ReturnType<typeof chunkedServer>>;
  const client = createHttpClient({ maxSockets: 4 });
  beforeAll(async () => {
    srv = await chunkedServer();
  });
  afterAll(async () => {
    client.close();
    await srv.close();
  });

  it('queues them for a free socket: all 60 succeed, on at most 4 connections, each with its own answer', async () => {
    const paths = Array.from({ length: 60 }, (_, i) => `/item/${i}`);
    const pending = paths.map((p) => client.request({ method: 'GET', url: srv.url + p, timeoutMs: 20_000 }));
    // Every socket is busy with a held answer before any is released: the other 56 wait in the queue.
    while (srv.waiting.length < 4) await new Promise((r) => setImmediate(r));
    srv.release();
    const answers = await Promise.all(pending);
    expect(answers.map((a) => a.status)).toEqual(paths.map(() => 200));
    expect(answers.map((a) => JSON.parse(a.text) as unknown)).toEqual(paths.map((p) => ({ path: p })));
    expect(srv.peak()).toBeLessThanOrEqual(4);
  });

  it('a timeout while waiting for a socket fails that request alone, as a timeout', async () => {
    const slow = createHttpClient({ maxSockets: 1 });
    try {
      // The only socket is held by an answer that waits for `release`, so the second request cannot leave the queue.
      const first = slow.request({ method: 'GET', url: `${srv.url}/hold`, timeoutMs: 20_000 });
      while (srv.waiting.length < 1) await new Promise((r) => setImmediate(r));
      const queued = slow.request({ method: 'GET', url: `${srv.url}/queued`, timeoutMs: 20 });
      await expect(queued).rejects.toMatchObject({ name: 'HttpTransportError', kind: 'timeout' });
      srv.release();
      expect(JSON.parse((await first).text)).toEqual({ path: '/hold' });
      // The socket the timed-out request never got is still usable.
      expect((await slow.request({ method: 'GET', url: `${srv.url}/after` })).status).toBe(200);
    } finally {
      slow.close();
    }
  });

  it('decodes gzip answers, does not follow redirects (Location made absolute), reports a cut body as a connection failure', async () => {
    const zipped = await client.request({ method: 'GET', url: `${srv.url}/gzip` });
    expect(JSON.parse(zipped.text)).toEqual({ zipped: true });
    const moved = await client.request({ method: 'GET', url: `${srv.url}/moved` });
    expect(moved.status).toBe(302);
    expect(moved.headers.location).toBe(`${srv.url}/elsewhere?x=1`);
    const cut = client.request({ method: 'GET', url: `${srv.url}/cut` });
    await expect(cut).rejects.toBeInstanceOf(HttpTransportError);
    await expect(cut).rejects.toMatchObject({ kind: 'connection' });
  });
});
