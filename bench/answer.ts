import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { BENCH_CLIENT_ID, fmt, spawnServer, table } from './bench-util';
import { record } from './summary';

const SKUS = 2000;
const OFFERS = 20;
const LATENCY = 100;
const DEADLINE = Number(process.env.BENCH_DEADLINE_MS ?? 3000);
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = 16;

// 100 different orders of 20 offers each, taken in turn by every request, so concurrent questions rarely name the
// same offer (shared lookups would otherwise flatter the figures).
const bodies = Array.from({ length: SKUS / OFFERS }, (_, k) =>
  new URLSearchParams({
    clientId: BENCH_CLIENT_ID,
    order: JSON.stringify({
      id: 1000 + k,
      items: Array.from({ length: OFFERS }, (_, j) => ({ offer: { xmlId: `SKU-${k * OFFERS + j}` } })),
    }),
  }).toString(),
);

/** CPU seconds (user + system) the process has used so far, from /proc (Linux); NaN elsewhere. */
function cpuSeconds(pid: number): number {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return NaN;
  }
}

/** `secs` of load, or (`amount`) exactly that many questions. */
async function run(url: string, connections: number, secs: number, amount?: number) {
  let next = 0;
  const r = await autocannon({
    url,
    connections,
    ...(amount ? { amount } : { duration: secs }),
    timeout: 20,
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        setupRequest: (req) => ({ ...req, body: bodies[next++ % bodies.length] }),
      },
    ],
  });
  return {
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    total: r.requests.total,
    bad: r.errors + r.timeouts + r.non2xx,
  };
}

async function main() {
  console.log(
    `bench:answer — order questions of ${OFFERS} offers (items named), ${CONNECTIONS} connections, ${seconds} s per run; 2 SyncInventory sources answering in ${LATENCY} ms; deadline ${DEADLINE} ms; ${os.cpus().length} cores`,
  );
  const sources = spawn(process.execPath, [path.join(__dirname, 'answer-sources.js'), String(SKUS), String(LATENCY)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const [urlA, urlB] = await new Promise<string[]>((resolve) => {
    let out = '';
    sources.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /SOURCES (\S+) (\S+)/.exec(out);
      if (m) resolve([m[1], m[2]]);
    });
  });
  const hub = await spawnServer('answer-server.js', [urlA, urlB]);
  const url = `http://127.0.0.1:${hub.port}/callbacks/inventories-upload`;
  const rows: Array<Record<string, string | number>> = [];
  try {
    // Warm-up, not measured: every order asked once (then once more), so each offer has a last known figure for the
    // dead-source run and the measured runs see steady state (figures already recorded: no first-time writes).
    await run(url, 4, 0, 2 * bodies.length);
    for (const [name, before] of [
      ['both sources answer in 100 ms', () => undefined],
      ['erp-b never answers', () => sources.stdin.write('never b\n')],
    ] as Array<[string, () => void]>) {
      before();
      const cpu0 = cpuSeconds(hub.proc.pid!);
      const fakes0 = cpuSeconds(sources.pid!);
      const t0 = Date.now();
      const r = await run(url, CONNECTIONS, seconds);
      const cpu = cpuSeconds(hub.proc.pid!) - cpu0;
      // The fakes' own load, for context: a saturated fake process caps req/s whatever the hub does.
      const fakesBusy = (cpuSeconds(sources.pid!) - fakes0) / ((Date.now() - t0) / 1000);
      rows.push({
        run: name,
        'req/s': fmt(r.rps, 1),
        'p50 ms': r.p50,
        'p99 ms': r.p99,
        questions: r.total,
        'errors/non2xx': r.bad,
        'hub CPU ms/question': fmt((cpu * 1000) / Math.max(1, r.total), 2),
        'hub CPU %': fmt((100 * cpu) / seconds),
        'fakes CPU %': fmt(100 * fakesBusy),
      });
    }
  } finally {
    await hub.stop();
    sources.kill('SIGTERM');
  }
  console.log(table(rows));
  const [ok, dead] = rows;
  record('answer-p99', `${ok['p99 ms']} ms`, Number(ok['p99 ms']) <= LATENCY + 50);
  record('answer-dead-p99', `${dead['p99 ms']} ms`, Number(dead['p99 ms']) <= DEADLINE + 50);
  const cpu = `${ok['hub CPU ms/question']} ms (dead-source run: ${dead['hub CPU ms/question']})`;
  record('answer-cpu', cpu, Number(ok['hub CPU ms/question']) <= 1);
  console.log(
    `\naims: p99 ≤ ${LATENCY + 50} ms with answering sources (got ${rows[0]['p99 ms']}); p99 ≤ ${DEADLINE + 50} ms with a dead source (got ${rows[1]['p99 ms']}); hub CPU ≤ 1 ms per question (got ${rows[0]['hub CPU ms/question']} / ${rows[1]['hub CPU ms/question']})`,
  );
}

void main();
