import express, { Router, type Request, type RequestHandler, type Response } from 'express';
import type { Logger } from 'pino';
import type { Account, AccountRegistry } from '../src/accounts/account-registry';
import type { AccountServices } from '../src/accounts/account-services';
import type { CallbackCapture } from '../src/intake/callback-capture';
import { AppError } from '../src/domain/app-error';
import type { Session, SessionService } from '../src/sessions/session-service';
import type { SignInGuard } from '../src/sessions/sign-in-guard';
import type { NoticesStore } from '../src/storage/notices/notices';
import { settingsAssets } from '../src/settings/settings-assets';
import { pickLanguage, type Language } from '../src/settings/language';
import { messagesFor } from '../src/settings/messages';
import { renderNotice } from '../src/settings/render-notice';
import { createShopSettings } from '../src/settings/shop-settings';
import type { AccountAdmin } from '../src/accounts/connect-account';
import type { CrmClient } from '../src/integrations/retailcrm/crm-client';
import { accountRoutes, captureOf } from './admin';
import { shopSettingsRoutes } from './settings-shops';
import { checkCsrf, cookieOf, MERCHANT_COOKIE, sessionCookie } from './middleware/dashboard-session';

export interface SettingsDeps {
  accounts: Pick<AccountRegistry, 'byClientId' | 'get'>;
  servicesOf: (account: Account) => AccountServices;
  capture?: CallbackCapture;
  sessions: SessionService;
  guard: SignInGuard;
  /** The notices sent to each account's CRM (shown on its page). */
  notices?: NoticesStore;
  /** The account's CRM language, when known (else the browser's is used). */
  languageOf?: (account: Account) => string | undefined;
  /** Changing connected accounts' shops (none: the merchant's shops are read-only here). */
  accountAdmin?: () => AccountAdmin | undefined;
  /** Each account's CRM client (its own key and rate limit), for the CRM's warehouse list. */
  crmOf?: (account: string) => CrmClient | undefined;
  log: Logger;
}

const DOOR = 'settings';
/** Nothing but this origin's own files: no inline script or style, no plug-ins, no other site's frames or forms. */
export const SETTINGS_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
  "form-action 'self'; base-uri 'none'; frame-ancestors 'self'";
const CLIENT_ID_MAX = 200;

/** A clientId from the CRM: the POST form field or the query parameter. */
function clientIdOf(req: Request): string | undefined {
  const fromBody = (req.body as Record<string, unknown> | undefined)?.clientId;
  const v = typeof fromBody === 'string' ? fromBody : req.query.clientId;
  return typeof v === 'string' && v !== '' ? v.slice(0, CLIENT_ID_MAX) : undefined;
}

/**
 * The merchant's settings page at the module's `accountUrl`. The CRM opens it with the account's clientId (POSTed
 * or in the query); the hub trades it for a session bound to that one account and redirects to a URL without it,
 * so the clientId stays out of the browser's history and of proxy logs. Everything the page then reads or changes
 * goes through `/settings/api/…`: the 0.2 account routes over the session's account only.
 */
export function settingsRouter(deps: SettingsDeps): Router {
  const router = Router();
  const dir = settingsAssets();
  const noStore: RequestHandler = (_req, res, next) => {
    res.set({ 'Cache-Control': 'no-store', 'Referrer-Policy': 'same-origin', 'Content-Security-Policy': SETTINGS_CSP });
    next();
  };
  const langOf = (req: Request, account?: Account): Language =>
    pickLanguage(account && deps.languageOf?.(account), req.get('accept-language'));
  const notice = (req: Request, res: Response, status: number, which: 'signedOut' | 'unknown' | 'tooMany') => {
    const lang = langOf(req);
    res
      .status(status)
      .type('html')
      .send(renderNotice(messagesFor(lang), lang, which));
  };

  /** The session's account, or undefined (no cookie, expired, revoked, or the account is gone). */
  const merchantOf = async (req: Request): Promise<{ session: Session; account: Account } | undefined> => {
    const session = await deps.sessions.get(cookieOf(req, MERCHANT_COOKIE), 'merchant');
    const account = session?.account ? deps.accounts.get(session.account) : undefined;
    return session && account ? { session, account } : undefined;
  };

  const exchange: RequestHandler = async (req, res) => {
    const given = clientIdOf(req);
    const who = req.ip ?? 'unknown';
    if (given === undefined) {
      if (await merchantOf(req)) return res.sendFile('index.html', { root: dir });
      return notice(req, res, 401, 'signedOut');
    }
    if (await deps.guard.blocked(DOOR, who)) return notice(req, res, 429, 'tooMany');
    const account = deps.accounts.byClientId(given);
    if (!account) {
      await deps.guard.failed(DOOR, who);
      deps.log.info({ ip: req.ip }, 'settings refused: unknown clientId');
      return notice(req, res, 403, 'unknown');
    }
    const { id } = await deps.sessions.create('merchant', account.name);
    deps.log.info({ account: account.name }, 'merchant signed in from the CRM');
    res.set(
      'Set-Cookie',
      // Lax: the CRM opens this page from its own site, and a Strict cookie would not come back on the redirect.
      sessionCookie(req, id, Math.round(deps.sessions.ttlMs.merchant / 1000), {
        name: MERCHANT_COOKIE,
        sameSite: 'Lax',
      }),
    );
    res.redirect(303, '/settings');
  };
  const form = express.urlencoded({ extended: false, limit: '4kb', parameterLimit: 10 });
  router.get('/settings', noStore, exchange);
  router.post('/settings', noStore, form, exchange);
  router.use('/settings/assets', noStore, express.static(dir, { index: false, redirect: false }));

  router.get('/settings/session', noStore, async (req, res, next) => {
    const m = await merchantOf(req);
    if (!m) return next(new AppError(401, 'not signed in: open the settings from your CRM', { code: 'auth' }));
    const lang = langOf(req, m.account);
    res.json({
      csrf: m.session.csrf,
      account: m.account.name,
      crm: m.account.config.crm.url,
      lang,
      messages: messagesFor(lang),
    });
  });
  router.post('/settings/sign-out', async (req, res, next) => {
    const m = await merchantOf(req);
    const refused = m ? checkCsrf(req, m.session) : undefined;
    if (refused) return next(refused);
    await deps.sessions.destroy(cookieOf(req, MERCHANT_COOKIE));
    res
      .set('Set-Cookie', sessionCookie(req, '', 0, { name: MERCHANT_COOKIE, sameSite: 'Lax' }))
      .status(204)
      .end();
  });

  // The account's own routes, built once per account; the session alone says which account (never a parameter).
  const routers = new Map<string, { services: AccountServices; router: Router }>();
  const routerOf = (account: Account): Router => {
    const services = deps.servicesOf(account);
    const known = routers.get(account.name);
    if (known?.services === services) return known.router;
    const built = accountRoutes(
      services.admin,
      services.shipments,
      captureOf(deps.capture, account.name),
      services.unmappedWarehouses,
      deps.notices && ((limit) => deps.notices!.list(account.name, limit)),
    );
    routers.set(account.name, { services, router: built });
    return built;
  };
  const shops = shopSettingsRoutes(
    createShopSettings({ admin: () => deps.accountAdmin?.(), crmOf: (name) => deps.crmOf?.(name) }),
  );
  router.use('/settings/api', noStore, async (req, res, next) => {
    const m = await merchantOf(req);
    if (!m) return next(new AppError(401, 'not signed in: open the settings from your CRM', { code: 'auth' }));
    const refused = checkCsrf(req, m.session);
    if (refused) return next(refused);
    express.json({ limit: '16kb' })(req, res, (err?: unknown) => {
      if (err) return next(err);
      res.locals.merchantAccount = m.account;
      shops(req, res, (e?: unknown) => (e ? next(e) : routerOf(m.account)(req, res, next)));
    });
  });
  return router;
}
