import type { Request, RequestHandler } from 'express';
import { AppError } from '../../src/domain/app-error';
import type { Session, SessionService } from '../../src/sessions/session-service';
import { requireBearer } from './require-bearer';
import { safeEqual } from './safe-equal';

/** The operator's cookie (SameSite=Strict) and the merchant's (SameSite=Lax: the CRM opens that page). */
export const SESSION_COOKIE = 'stockbridge_session';
export const MERCHANT_COOKIE = 'stockbridge_settings';

export function cookieOf(req: Request, name: string): string | undefined {
  for (const part of (req.get('cookie') ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return undefined;
}

export const sessionIdOf = (req: Request) => cookieOf(req, SESSION_COOKIE);

/** `HttpOnly`, and `Secure` when the request came over HTTPS (see `server.trustProxy`). */
export function sessionCookie(
  req: Request,
  value: string,
  maxAgeSeconds: number,
  opts: { name?: string; sameSite?: 'Strict' | 'Lax' } = {},
): string {
  const secure = req.secure ? '; Secure' : '';
  return `${opts.name ?? SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=${opts.sameSite ?? 'Strict'}; Max-Age=${maxAgeSeconds}${secure}`;
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

/** A state-changing request from a page must carry its session's CSRF token and come from this origin. */
export function checkCsrf(req: Request, session: Session, given = req.get('x-csrf-token')): AppError | undefined {
  if (SAFE.has(req.method)) return undefined;
  if (!given || !safeEqual(given, session.csrf) || !sameOrigin(req))
    return new AppError(403, 'this action needs the page’s CSRF token from the same origin; reload the page', {
      code: 'csrf',
    });
  return undefined;
}

/**
 * Admin endpoints: the bearer token (scripts, curl) or a dashboard session (the page), whose state-changing
 * requests must also pass the CSRF check. A request with an Authorization header is judged by it alone; a
 * merchant's session never counts here.
 */
export function requireAdmin(token: string, sessions: SessionService): RequestHandler {
  const bearer = requireBearer(token, 'auth.adminToken');
  return async (req, res, next) => {
    const session =
      req.get('authorization') === undefined ? await sessions.get(sessionIdOf(req), 'dashboard') : undefined;
    if (!session) return bearer(req, res, next);
    next(checkCsrf(req, session));
  };
}
