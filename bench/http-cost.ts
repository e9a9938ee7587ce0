import { spawn } from 'node:child_process';
import http from 'node:http';
import os from 'node:os';
import fetch from 'node-fetch';
import { Pool } from 'undici';
import { createHttpClient } from '../src/integrations/http-client/http-client';
import { createHttpClient as createBaselineClient } from './baseline-node-http-client';

/**
 * CPU per outbound GET, in the same run: a bare node-fetch 2 keep-alive GET (what the client used before 0.2), the
 * hub's former client on node:http (bench/baseline-node-http-client.ts, kept here only as the baseline), the hub's
 * client (src/integrations/http-client, on undici), and a bare undici Pool.request + body.text() with the same socket
 * count. The answering server runs in a child process, so only the client's CPU is counted; the clients take turns
 * within each round, so a busy machine weighs on all of them alike. The load average is printed for that reason.
 * Usage: node dist-bench/bench/http-cost.js [requests] [concurrency] [rounds]
 */
const N = Number(process.argv[2] ?? 8000);
const CONC = Number(process.argv[3] ?? 32);
const ROUNDS = Number(process.argv[4] ?? 3);
const BODY = '[{"SkuCode":"SKU-1","Godowns":[{"Godown":"G","Godownid":"1","Stock":"3"}]}]';

if (process.argv[2] === 'server') {
  const s = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(BODY);
  });
  s.listen(0, '127.0.0.1', () => process.stdout.write(`PORT ${(s.address() as { port: number }).port}\n`));
} else void main();

async function measure(fn: () => Promise<unknown>) {
  let i = 0;
  const worker = async () => {
    while (i++ < N) await fn();
  };
  await Promise.all(Array.from({ length: CONC }, worker)); // warm-up, not counted
  i = 0;
  const c0 = process.cpuUsage();
  const t0 = Date.now();
  await Promise.all(Array.from({ length: CONC }, worker));
  const c = process.cpuUsage(c0);
  return `${((c.user + c.system) / N).toFixed(0)} µs CPU/GET, ${Math.round(N / ((Date.now() - t0) / 1000))} GET/s`;
}

async function main() {
  const child = spawn(process.execPath, [__filename, 'server'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve) =>
    child.stdout.once('data', (d: Buffer) => resolve(/PORT (\d+)/.exec(String(d))![1])),
  );
  const url = `http://127.0.0.1:${port}/admin/indexyii.php?r=api/SyncInventory&Skucode=SKU-1`;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const client = createHttpClient({ maxSockets: 64 });
  const baseline = createBaselineClient({ maxSockets: 64 });
  const viaFetch = async () => {
    const c = new AbortController();
    const t = setTimeout(() => c.abort(), 3000);
    const r = await fetch(url, { agent, signal: c.signal, headers: { Accept: 'application/json' } });
    await r.text();
    clearTimeout(t);
  };
  const pool = new Pool(`http://127.0.0.1:${port}`, { connections: 64 });
  const path = new URL(url).pathname + new URL(url).search;
  const viaUndici = async () => {
    const r = await pool.request({
      method: 'GET',
      path,
      headers: { accept: 'application/json' },
      headersTimeout: 3000,
    });
    await r.body.text();
  };
  const viaClient = () =>
    client.request({ method: 'GET', url, headers: { Accept: 'application/json' }, timeoutMs: 3000 });
  const viaBaseline = () =>
    baseline.request({ method: 'GET', url, headers: { Accept: 'application/json' }, timeoutMs: 3000 });
  console.log(`bench:http-cost — ${N} GETs at concurrency ${CONC}, server in a child process, ${ROUNDS} rounds`);
  const load = () =>
    os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ');
  for (let round = 1; round <= ROUNDS; round++) {
    console.log(`round ${round} (load average ${load()} on ${os.cpus().length} cores)`);
    console.log(`  node-fetch 2:              ${await measure(viaFetch)}`);
    console.log(`  former client (node:http): ${await measure(viaBaseline)}`);
    console.log(`  hub client (undici):       ${await measure(viaClient)}`);
    console.log(`  bare undici Pool:          ${await measure(viaUndici)}`);
  }
  agent.destroy();
  client.close();
  baseline.close();
  await pool.close();
  child.kill();
}
