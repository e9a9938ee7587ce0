import pino, { type Logger } from 'pino';

/**
 * Secrets are never passed to the logger; redaction is the second line of defence for any object that
 * carries a credential field by accident.
 */
export const REDACT_PATHS = [
  'apiKey',
  'apiSecret',
  'clientId',
  'token',
  'password',
  'authorization',
  '*.apiKey',
  '*.apiSecret',
  '*.consumerKey',
  '*.consumerSecret',
  '*.accessToken',
  '*.clientId',
  '*.token',
  '*.password',
  '*.authorization',
  'headers.authorization',
  'headers["x-api-key"]',
  'config.crm',
  'config.auth',
  'config.targets',
];

export function createLogger(
  opts: { level?: string; destination?: pino.DestinationStream; name?: string } = {},
): Logger {
  return pino(
    {
      name: opts.name ?? 'stockbridge',
      level: opts.level ?? 'info',
      redact: { paths: REDACT_PATHS, censor: '[secret]' },
    },
    opts.destination,
  );
}
