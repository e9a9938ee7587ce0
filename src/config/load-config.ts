import fs from 'node:fs';
import path from 'node:path';
import type { Config } from './config-types';
import { ConfigError, type ConfigProblem } from './config-error';
import { locateJsonError } from './json-syntax-error';
import { parseConfig } from './parse-config';
import type { Env } from './substitute-env';

// The config module's public face: callers import these from here.
export { ConfigError, type ConfigProblem } from './config-error';
export { parseConfig } from './parse-config';
export { substituteEnv } from './substitute-env';

/**
 * A syntax error as line, column and what is wrong. Never JSON.parse's own message: it quotes the text around the
 * error, and next to a syntax error in a config file there is often a secret.
 */
function jsonSyntaxProblem(file: string, text: string): ConfigProblem {
  const at = locateJsonError(text);
  return {
    path: file,
    problem: at ? `is not valid JSON: line ${at.line}, column ${at.column}: ${at.problem}` : 'is not valid JSON',
    fix: 'Fix the syntax at that place (the file is not quoted here, so no secret is printed).',
  };
}

/** Read and validate the config file. Only main.ts and cli/* call this, with process.env. */
export function loadConfig(file: string, env: Env): Config {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new ConfigError([
      {
        path: file,
        problem: 'cannot be read',
        fix: 'Create it from stockbridge.example.json, or point STOCKBRIDGE_CONFIG at your file.',
      },
    ]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ConfigError([jsonSyntaxProblem(file, text)]);
  }
  return parseConfig(json, env, path.dirname(path.resolve(file)));
}
