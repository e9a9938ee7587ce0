import express, { Router, type RequestHandler } from 'express';
import type { Logger } from 'pino';
import { AppError } from '../src/domain/app-error';
import { dashboardAssets } from '../src/dashboard/dashboard-assets';
import type { SessionService } from '../src/sessions/session-service';
import type { SignInGuard } from '../src/sessions/sign-in-guard';
import { checkCsrf, originMismatch, sessionCookie, sessionIdOf } from './middleware/dashboard-session';
import { safeEqual } from './middleware/safe-equal';

/**
 * The operator page at the module's registered `accountUrl` (/dashboard) and the registered logo (/logo.svg).
 * Sign-in takes the admin token in a form POST body (never a URL) and sets an HttpOnly session cookie; the page's
 * script then calls the admin API with that cookie and its CSRF token.
 */
export function dashboardRouter(deps: {
  token: string;
  sessions: SessionService;
  log: Logger;
  /** Counts failures per address only when addresses are real (`server.trustProxy`): see sign-in-guard.ts. */
  guard: SignInGuard;
}): Router {
  const router = Router();
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
    signIn(deps),
  );
  router.get('/dashboard/session', noStore, async (req, res, next) => {
    const session = await deps.sessions.get(sessionIdOf(req), 'dashboard');
    if (!session) return next(new AppError(401, 'not signed in', { code: 'auth' }));
    res.json({ csrf: session.csrf });
  });
  router.post('/dashboard/sign-out', async (req, res, next) => {
    const id = sessionIdOf(req);
    const session = await deps.sessions.get(id, 'dashboard');
    const refused = session ? checkCsrf(req, session) : undefined;
    if (refused) return next(refused);
    await deps.sessions.destroy(id);
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
 */
function signIn(deps: { token: string; sessions: SessionService; log: Logger; guard: SignInGuard }): RequestHandler {
  return async (req, res) => {
    const given = (req.body as { token?: unknown } | undefined)?.token;
    const who = req.ip ?? 'unknown';
    const refuse = (reason: SignInRefusal, fragment: string, detail: Record<string, unknown>, hint: string) => {
      deps.log.info({ ip: req.ip, reason, ...detail }, `dashboard sign-in refused: ${hint}`);
      return res.redirect(303, `/dashboard#sign-in-refused=${fragment}`);
    };
    const lock = await deps.guard.locked('dashboard', who);
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
      await deps.guard.failed('dashboard', who);
      return refuse('wrong-token', 'wrong-token', {}, 'wrong token (not auth.adminToken)');
    }
    const { id } = await deps.sessions.create('dashboard');
    deps.log.info({ ip: req.ip }, 'dashboard sign-in');
    res.set('Set-Cookie', sessionCookie(req, id, Math.round(deps.sessions.ttlMs.dashboard / 1000)));
    res.redirect(303, '/dashboard');
  };
}
