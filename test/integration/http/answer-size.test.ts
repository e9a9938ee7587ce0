import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import { createHttpClient } from '../../../src/integrations/http-client/http-client';

/** A peer that answers too much: plainly, or as a small gzip body that inflates far past the cap. */
describe('the HTTP client refuses answers larger than its cap, and stays up', () => {
  const bomb = zlib.gzipSync(Buffer.alloc(8 * 1024 * 1024)); // 8 MiB of zeros in about 8 KB
  let server: http.Server;
  let url: string;
  const client = createHttpClient({ maxBodyBytes: 1024 * 1024 });

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      if (req.url === '/bomb') {
        res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
        res.end(bomb);
      } else if (req.url === '/big') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(Buffer.alloc(2 * 1024 * 1024, 0x20));
      } else {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"ok":true}');
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    client.close();
    await new Promise((r) => server.close(r));
  });

  it('a small gzip answer that inflates past the cap is refused, not decoded', async () => {
    expect(bomb.length).toBeLessThan(64 * 1024);
    await expect(client.request({ method: 'GET', url: `${url}/bomb` })).rejects.toThrow(
      /^answer larger than 1048576 bytes; refused$/,
    );
  });

  it('a plain answer past the cap is cut off and refused', async () => {
    await expect(client.request({ method: 'GET', url: `${url}/big` })).rejects.toThrow(/^answer larger than 1048576/);
  });

  it('the client keeps working afterwards', async () => {
    const res = await client.request({ method: 'GET', url: `${url}/small` });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toEqual({ ok: true });
  });
});
