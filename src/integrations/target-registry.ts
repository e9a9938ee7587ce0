import type { Logger } from 'pino';
import type { TargetConfig, TargetType } from '../config/config-types';
import type { TargetReading } from '../config/read-target';
import type { HttpClient } from './http-client/http-client';
import type { PushTarget } from './push-target';
import { createMerchantProTarget } from './merchantpro/merchantpro-target';
import { readMerchantProTarget } from './merchantpro/read-merchantpro-target';
import { createWooCommerceTarget } from './woocommerce/woocommerce-target';
import { readWooCommerceTarget } from './woocommerce/read-woocommerce-target';
import { createRetailCrmTarget } from './retailcrm/retailcrm-target';
import { readRetailCrmTarget } from './retailcrm/read-retailcrm-target';
import { createOzonTarget } from './ozon/ozon-target';
import { readOzonTarget } from './ozon/read-ozon-target';
import { createShopifyTarget } from './shopify/shopify-target';
import { readShopifyTarget } from './shopify/read-shopify-target';

/** What a push target's factory may use. */
export interface TargetDeps {
  http: HttpClient;
  log: Logger;
}

/** One target type: how its config entry is read, and how its target is built. */
interface TargetType_<C extends TargetConfig> {
  /** In words, for the dashboard and the admin API. */
  label: string;
  read(reading: TargetReading): C;
  create(config: C, deps: TargetDeps): PushTarget;
}

type Registry = { [T in TargetType]: TargetType_<Extract<TargetConfig, { type: T }>> };

/** Every push target type: adding one is a vendor folder and an entry here; the config reader and views follow. */
export const TARGET_TYPES: Registry = {
  merchantpro: {
    label: 'MerchantPro',
    read: readMerchantProTarget,
    create: (c, d) => createMerchantProTarget(c, d.http),
  },
  woocommerce: {
    label: 'WooCommerce',
    read: readWooCommerceTarget,
    create: (c, d) => createWooCommerceTarget(c, d.http),
  },
  retailcrm: {
    label: 'RetailCRM',
    read: readRetailCrmTarget,
    create: (c, d) => createRetailCrmTarget(c, d.http, d.log),
  },
  ozon: {
    label: 'Ozon',
    read: readOzonTarget,
    create: (c, d) => createOzonTarget(c, d.http),
  },
  shopify: {
    label: 'Shopify',
    read: readShopifyTarget,
    create: (c, d) => createShopifyTarget(c, d.http),
  },
};

export function targetTypeNames(): TargetType[] {
  return Object.keys(TARGET_TYPES) as TargetType[];
}

/** The push target a config entry describes. */
export function createPushTarget(config: TargetConfig, deps: TargetDeps): PushTarget {
  const entry = TARGET_TYPES[config.type] as TargetType_<TargetConfig>;
  return entry.create(config, deps);
}

/** The type's name in words (e.g. "WooCommerce"). */
export function targetTypeLabel(type: TargetType): string {
  return TARGET_TYPES[type].label;
}
