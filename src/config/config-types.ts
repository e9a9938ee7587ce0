import type { OfferKey } from '../domain/offer-types';
export type { OfferKey };
export type ShopIdentifier = 'sku' | 'ean' | 'id';

/** What every push target has, whatever its type (the worker, the projector and the operator views read these). */
export interface TargetBase {
  readonly name: string;
  readonly type: TargetType;
  /** The shop's (or CRM's) base URL; every type has its vendor's default, so tests point it at a fake. */
  readonly url: string;
  readonly offerKey: OfferKey;
  /**
   * CRM warehouse code → what the target calls it (a warehouse name, location id, Ozon warehouse id, store code).
   * Types that hold one stock per item (WooCommerce) map each listed CRM warehouse to itself and sum them.
   * CRM warehouses not listed are not sent to this target.
   */
  readonly warehouses: Readonly<Record<string, string>>;
  readonly requestsPerSecond: number;
  readonly concurrency: number;
  readonly timeoutMs: number;
  readonly maxAttempts: number;
  readonly maxAgeSeconds: number;
}

export type TargetType = 'merchantpro' | 'woocommerce' | 'shopify' | 'ozon' | 'retailcrm';

export interface MerchantProTargetConfig extends TargetBase {
  readonly type: 'merchantpro';
  readonly apiKey: string;
  readonly apiSecret: string;
  readonly identifier: ShopIdentifier;
  readonly multiWarehouse: boolean;
  readonly enableInventory: boolean;
}

export interface WooCommerceTargetConfig extends TargetBase {
  readonly type: 'woocommerce';
  readonly consumerKey: string;
  readonly consumerSecret: string;
  /** `basic` (HTTP Basic, the default) or `query` (for servers that drop the Authorization header). */
  readonly auth: 'basic' | 'query';
  /** Items per batch request (WooCommerce's own limit is 100, `woocommerce_rest_batch_items_limit`). */
  readonly batchSize: number;
}

export interface ShopifyTargetConfig extends TargetBase {
  readonly type: 'shopify';
  readonly accessToken: string;
  /** The pinned Admin API version (YYYY-MM). */
  readonly apiVersion: string;
  /** The inventory change reason Shopify records (one of its documented reasons). */
  readonly reason: string;
}

export interface OzonTargetConfig extends TargetBase {
  readonly type: 'ozon';
  readonly clientId: string;
  readonly apiKey: string;
  /** Ozon refuses an item-warehouse pair updated again within this (TOO_MANY_REQUESTS per item). */
  readonly pairIntervalSeconds: number;
}

export interface RetailCrmTargetConfig extends TargetBase {
  readonly type: 'retailcrm';
  readonly apiKey: string;
  /** The site code passed with each upload (needed when the key spans several sites); '' = none. */
  readonly site: string;
  /** How the offer is matched in that CRM's catalogue (externalId, xmlId or id). */
  readonly identifier: OfferKey;
  readonly batchSize: number;
}

export type TargetConfig =
  MerchantProTargetConfig | WooCommerceTargetConfig | ShopifyTargetConfig | OzonTargetConfig | RetailCrmTargetConfig;

interface SourceBase {
  readonly name: string;
  /** The CRM offer field the source's item code is matched to in uploads. */
  readonly offerKey: OfferKey;
  /** Source warehouse id or name → CRM warehouse code. Figures of unmapped warehouses are not uploaded. */
  readonly warehouses: Readonly<Record<string, string>>;
  /** Run inside the service every so many seconds (0 = only on demand with `npm run sync`). */
  readonly everySeconds: number;
  readonly timeoutMs: number;
}

export interface SyncInventorySourceConfig extends SourceBase {
  readonly type: 'syncinventory';
  /** Full endpoint, e.g. https://tenant.itserver.biz/admin/indexyii.php?r=api/SyncInventory */
  readonly url: string;
  readonly apiKey: string;
  readonly auth: 'bearer' | 'basic';
  readonly skuCode?: string;
  readonly godownId?: string;
}

export interface FlamixSourceConfig extends SourceBase {
  readonly type: 'flamix';
  readonly url: string;
  readonly domain: string;
  readonly apiToken: string;
  readonly recalculate: boolean;
  readonly recalculateWaitMs: number;
  readonly requestsPerSecond: number;
  /** Bitrix24 product id → the CRM offer's `offerKey` value (from `products` and/or `productsCsv`). */
  readonly products: Readonly<Record<string, string>>;
}

export interface MerchantProSourceConfig extends SourceBase {
  readonly type: 'merchantpro';
  readonly url: string;
  readonly apiKey: string;
  readonly apiSecret: string;
  /** The shop field whose value is the CRM offer's `offerKey` value. */
  readonly identifier: ShopIdentifier;
  readonly requestsPerSecond: number;
  readonly listPath: string;
}

export type SourceConfig = SyncInventorySourceConfig | FlamixSourceConfig | MerchantProSourceConfig;

/** The CRM connection of one account (the 0.2 top-level `crm`, or `accounts[].crm`). */
export interface CrmConfig {
  readonly url: string;
  readonly apiKey: string;
  readonly clientId: string;
  readonly site: string;
  readonly requestsPerSecond: number;
  readonly timeoutMs: number;
  readonly batchSize: number;
  readonly maxRetries: number;
}

/**
 * One connected CRM account as the config file declares it: its CRM, its shipments token, its own targets and
 * sources (names unique within the account; the hub qualifies them, see src/accounts/account-names.ts).
 */
export interface AccountConfig {
  /** A slug, unique in the hub; a 0.2 file's single account is `default`. */
  readonly name: string;
  readonly crm: CrmConfig;
  readonly shipmentsToken: string;
  readonly targets: readonly TargetConfig[];
  readonly sources: readonly SourceConfig[];
}

export interface Config {
  readonly server: {
    readonly port: number;
    readonly host: string;
    readonly publicUrl: string;
    /** Whole request (headers and body) must arrive within this; a stalled body is cut off (408). */
    readonly requestTimeoutMs: number;
    readonly headersTimeoutMs: number;
    readonly keepAliveTimeoutMs: number;
    /** Behind a reverse proxy that terminates HTTPS: trust its X-Forwarded-* headers (Secure cookies, client IPs). */
    readonly trustProxy: boolean;
  };
  readonly storage: {
    readonly driver: 'sqlite' | 'postgres';
    /** SQLite file (driver sqlite). */
    readonly path: string;
    /** postgres:// URL (driver postgres); holds a password: never log it (see storage/postgres/redact-url.ts). */
    readonly url: string;
    /** Connections per instance (driver postgres). */
    readonly poolSize: number;
    readonly synchronous: 'full' | 'normal';
    readonly retainCallbacksDays: number;
  };
  /**
   * Every account of the hub, file-declared (a 0.2 file is the one account `default`). The fields `crm`,
   * `auth.shipmentsToken`, `targets` and `sources` below are the 0.2 view: the first account's CRM and token (what
   * a single-account CLI acts on), and EVERY account's targets and sources under their qualified names.
   */
  readonly accounts: readonly AccountConfig[];
  /** Runtime connections: CRM hosts allowed besides the RetailCRM/Simla SaaS domains (on-premise, local fakes). */
  readonly connect: {
    readonly allowedHosts: readonly string[];
    /** The partner account's secret for the marketplace's simple connection; unset: that feature is off. */
    readonly marketplaceSecret?: string;
  };
  readonly crm: CrmConfig;
  readonly auth: { readonly shipmentsToken: string; readonly adminToken: string };
  readonly intake: {
    readonly maxBodyBytes: number;
    readonly maxOffers: number;
    readonly maxIdLength: number;
    readonly maxQuantity: number;
  };
  readonly worker: {
    readonly leaseMs: number;
    readonly pollMs: number;
    readonly backoffBaseMs: number;
    readonly backoffMaxMs: number;
    readonly drainMs: number;
  };
  readonly shipments: { readonly timeZone: string; readonly maxAttempts: number; readonly maxAgeSeconds: number };
  readonly callbacks: {
    /** How long a stock question from the CRM may wait for the sources before last known figures answer it. */
    readonly answerDeadlineMs: number;
    /** How old a source's whole-list snapshot may be and still answer a question (list sources: SyncInventory). */
    readonly answerMaxAgeMs: number;
  };
  readonly log: { readonly level: string };
  readonly targets: readonly TargetConfig[];
  readonly sources: readonly SourceConfig[];
  readonly sync: { readonly reportDir: string; readonly batchRetries: number };
  /**
   * Notices to a merchant's CRM (its superadmins) when a shop stays paused, dead letters pass `deadLetters`, or a
   * source's last `syncFailures` runs failed; at most one per problem per day; checked every `everySeconds`.
   */
  readonly notifications: {
    readonly enabled: boolean;
    readonly deadLetters: number;
    readonly syncFailures: number;
    readonly everySeconds: number;
  };
}
