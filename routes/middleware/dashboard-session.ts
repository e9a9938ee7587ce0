import type { Request, RequestHandler } from 'express';
import { AppError } from '../../src/domain/app-error';
import type { DashboardSession, SessionStore } from '../../src/dashboard/session-store';
import { requireBearer } from './require-bearer';
import { safeEqual } from './safe-equal';

export const SESSION_COOKIE = 'stockbridge_session';

export function sessionIdOf(req: Request): string | undefined {
  for (const part of (req.get('cookie') ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === SESSION_COOKIE) return v.join('=');
  }
  return undefined;
}

/**
 * `HttpOnly`, `SameSite=Strict`, and `Secure` when the request came over HTTPS: as the hub sees it (a trusted
 * proxy's X-Forwarded-Proto, see `server.trustProxy`), or as the browser does (its Origin is the https publicUrl).
 */
export function sessionCookie(req: Request, value: string, maxAgeSeconds: number): string {
  const publicOrigin = publicOriginOf(req);
  const viaHttpsUrl = publicOrigin?.startsWith('https:') === true && req.get('origin') === publicOrigin;
  const secure = req.secure || viaHttpsUrl ? '; Secure' : '';
  return `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${secure}`;
}

/** The origin of `server.publicUrl` (set on the app by createApp), where the operator's browser sees the hub. */
export function publicOriginOf(req: Request): string | undefined {
  const origin: unknown = (req.app?.locals as { publicOrigin?: unknown } | undefined)?.publicOrigin;
  return typeof origin === 'string' ? origin : undefined;
}

/**
 * The origins a page of this hub may post from: the one the request arrived at (with `server.trustProxy`, the
 * proxy's X-Forwarded-Proto and X-Forwarded-Host), and the origin of `server.publicUrl` (behind an HTTPS proxy
 * without trustProxy the hub sees http, the browser https).
 */
export function ownOrigins(req: Request): string[] {
  const seen = `${req.protocol}://${req.host}`;
  const pub = publicOriginOf(req);
  return pub !== undefined && pub !== seen ? [seen, pub] : [seen];
}

/**
 * Browsers send Origin on POSTs, but as "null" under a no-referrer policy; Sec-Fetch-Site then still tells where
 * the request came from. A client that sends neither is not a browser, so it cannot be tricked into a request.
 * Returns undefined when the request is from this hub's page, else what came and what was expected.
 */
export function originMismatch(req: Request): { origin: string; expected: string[] } | undefined {
  const origin = req.get('origin');
  if (origin !== undefined && origin !== 'null') {
    const expected = ownOrigins(req);
    return expected.includes(origin) ? undefined : { origin, expected };
  }
  const site = req.get('sec-fetch-site');
  if (site !== undefined)
    return site === 'same-origin' ? undefined : { origin: `Sec-Fetch-Site: ${site}`, expected: ownOrigins(req) };
  return origin === undefined ? undefined : { origin, expected: ownOrigins(req) };
}

export function sameOrigin(req: Request): boolean {
  return originMismatch(req) === undefined;
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/** A state-changing request from the page must carry its session's CSRF token and come from this origin. */
export function checkCsrf(req: Request, session: DashboardSession): AppError | undefined {
  if (SAFE.has(req.method)) return undefined;
  const given = req.get('x-csrf-token');
  if (!given || !safeEqual(given, session.csrf) || !sameOrigin(req))
    return new AppError(403, 'this action needs the page’s CSRF token from the same origin; reload the dashboard', {
      code: 'csrf',
    });
  return undefined;
}

/**
 * Admin endpoints: the bearer token (scripts, curl) or a dashboard session (the page), whose state-changing
 * requests must also pass the CSRF check. A request with an Authorization header is judged by it alone.
 */
export function requireAdmin(token: string, sessions: SessionStore): RequestHandler {
  const bearer = requireBearer(token, 'auth.adminToken');
  return (req, res, next) => {
    const session = req.get('authorization') === undefined ? sessions.get(sessionIdOf(req)) : undefined;
    if (!session) return bearer(req, res, next);
    next(checkCsrf(req, session));
  };
}
