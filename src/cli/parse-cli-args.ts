import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { didYouMean } from '../config/did-you-mean';
import { projectFile } from '../config/project-file';
import type { CliIo } from './cli-env';

export interface CliOption {
  type: 'string' | 'boolean';
  /** One line of the usage text. */
  help: string;
  /** The value's name in the usage text, for string options (FILE, NAME). */
  arg?: string;
}

export interface CommandSpec {
  /** How the command is run, e.g. `npm run register -- [options]`. */
  usage: string;
  /** What it does, one or two lines. */
  summary: string;
  options: Record<string, CliOption>;
}

export type ArgValues = Record<string, string | boolean | undefined>;
export type ParsedCli = { ok: true; values: ArgValues } | { ok: false; code: number };

const COMMON: Record<string, CliOption> = {
  help: { type: 'boolean', help: 'print this help and exit' },
  version: { type: 'boolean', help: 'print the version and exit' },
};

export const CONFIG_OPTION: CliOption = {
  type: 'string',
  arg: 'FILE',
  help: 'the config file (default: $STOCKBRIDGE_CONFIG, else stockbridge.json in the working directory)',
};

export function packageVersion(): string {
  return (JSON.parse(fs.readFileSync(projectFile('package.json'), 'utf8')) as { version: string }).version;
}

export function usageText(spec: CommandSpec): string {
  const all = { ...spec.options, ...COMMON };
  const left = (name: string, o: CliOption) => `--${name}${o.arg ? ` ${o.arg}` : ''}`;
  const width = Math.max(...Object.entries(all).map(([n, o]) => left(n, o).length)) + 2;
  return [
    `usage: ${spec.usage}`,
    spec.summary,
    '',
    'options:',
    ...Object.entries(all).map(([n, o]) => `  ${left(n, o).padEnd(width)}${o.help}`),
  ].join('\n');
}

/**
 * npm keeps flags given without `--` (`npm run register --dry-run`) for itself and passes them on only as
 * `npm_config_<flag>` variables: the command would then run as if the flag were absent. Find those, so the
 * command can refuse instead of, say, sending a real registration.
 */
export function swallowedByNpm(env: CliIo['env'], spec: CommandSpec): string[] {
  if (!env.npm_lifecycle_event) return [];
  const names = Object.keys({ ...spec.options, ...COMMON });
  return Object.entries(env)
    .filter(([k, v]) => k.startsWith('npm_config_') && v !== undefined && v !== '' && v !== 'false')
    .map(([k]) => k.slice('npm_config_'.length).replace(/_/g, '-'))
    .filter((flag) => names.includes(flag) || didYouMean(flag, names) !== undefined);
}

function refuse(io: CliIo, spec: CommandSpec, message: string): ParsedCli {
  io.err(`${message}\nnothing was sent.\n\n${usageText(spec)}`);
  return { ok: false, code: 2 };
}

/**
 * Parse a command's arguments strictly, before it does anything: an unknown flag, a stray argument or a flag npm
 * swallowed is exit 2 with the usage; `--help` prints it (exit 0); `--version` prints the version (exit 0).
 */
export function parseCliArgs(io: CliIo, spec: CommandSpec): ParsedCli {
  const options = Object.fromEntries(
    Object.entries({ ...spec.options, ...COMMON }).map(([n, o]) => [n, { type: o.type }]),
  );
  let values: ArgValues;
  try {
    values = parseArgs({ args: io.argv, options, strict: true, allowPositionals: false }).values;
  } catch (e) {
    const unknown = /'(--?[^'\s]+)'/.exec((e as Error).message)?.[1];
    const hint = unknown ? didYouMean(unknown.replace(/^-+/, ''), Object.keys(options)) : undefined;
    return refuse(io, spec, `${(e as Error).message}${hint ? ` (did you mean --${hint}?)` : ''}`);
  }
  if (values.help) {
    io.out(usageText(spec));
    return { ok: false, code: 0 };
  }
  if (values.version) {
    io.out(packageVersion());
    return { ok: false, code: 0 };
  }
  const swallowed = swallowedByNpm(io.env, spec);
  if (swallowed.length)
    return refuse(
      io,
      spec,
      `npm took ${swallowed.map((f) => `--${f}`).join(', ')} as its own option, so the command would not see it. ` +
        `Put "--" before the command's options: ` +
        spec.usage.replace('[options]', swallowed.map((f) => `--${f}`).join(' ')),
    );
  return { ok: true, values };
}
