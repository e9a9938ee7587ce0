import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { table } from './bench-util';

/**
 * One summary of issue 18's table at the end of `npm run bench`: each bench script records its headline figures
 * here (a JSON line per row, in a file every script of one run shares), and `node summary.js` prints them as
 * "now vs aim". `--reset` empties the file at the start of a run, so the summary only shows figures of that run.
 */
const FILE = process.env.BENCH_SUMMARY_FILE ?? path.join(os.tmpdir(), 'stockbridge-bench-summary.jsonl');

/** The order of issue 18's table; rows a script did not record (not run) are shown as such. */
const ROWS: Array<[key: string, measure: string, aim: string]> = [
  ['answer-p99', 'stock answer, 20-offer order, 16 connections, sources in 100 ms: p99', '≤ 150 ms'],
  ['answer-dead-p99', 'the same with one source never answering (deadline 3000): p99', '≤ 3050 ms'],
  ['answer-cpu', 'hub CPU per question (20 offers, 2 sources answering)', '≤ 1 ms'],
  ['fanout-ratio', 'fan-out drain vs bare keep-alive PATCH loop, concurrency 8 (median)', '≥ 0.8'],
  ['intake-ratio', 'intake 250 offers × 2 warehouses at 32 connections vs express parse-only', '≥ 0.6'],
  ['intake-p99-8', 'intake p99 at 8 connections', '≤ 50 ms'],
  ['pg-intake-ratio', 'PostgreSQL (1 instance) intake vs SQLite, same run', '≥ 0.7'],
  ['pg-fanout-ratio', 'PostgreSQL (1 instance) fan-out drain vs SQLite, same run', '≥ 0.7'],
  ['catchup-2', 'catch-up of 1,000 stored callbacks, 2 targets', '≤ 1.0 s'],
  ['catchup-8', 'catch-up of 1,000 stored callbacks, 8 targets', '≤ 1.2 s'],
  ['amplification', 'write amplification after an outage (guard, not in the issue table)', '≤ 1.02'],
];

/** Record a row's figure: `now` as printed, `met` whether it meets its aim. */
export function record(key: string, now: string, met: boolean): void {
  fs.appendFileSync(FILE, JSON.stringify({ key, now, met }) + '\n');
}

function print(): void {
  const seen = new Map<string, { now: string; met: boolean }>();
  const text = fs.existsSync(FILE) ? fs.readFileSync(FILE, 'utf8') : '';
  for (const line of text.split('\n').filter(Boolean)) {
    const r = JSON.parse(line) as { key: string; now: string; met: boolean };
    seen.set(r.key, r);
  }
  console.log(
    `\nsummary (issue 18), load ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} at the end:`,
  );
  console.log(
    table(
      ROWS.map(([key, measure, aim]) => {
        const r = seen.get(key);
        return { measure, now: r?.now ?? '(not run)', aim, met: r ? (r.met ? 'yes' : 'NO') : '-' };
      }),
    ),
  );
}

if (require.main === module) {
  if (process.argv.includes('--reset')) {
    fs.rmSync(FILE, { force: true });
    console.log(
      `bench: load ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')} at the start (2 cores shared?)`,
    );
  } else print();
}
