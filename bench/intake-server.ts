import path from 'node:path';
import fs from 'node:fs';
import os from 'node:os';
import express from 'express';
import { createHub } from '../src/compose/create-hub';
import { openSqliteStorage } from '../src/storage/open-storage';
import { createLogger } from '../src/log/create-logger';
import { intakeBenchConfig } from './bench-fixtures';

/** `hub`: the real app with 2 targets (delivery held, so only intake is measured); `baseline`: parse and answer. */
async function main() {
  const mode = process.argv[2];
  let listen: (cb: (port: number) => void) => void;
  if (mode === 'baseline') {
    const app = express();
    app.post('/callbacks/inventories-upload', express.urlencoded({ extended: false, limit: '2mb' }), (req, res) => {
      JSON.parse((req.body as { offers: string }).offers);
      res.json({ success: true });
    });
    listen = (cb) => {
      const s = app.listen(0, '127.0.0.1', () => cb((s.address() as { port: number }).port));
    };
  } else {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-bench-'));
    process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
    const config = intakeBenchConfig(
      { path: path.join(dir, 'bench.db'), synchronous: process.argv[3] ?? 'full' },
      !!process.env.BENCH_NO_TARGETS,
    );
    // BENCH_THREAD=0: in-process projector, for comparison
    const storage = openSqliteStorage(config, { projectorThread: process.env.BENCH_THREAD !== '0' });
    const hub = createHub({ config, log: createLogger({ level: 'silent' }), storage });
    await hub.activity.set({ active: false, freeze: false });
    await hub.start();
    listen = (cb) => {
      const s = hub.app.listen(0, '127.0.0.1', () => cb((s.address() as { port: number }).port));
    };
  }
  listen((port) => process.stdout.write(`PORT ${port}\n`));
  process.on('SIGTERM', () => process.exit(0));
  process.on('SIGINT', () => process.exit(0));
}

void main();
