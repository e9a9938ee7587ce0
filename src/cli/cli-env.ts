import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { ConfigError, loadConfig } from '../config/load-config';
import type { Config } from '../config/config-types';
import type { CrmClient } from '../integrations/retailcrm/crm-client';
import { crmClientFor } from '../integrations/retailcrm/crm-client-for';
import { createHttpClient } from '../integrations/http-client/http-client';

export interface CliIo {
  argv: string[];
  env: Readonly<Record<string, string | undefined>>;
  out: (line: string) => void;
  err: (line: string) => void;
  cwd?: string;
}

export function flag(argv: string[], name: string): boolean {
  return argv.includes(`--${name}`);
}

/** The config entry named by `--<kind> NAME`; otherwise print what is configured and return undefined (exit 2). */
export function pickNamed<T extends { name: string }>(
  io: CliIo,
  list: readonly T[],
  kind: 'source' | 'target',
  name: string | undefined,
): T | undefined {
  const found = list.find((x) => x.name === name);
  if (!found)
    io.err(
      `${name ? `no ${kind} named "${name}"` : `--${kind} NAME is required`}; ` +
        `configured ${kind}s: ${list.map((x) => x.name).join(', ') || '(none)'}`,
    );
  return found;
}

/** Load the config for a CLI command; on failure print every problem and return undefined (exit code 2). */
export function loadCliConfig(io: CliIo, configFile?: string): Config | undefined {
  const file = path.resolve(io.cwd ?? process.cwd(), configFile ?? io.env.STOCKBRIDGE_CONFIG ?? 'stockbridge.json');
  try {
    return loadConfig(file, io.env);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    io.err(`cannot use ${file}\n${e.describe()}`);
    return undefined;
  }
}

export function crmFor(config: Config, log: Logger): CrmClient {
  return crmClientFor(config, createHttpClient({ timeoutMs: config.crm.timeoutMs }), log);
}

export function readJsonFile(file: string): unknown {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/** Run a CLI main with the process's streams and exit code. Only cli/* files call this. */
export function runCli(main: (io: CliIo) => Promise<number>): void {
  main({ argv: process.argv.slice(2), env: process.env, out: (l) => console.log(l), err: (l) => console.error(l) })
    .then((code) => {
      process.exitCode = code;
    })
    .catch((e: Error) => {
      console.error(`failed: ${e.message}`);
      process.exitCode = 1;
    });
}
