import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Server } from 'node:http';
import type { Logger } from 'pino';
import type { Config } from '../config/config-types';
import { createHub, type Hub } from '../compose/create-hub';
import { createLogger } from '../log/create-logger';
import { flag, type CliIo } from '../cli/cli-env';
import { DEMO, demoConfig, startDemoFakes, until, type DemoFakes } from './demo-fakes';
import { DEMO_STEPS, type DemoContext } from './demo-steps';
import { redactUrl } from '../storage/postgres/redact-url';
import { startDemoInstance, startDemoPostgres, type DemoInstance } from './demo-postgres';

type DemoPostgres = Awaited<ReturnType<typeof startDemoPostgres>>;

/** The hub the demo talks to: one on SQLite, or two instances on PostgreSQL (the first one is `hub`). */
interface DemoHub {
  hub: Hub;
  instances: DemoInstance[];
  server: Server;
  base: string;
}

async function startDemoHub(config: Config, log: Logger, pg: DemoPostgres | null, port: number): Promise<DemoHub> {
  const instances: DemoInstance[] = [];
  if (pg) for (let i = 0; i < 2; i++) instances.push(await startDemoInstance(config, log));
  const hub: Hub = instances[0]?.hub ?? createHub({ config, log });
  if (!pg) await hub.start();
  const server: Server = pg ? hub.app.listen(0, '127.0.0.1') : hub.app.listen(config.server.port, '127.0.0.1');
  await new Promise<void>((r) => server.once('listening', () => r()));
  const addr = server.address();
  const base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : port}`;
  return { hub, instances, server, base };
}

function banner(d: DemoHub, fakes: DemoFakes, config: Config, pg: DemoPostgres | null): string {
  const storage = pg
    ? `${redactUrl(pg.url)} (embedded PostgreSQL), instances ${d.instances.map((i) => i.base).join(' and ')}`
    : config.storage.path;
  return (
    `Stockbridge demo\n  hub:            ${d.base}\n  storage:        ${storage}\n` +
    `  fake RetailCRM: ${fakes.crm.url}\n` +
    `  fake shops:     ro-shop ${fakes.ro.url} (multi-warehouse), bg-shop ${fakes.bg.url} (single warehouse)\n`
  );
}

/** Runs every step in order, printing each with its number and outcome; returns how many failed. */
async function runSteps(io: CliIo, c: DemoContext): Promise<number> {
  let failed = 0;
  let n = 0;
  for (const { title, run } of DEMO_STEPS) {
    n++;
    io.out(`${n}. ${title}`);
    try {
      io.out(`   ✔ ${(await run(c)).split('\n').join('\n     ')}`);
    } catch (e) {
      failed++;
      io.out(`   ✘ ${(e as Error).message}`);
    }
  }
  return failed;
}

function demoContext(d: DemoHub, fakes: DemoFakes, config: Config, log: Logger): DemoContext {
  const { hub, instances, base } = d;
  let sent = 0;
  const callback = async (offers: unknown[]) => {
    const to = instances.length > 0 ? instances[sent++ % instances.length].base : base;
    const res = await fetch(`${to}/callbacks/inventories-upload`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ clientId: DEMO.clientId, offers: JSON.stringify(offers) }).toString(),
    });
    const body = await res.text();
    if (res.status !== 200) throw new Error(`HTTP ${res.status} ${body}`);
    return `HTTP ${res.status} ${body}`;
  };
  const delivered = () =>
    until(
      async () =>
        (await hub.admin.unprojectedCallbacks()) === 0 && (await hub.admin.listTargets()).every((t) => t.backlog === 0),
    );
  return { ...fakes, config, log, hub, base, callback, delivered };
}

/**
 * `npm run demo [-- --once]`: the hub on a SQLite file in a temp folder with local fakes of RetailCRM and two
 * MerchantPro shops and a SyncInventory ERP; plays register → activity → callbacks → fan-out → outage and
 * recovery → a shipment → the CRM asking for an order's stock, printing each step.
 */
export async function demoCommand(io: CliIo): Promise<number> {
  const once = flag(io.argv, 'once');
  // --postgres: an embedded PostgreSQL and two hub instances on it; callbacks alternate between them.
  const pg = flag(io.argv, 'postgres') ? await startDemoPostgres() : null;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stockbridge-demo-'));
  const fakes = await startDemoFakes();
  const port = Number(io.env.PORT ?? 0);
  const config = demoConfig(fakes, port, dir, pg?.url);
  const log = createLogger({ level: io.env.LOG_LEVEL ?? 'silent' });
  const d = await startDemoHub(config, log, pg, port);

  io.out(banner(d, fakes, config, pg));
  const failed = await runSteps(io, demoContext(d, fakes, config, log));
  io.out(`\n${failed === 0 ? 'All steps succeeded.' : `${failed} step(s) failed.`}`);
  const shutdown = async () => {
    await new Promise<void>((r) => {
      d.server.close(() => r());
      d.server.closeAllConnections();
    });
    if (pg) for (const i of d.instances) await i.stop();
    else await d.hub.stop();
    await pg?.stop();
    await fakes.close();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  if (!once) {
    io.out(
      `\nStill serving at ${d.base} (admin token: ${DEMO.admin}; ` +
        `try: curl -H 'Authorization: Bearer ${DEMO.admin}' ${d.base}/admin/targets). Ctrl-C to stop.`,
    );
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
  }
  await shutdown();
  return failed === 0 ? 0 : 1;
}
