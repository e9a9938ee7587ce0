import type { ConfigReader, Section } from './config-reader';

/**
 * `connect.marketplaceSecret`: the partner account's "Secret" for the module's simple connection. Unset, the
 * simple-connection routes do not exist (404): a hub that is not published in the marketplace offers none.
 */
export function readMarketplaceSecret(r: ConfigReader, connect: Section): { marketplaceSecret?: string } {
  const v = r.take(connect, 'marketplaceSecret');
  if (v === undefined || v === '') return {};
  if (typeof v !== 'string' || v.length < 16) {
    r.problems.push({
      path: 'connect.marketplaceSecret',
      problem: typeof v === 'string' ? 'is shorter than 16 characters' : 'must be a string',
      fix: 'Copy the "Secret" of the module card in the partner account, as a ${VAR} placeholder filled from the environment.',
    });
    return {};
  }
  return { marketplaceSecret: v };
}

/** `notifications`: what the hub tells a merchant in their CRM, and when (see src/notify). */
export function readNotifications(r: ConfigReader, n: Section) {
  return Object.freeze({
    enabled: r.bool(n, 'enabled', 'notifications', true),
    deadLetters: r.num(n, 'deadLetters', 'notifications', 50, 1, 1_000_000),
    syncFailures: r.num(n, 'syncFailures', 'notifications', 3, 1, 100),
    everySeconds: r.num(n, 'everySeconds', 'notifications', 300, 10, 86_400),
  });
}
