import crypto from 'node:crypto';
import { AppError } from '../domain/app-error';

/** The `register` form field of RetailCRM's simple connection, read. */
export interface RegisterRequest {
  readonly systemUrl: string;
  readonly apiKey: string;
  readonly token: string;
}

const refuse = (status: number, message: string) =>
  new AppError(status, message, { code: status === 401 ? 'auth' : 'invalid' });

const field = (o: Record<string, unknown>, key: string): string | undefined =>
  typeof o[key] === 'string' && o[key] !== '' ? o[key] : undefined;

/**
 * The `register` field (a JSON string `{systemUrl, apiKey, token}`), checked in the order that tells an unsigned
 * request nothing: what cannot be parsed is 400; a missing token is 401 before any other field is looked at.
 */
export function readRegister(body: unknown): RegisterRequest {
  const raw = (body as Record<string, unknown> | undefined)?.register;
  if (typeof raw !== 'string' || raw === '')
    throw refuse(400, 'register is missing: send the form field register = JSON {systemUrl, apiKey, token}');
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw refuse(400, 'register is not valid JSON');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
    throw refuse(400, 'register must be a JSON object {systemUrl, apiKey, token}');
  const o = parsed as Record<string, unknown>;
  const token = field(o, 'token');
  if (!token) throw refuse(401, 'register.token is missing: the request is not signed');
  const apiKey = field(o, 'apiKey');
  if (!apiKey) throw refuse(400, 'register.apiKey is missing');
  const systemUrl = field(o, 'systemUrl');
  if (!systemUrl) throw refuse(400, 'register.systemUrl is missing');
  if (systemUrl.length > 2048 || apiKey.length > 512) throw refuse(400, 'register.systemUrl or apiKey is too long');
  return { systemUrl, apiKey, token };
}

/**
 * What the marketplace signs a registration with: the lowercase hex HMAC-SHA256 of the API key under the partner
 * secret. The edge compares it with the given token in constant time (routes/middleware/safe-equal).
 */
export function registerSignature(secret: string, apiKey: string): string {
  return crypto.createHmac('sha256', secret).update(apiKey, 'utf8').digest('hex');
}
