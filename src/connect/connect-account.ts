import type { Logger } from 'pino';
import type { AccountAdmin } from '../accounts/connect-account';

/** Which door a merchant came through (kept with the account, shown to the operator). */
export type ConnectVia = 'simple' | 'form';

export interface ConnectRequest {
  /** The CRM address as given (the routine normalises and checks it). */
  readonly url: string;
  readonly apiKey: string;
  readonly via: ConnectVia;
}

export interface ConnectResult {
  readonly account: { readonly name: string };
  /** False when this CRM was connected before: its key was replaced (if the new one works), the account is the same. */
  readonly created: boolean;
}

/**
 * THE connect routine (the operator's `POST /admin/accounts` runs the same one): URL rules, `GET /api/credentials`
 * scopes, the public URL, registration, storing the account. Its refusals are AppErrors whose message is safe to
 * show the merchant (it never holds the key): 400 for what the merchant can fix, 402 when the CRM asks for payment.
 * The merchant's routes take it as a dependency and never implement one of their own.
 */
export type ConnectAccount = (req: ConnectRequest) => Promise<ConnectResult>;

/** The merchant's doors over the operator's routine (AccountAdmin.connect): one routine, two callers. */
export function connectThroughAdmin(admin: () => AccountAdmin, log: Logger): ConnectAccount {
  return async ({ url, apiKey, via }) => {
    const { status, view } = await admin().connect({ url, apiKey });
    log.info({ account: view.name, via, outcome: status === 201 ? 'connected' : 'reconnected' }, 'merchant connected');
    return { account: { name: view.name }, created: status === 201 };
  };
}
