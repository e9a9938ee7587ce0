import crypto from 'node:crypto';
import express, { Router, type Request, type RequestHandler, type Response } from 'express';
import type { Logger } from 'pino';
import type { ConnectAccount } from '../src/connect/connect-account';
import { AppError } from '../src/domain/app-error';
import type { SessionService } from '../src/sessions/session-service';
import type { SignInGuard } from '../src/sessions/sign-in-guard';
import { pickLanguage } from '../src/settings/language';
import { messagesFor } from '../src/settings/messages';
import { renderConnect, type ConnectFormState } from '../src/settings/render-connect';
import { cookieOf, MERCHANT_COOKIE, sameOrigin, sessionCookie } from './middleware/dashboard-session';
import { safeEqual } from './middleware/safe-equal';
import { SETTINGS_CSP } from './settings';

const FORM_COOKIE = 'stockbridge_connect';
const DOOR = 'connect';

/**
 * The connect form (`GET /connect`, `?account=` prefilled as the CRM passes it) for CRMs where the module is not
 * published: the same connect routine as the operator's and the marketplace's. Guarded against cross-site posts (a
 * token in an HttpOnly cookie and in the form must match, from this origin) and against guessing keys (the
 * sign-in guard). Success signs the merchant in to that account's settings.
 */
export function connectRouter(deps: {
  connectAccount: ConnectAccount;
  scopes: readonly string[];
  sessions: SessionService;
  guard: SignInGuard;
  log: Logger;
}): Router {
  const router = Router();
  const page = (req: Request, res: Response, status: number, s: Omit<ConnectFormState, 'csrf' | 'scopes'>) => {
    const csrf = crypto.randomBytes(24).toString('base64url');
    const lang = pickLanguage(undefined, req.get('accept-language'));
    res
      .status(status)
      .set({ 'Cache-Control': 'no-store', 'Content-Security-Policy': SETTINGS_CSP, 'Referrer-Policy': 'same-origin' })
      .set('Set-Cookie', sessionCookie(req, csrf, 3600, { name: FORM_COOKIE, sameSite: 'Strict' }))
      .type('html')
      .send(renderConnect(messagesFor(lang), lang, { ...s, csrf, scopes: deps.scopes }));
  };
  const m = (req: Request) => messagesFor(pickLanguage(undefined, req.get('accept-language')));
  const fill = (s: string, message: string) => s.replace('{message}', message);

  router.get('/connect', (req, res) => {
    const account = typeof req.query.account === 'string' ? req.query.account.slice(0, 300) : '';
    page(req, res, 200, { url: account });
  });

  const submit: RequestHandler = async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const url = typeof body.url === 'string' ? body.url.trim().slice(0, 300) : '';
    const apiKey = typeof body.apiKey === 'string' ? body.apiKey.trim() : '';
    const token = cookieOf(req, FORM_COOKIE);
    const given = typeof body.csrf === 'string' ? body.csrf : '';
    if (!token || !given || !safeEqual(given, token) || !sameOrigin(req))
      return page(req, res, 403, { url, errors: { form: m(req).connectExpired } });
    const who = req.ip ?? 'unknown';
    if (await deps.guard.blocked(DOOR, who)) return page(req, res, 429, { url, errors: { form: m(req).tooManyBody } });
    if (!url || !apiKey || apiKey.length > 200)
      return page(req, res, 400, {
        url,
        errors: url ? { apiKey: fill(m(req).connectFailed, 'the API key is missing') } : { url: m(req).crmUrlHint },
      });
    try {
      const { account, created } = await deps.connectAccount({ url, apiKey, via: 'form' });
      const { id } = await deps.sessions.create('merchant', account.name);
      deps.log.info({ account: account.name, created }, 'account connected by the connect form');
      res.set(
        'Set-Cookie',
        sessionCookie(req, id, Math.round(deps.sessions.ttlMs.merchant / 1000), {
          name: MERCHANT_COOKIE,
          sameSite: 'Lax',
        }),
      );
      res.redirect(303, '/settings');
    } catch (err) {
      if (!(err instanceof AppError) || err.status >= 500) throw err;
      await deps.guard.failed(DOOR, who);
      deps.log.info({ ip: req.ip, status: err.status, reason: err.message }, 'connect form refused');
      page(req, res, err.status, { url, errors: fieldOf(err, (message) => fill(m(req).connectFailed, message)) });
    }
  };
  router.post('/connect', express.urlencoded({ extended: false, limit: '4kb', parameterLimit: 10 }), submit);
  return router;
}

/**
 * Which field a refusal belongs beside: the one the routine names in `details` (url or apiKey), else the key for
 * a refused key or missing scopes (403, or a message about scopes), else the form.
 */
function fieldOf(err: AppError, word: (message: string) => string): ConnectFormState['errors'] {
  const d = err.details ?? {};
  if (d.url) return { url: word(d.url) };
  if (d.apiKey) return { apiKey: word(d.apiKey) };
  if (err.status === 403 || /scope|api key/i.test(err.message)) return { apiKey: word(err.message) };
  if (/address|url|host|https/i.test(err.message)) return { url: word(err.message) };
  return { form: word(err.message) };
}
