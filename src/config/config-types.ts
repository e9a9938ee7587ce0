export type OfferKey = 'externalId' | 'xmlId' | 'id';
export type ShopIdentifier = 'sku' | 'ean' | 'id';

export interface MerchantProTargetConfig {
  readonly name: string;
  readonly type: 'merchantpro';
  readonly url: string;
  readonly apiKey: string;
  readonly apiSecret: string;
  readonly offerKey: OfferKey;
  readonly identifier: ShopIdentifier;
  /** CRM warehouse code → shop warehouse name. CRM warehouses not listed are not sent to this target. */
  readonly warehouses: Readonly<Record<string, string>>;
  readonly multiWarehouse: boolean;
  readonly enableInventory: boolean;
  readonly requestsPerSecond: number;
  readonly concurrency: number;
  readonly timeoutMs: number;
  readonly maxAttempts: number;
  readonly maxAgeSeconds: number;
}

export type TargetConfig = MerchantProTargetConfig;

export interface Config {
  readonly server: { readonly port: number; readonly host: string; readonly publicUrl: string };
  readonly storage: { readonly driver: 'sqlite'; readonly path: string; readonly synchronous: 'full' | 'normal' };
  readonly crm: {
    readonly url: string;
    readonly apiKey: string;
    readonly clientId: string;
    readonly site: string;
    readonly requestsPerSecond: number;
    readonly timeoutMs: number;
    readonly batchSize: number;
    readonly maxRetries: number;
  };
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
  readonly log: { readonly level: string };
  readonly targets: readonly TargetConfig[];
}
