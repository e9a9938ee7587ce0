/** A postgres:// URL with its password replaced by `***`, for logs and errors. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    // Not a URL we can parse: hide everything between "//user:" and "@".
    return url.replace(/(\/\/[^:/@]*:)[^@]*@/, '$1***@');
  }
}

/** The password of a postgres:// URL ('' if none), so error texts can be scrubbed of it. */
export function urlPassword(url: string): string {
  try {
    return decodeURIComponent(new URL(url).password);
  } catch {
    return '';
  }
}

/** Remove every trace of `secret` (and the URL holding it) from an error before it travels up to a log. */
export function scrubError(err: unknown, url: string): Error {
  const secret = urlPassword(url);
  const clean = (s: string) => {
    let out = s.split(url).join(redactUrl(url));
    if (secret) out = out.split(secret).join('***').split(encodeURIComponent(secret)).join('***');
    return out;
  };
  const e = err instanceof Error ? err : new Error(String(err));
  e.message = clean(e.message);
  if (e.stack) e.stack = clean(e.stack);
  return e;
}
