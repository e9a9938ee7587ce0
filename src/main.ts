import type { Server } from 'node:http';
import path from 'node:path';
import { loadConfig, ConfigError } from './config/load-config';
import type { Logger } from 'pino';
import type { Config } from './config/config-types';
import { createHub, type Hub } from './compose/create-hub';
import { createServer } from './compose/create-server';
import { createLogger } from './log/create-logger';
import { prettyStream } from './log/pretty-stream';
import { START_USAGE } from './cli/start-usage';
import { packageVersion, parseCliArgs } from './cli/parse-cli-args';
import { openStorage } from './storage/open-storage';
import { readSecretKey } from './accounts/secret-box';
import { StoredAccountsError } from './compose/hub-connections';
import { holdStateLock, StateLockedError } from './compose/state-lock';

/** The config, or exit 2 after printing every problem in it. */
function loadStartConfig(configPath: string): Config {
  try {
    return loadConfig(configPath, process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`stockbridge: cannot start with ${configPath}\n${err.describe()}\n`);
      process.exit(2);
    }
    throw err;
  }
}

/** On a signal: refuse new requests, let those in flight finish, stop the hub; exit 1 if that overruns the drain. */
function gracefulShutdown(server: Server, hub: Hub, log: Logger, drainMs: number): (signal: string) => void {
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping: no new requests, finishing those in flight');
    server.close(() => {
      void hub.stop().then(() => {
        log.info('stopped cleanly');
        process.exit(0);
      });
    });
    server.closeIdleConnections();
    setTimeout(() => {
      log.error('requests did not finish in time; exiting');
      process.exit(1);
    }, drainMs + 5000).unref();
  };
  return shutdown;
}

/** Exit 1 with why when another hub already runs on this SQLite state file. */
let stateLock: ReturnType<typeof holdStateLock> | undefined; // referenced for the process lifetime (never collected)
function holdSqliteLock(statePath: string): void {
  try {
    stateLock = holdStateLock(statePath);
    process.on('exit', () => stateLock?.release());
  } catch (err) {
    if (!(err instanceof StateLockedError)) throw err;
    process.stderr.write(`stockbridge: cannot start: ${err.message}\n`);
    process.exit(1);
  }
}

/** The real service: config from stockbridge.json (or STOCKBRIDGE_CONFIG), secrets from the environment. */
async function main(): Promise<void> {
  const args = parseCliArgs(
    {
      argv: process.argv.slice(2),
      env: process.env,
      out: (l) => process.stdout.write(`${l}\n`),
      err: (l) => process.stderr.write(`${l}\n`),
    },
    START_USAGE,
  );
  if (!args.ok) process.exit(args.code);
  const configPath = path.resolve(
    (args.values.config as string | undefined) ?? process.env.STOCKBRIDGE_CONFIG ?? 'stockbridge.json',
  );
  const config = loadStartConfig(configPath);
  const key = readSecretKey(process.env);
  if ('error' in key) {
    process.stderr.write(`stockbridge: cannot start: ${key.error}\n`);
    process.exit(2);
  }
  const log = createLogger({ level: config.log.level, destination: args.values.pretty ? prettyStream() : undefined });
  // SQLite: one hub per state file (an OS lock, released when this process ends, however it ends), taken before
  // anything opens or migrates the file.
  if (config.storage.driver === 'sqlite') holdSqliteLock(config.storage.path);
  // Opened (and migrated) before the hub: the driver decides where projection runs and who owns what.
  const hub = createHub({
    config,
    log,
    storage: await openStorage(config, log, { role: 'service' }),
    secretBox: key.box,
    env: process.env,
  });
  try {
    await hub.start();
  } catch (err) {
    if (!(err instanceof StoredAccountsError)) throw err;
    process.stderr.write(`stockbridge: cannot start: ${err.message}\n`);
    await hub.stop().catch(() => undefined);
    process.exit(2);
  }
  const server: Server = createServer(hub.app, config.server).listen(config.server.port, config.server.host);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const addr = server.address();
  log.info(
    {
      version: packageVersion(),
      config: configPath,
      port: typeof addr === 'object' && addr ? addr.port : config.server.port,
      accounts: hub.accounts.list().length,
      targets: hub.accounts.allTargets().map((t) => t.name),
    },
    'stockbridge listening',
  );

  const shutdown = gracefulShutdown(server, hub, log, config.worker.drainMs);
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err: Error) => {
  process.stderr.write(`stockbridge: failed to start: ${err.message}\n`);
  process.exit(1);
});
