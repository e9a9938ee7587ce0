import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import autocannon from 'autocannon';

export interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

/** Start a bench server script (compiled) in its own process; it prints "PORT <n>" when listening. */
export async function spawnServer(
  script: string,
  args: string[] = [],
): Promise<{ port: number; proc: ChildProcess; stop(): Promise<void> }> {
  // BENCH_HUB_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"): node flags for the server process alone.
  const nodeArgs = process.env.BENCH_HUB_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const proc = spawn(process.execPath, [...nodeArgs, path.join(__dirname, script), ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    proc.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = out.match(/PORT (\d+)/);
      if (m) resolve(Number(m[1]));
    });
    proc.on('exit', (c) => reject(new Error(`${script} exited with ${c}`)));
  });
  return {
    port,
    proc,
    stop: () =>
      new Promise((r) => {
        proc.once('exit', () => r());
        proc.kill('SIGTERM');
      }),
  };
}

/** POST load; with several bodies, each connection cycles through them (so consecutive callbacks differ). */
export async function load(
  url: string,
  body: string | string[],
  contentType: string,
  connections: number,
  seconds: number,
): Promise<LoadResult> {
  const bodies = Array.isArray(body) ? body : [body];
  const r = await autocannon({
    url,
    connections,
    duration: seconds,
    headers: { 'content-type': contentType },
    requests: bodies.map((b) => ({ method: 'POST', body: b, headers: { 'content-type': contentType } })),
  });
  return {
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors: r.errors + r.timeouts,
    non2xx: r.non2xx,
  };
}

export function table(rows: Array<Record<string, string | number>>): string {
  const cols = Object.keys(rows[0]);
  const w = cols.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c]).length)));
  const line = (vals: string[]) => vals.map((v, i) => v.padEnd(w[i])).join('  ');
  return [line(cols), line(w.map((n) => '-'.repeat(n))), ...rows.map((r) => line(cols.map((c) => String(r[c]))))].join(
    '\n',
  );
}

export const BENCH_CLIENT_ID = 'bench-client-id';

export const fmt = (n: number, d = 0) => n.toFixed(d);
