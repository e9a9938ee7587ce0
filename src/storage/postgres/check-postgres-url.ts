/**
 * What is wrong with a `storage.url` for the postgres driver, or null. The message never repeats the URL: it may
 * hold the password.
 */
export function checkPostgresUrl(url: string): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return 'is not a URL (the value is not shown: it may hold a password)';
  }
  if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') return 'must be a postgres:// URL';
  if (!u.hostname) return 'names no host';
  if (u.pathname.length <= 1) return 'names no database (postgres://user:password@host:5432/database)';
  return null;
}
