import type { Logger } from 'pino';
import type { CapturedReading } from '../src/intake/callback-capture';
import type { CallbackAnswer } from '../src/intake/inventories-callback-service';
import type { Account } from '../src/accounts/account-registry';

// What the middlewares of one request hand each other, typed (no untyped `res.locals` side channels).
declare global {
  namespace Express {
    interface Request {
      /** The request's child logger (set by the app for every request). */
      log?: Logger;
    }
    interface Locals {
      /** Set by the CRM's routers: errors answer in the CRM's `{success: false, errorMsg}` envelope. */
      envelope?: 'crm';
      /** The raw callback body, kept by reference for the capture (decoded only if captured). */
      rawBody?: string | Buffer;
      /** How an inventoriesUpload callback was read and answered, for the capture. */
      callback?: CallbackAnswer & { reading: CapturedReading };
      /** Why the request was refused (set by the error handler), for the capture. */
      refusal?: string;
      /** The account a CRM callback (by clientId) or a shipment report (by token) belongs to. */
      account?: Account;
    }
  }
}
export {};
