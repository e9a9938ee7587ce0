import express, { Router, type RequestHandler } from 'express';
import type { Logger } from 'pino';
import { AppError } from '../src/domain/app-error';
import { dashboardAssets } from '../src/dashboard/dashboard-assets';
import type { SessionStore } from '../src/dashboard/session-store';
import { createSignInGuard, type SignInGuard } from '../src/dashboard/sign-in-guard';
import { checkCsrf, originMismatch, sessionCookie, sessionIdOf } from './middleware/dashboard-session';
import { safeEqual } from './middleware/safe-equal';

/**
 * The operator page at the module's registered `accountUrl` (/dashboard) and the registered logo (/logo.svg).
 * Sign-in takes the admin token in a form POST body (never a URL) and sets an HttpOnly session cookie; the page's
 * script then calls the admin API with that cookie and its CSRF token.
 */
export function dashboardRouter(deps: {
  token: string;
  sessions: SessionStore;
  log: Logger;
  guard?: SignInGuard;
  /** server.trustProxy: client addresses are real, so sign-in failures count per address. */
  trustProxy?: boolean;
}): Router {
  const router = Router();
  const guard = deps.guard ?? createSignInGuard();
  const dir = dashboardAssets();
  const noStore: RequestHandler = (_req, res, next) => {
    // same-origin (not helmet's no-referrer) so the page's own POSTs carry a real Origin for the CSRF check.
    res.set({ 'Cache-Control': 'no-store', 'Referrer-Policy': 'same-origin' });
    next();
  };
  router.get('/logo.svg', (_req, res) => res.sendFile('logo.svg', { root: dir, maxAge: '1d' }));
  router.get('/dashboard', noStore, (_req, res) => res.sendFile('index.html', { root: dir }));
  router.use('/dashboard/assets', noStore, express.static(dir, { index: false, redirect: false }));
  router.post(
    '/dashboard/sign-in',
    express.urlencoded({ extended: false, limit: '4kb', parameterLimit: 5 }),
    signIn({ ...deps, guard, trustProxy: deps.trustProxy ?? false }),
  );
  router.get('/dashboard/session', noStore, (req, res, next) => {
    const session = deps.sessions.get(sessionIdOf(req));
    if (!session) return next(new AppError(401, 'not signed in', { code: 'auth' }));
    res.json({ csrf: session.csrf });
  });
  router.post('/dashboard/sign-out', (req, res, next) => {
    const id = sessionIdOf(req);
    const session = deps.sessions.get(id);
    const refused = session ? checkCsrf(req, session) : undefined;
    if (refused) return next(refused);
    deps.sessions.destroy(id);
    res
      .set('Set-Cookie', sessionCookie(req, '', 0))
      .status(204)
      .end();
  });
  return router;
}

/** Why a sign-in was refused: the page shows it (from the redirect's fragment) and the log line names it. */
export type SignInRefusal = 'wrong-token' | 'locked' | 'origin';

/**
 * Right token: a new session and back to the page. Otherwise back to the page with the reason in the fragment
 * (`#sign-in-refused=wrong-token`, `=locked-<seconds>`, `=origin`), logged at info with the same reason.
 * Failures count per address only when addresses are real (`server.trustProxy`), see sign-in-guard.ts.
 */
function signIn(deps: {
  token: string;
  sessions: SessionStore;
  log: Logger;
  guard: SignInGuard;
  trustProxy: boolean;
}): RequestHandler {
  return (req, res) => {
    const given = (req.body as { token?: unknown } | undefined)?.token;
    const who = deps.trustProxy ? (req.ip ?? 'unknown') : undefined;
    const refuse = (reason: SignInRefusal, fragment: string, detail: Record<string, unknown>, hint: string) => {
      deps.log.info({ ip: req.ip, reason, ...detail }, `dashboard sign-in refused: ${hint}`);
      return res.redirect(303, `/dashboard#sign-in-refused=${fragment}`);
    };
    const lock = deps.guard.locked(who);
    if (lock.seconds > 0)
      return refuse(
        'locked',
        `locked-${lock.seconds}`,
        { seconds: lock.seconds, scope: lock.scope },
        `too many wrong tokens ${lock.scope === 'address' ? 'from this address' : 'from everyone'}, ` +
          `locked for ${lock.seconds} s`,
      );
    const mismatch = originMismatch(req);
    if (mismatch)
      return refuse(
        'origin',
        'origin',
        mismatch,
        `the form was posted from ${mismatch.origin}, not ${mismatch.expected.join(' or ')}: behind a reverse ` +
          'proxy set server.trustProxy (or server.publicUrl to the address the browser uses)',
      );
    if (typeof given !== 'string' || !safeEqual(given, deps.token)) {
      deps.guard.failed(who);
      return refuse('wrong-token', 'wrong-token', {}, 'wrong token (not auth.adminToken)');
    }
    const { id } = deps.sessions.create();
    deps.log.info({ ip: req.ip }, 'dashboard sign-in');
    res.set('Set-Cookie', sessionCookie(req, id, Math.round(deps.sessions.ttlMs / 1000)));
    res.redirect(303, '/dashboard');
  };
}
