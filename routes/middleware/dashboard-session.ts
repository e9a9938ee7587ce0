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

/** `HttpOnly`, `SameSite=Strict`, and `Secure` when the request came over HTTPS (see `server.trustProxy`). */
export function sessionCookie(req: Request, value: string, maxAgeSeconds: number): string {
  const secure = req.secure ? '; Secure' : '';
  return `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${secure}`;
}

/**
 * Browsers send Origin on POSTs, but as "null" under a no-referrer policy; Sec-Fetch-Site then still tells where
 * the request came from. A client that sends neither is not a browser, so it cannot be tricked into a request.
 */
export function sameOrigin(req: Request): boolean {
  const origin = req.get('origin');
  if (origin !== undefined && origin !== 'null') return origin === `${req.protocol}://${req.get('host')}`;
  const site = req.get('sec-fetch-site');
  if (site !== undefined) return site === 'same-origin';
  return origin === undefined;
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
