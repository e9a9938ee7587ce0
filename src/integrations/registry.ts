import type { Logger } from 'pino';
import type { SourceConfig, TargetConfig, TargetType } from '../config/config-types';
import type { TargetReading } from '../config/read-target';
import type { HttpClient } from './http-client/http-client';
import type { PushTarget } from './push-target';
import type { PullSource, SourceList, SourceLookup } from './source-answer';
import { createFlamixLookup, createFlamixSource } from './flamix/flamix-source';
import { createMerchantProLookup, createMerchantProSource } from './merchantpro/merchantpro-reader';
import { createMerchantProTarget } from './merchantpro/merchantpro-target';
import { readMerchantProTarget } from './merchantpro/read-merchantpro-target';
import { createOzonTarget } from './ozon/ozon-target';
import { readOzonTarget } from './ozon/read-ozon-target';
import { createRetailCrmTarget } from './retailcrm/retailcrm-target';
import { readRetailCrmTarget } from './retailcrm/read-retailcrm-target';
import { createShopifyTarget } from './shopify/shopify-target';
import { readShopifyTarget } from './shopify/read-shopify-target';
import { createSyncInventoryList, createSyncInventorySource } from './syncinventory/syncinventory-source';
import { createWooCommerceTarget } from './woocommerce/woocommerce-target';
import { readWooCommerceTarget } from './woocommerce/read-woocommerce-target';

/** What a push target's factory may use. */
export interface TargetDeps {
  http: HttpClient;
  log: Logger;
}

/** One target type: how its config entry is read, and how its target is built. */
interface TargetKind<C extends TargetConfig> {
  /** In words, for the dashboard and the admin API. */
  label: string;
  read(reading: TargetReading): C;
  create(config: C, deps: TargetDeps): PushTarget;
}

/**
 * For the CRM's stock questions a source reads either every offer in one request (where the vendor's API allows a
 * list: questions are answered from it) or one offer per request; `timeoutMs` bounds each request.
 */
type SourceKind<C> = {
  /** The whole snapshot, for sync runs. */
  source(config: C, http: HttpClient, opts: { sleep?: (ms: number) => Promise<void> }): PullSource;
} & (
  | { list(config: C, http: HttpClient, timeoutMs: number): SourceList }
  | { lookup(config: C, http: HttpClient, timeoutMs: number): SourceLookup }
);
type ConfigOf<T extends string, U extends { type: string }> = Extract<U, { type: T }>;

/**
 * Every vendor that can be written to, by `targets[].type`. Adding one = its folder + one entry here; the config
 * reader and the operator views follow.
 */
export const TARGET_TYPES: { [T in TargetType]: TargetKind<ConfigOf<T, TargetConfig>> } = {
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
  ozon: { label: 'Ozon', read: readOzonTarget, create: (c, d) => createOzonTarget(c, d.http) },
  shopify: { label: 'Shopify', read: readShopifyTarget, create: (c, d) => createShopifyTarget(c, d.http) },
};

/** Every vendor that can be read, by `sources[].type`. Adding one = its folder + one entry here. */
const SOURCES: { [T in SourceConfig['type']]: SourceKind<ConfigOf<T, SourceConfig>> } = {
  syncinventory: { source: createSyncInventorySource, list: createSyncInventoryList },
  flamix: { source: createFlamixSource, lookup: createFlamixLookup },
  merchantpro: { source: createMerchantProSource, lookup: createMerchantProLookup },
};

export function targetTypeNames(): TargetType[] {
  return Object.keys(TARGET_TYPES) as TargetType[];
}

/** The type's name in words (e.g. "WooCommerce"). */
export function targetTypeLabel(type: TargetType): string {
  return TARGET_TYPES[type].label;
}

/** The push target a config entry describes. */
export function createPushTarget(config: TargetConfig, deps: TargetDeps): PushTarget {
  return (TARGET_TYPES[config.type] as TargetKind<TargetConfig>).create(config, deps);
}

export function createPullSource(
  config: SourceConfig,
  http: HttpClient,
  opts: { sleep?: (ms: number) => Promise<void> } = {},
): PullSource {
  return (SOURCES[config.type] as SourceKind<SourceConfig>).source(config, http, opts);
}

/**
 * How a source answers stock questions: its whole list in one request where it has one, else one offer at a time;
 * a request never waits longer than the source's own timeout, nor than the caller allows.
 */
export function createAnswerReader(
  config: SourceConfig,
  http: HttpClient,
  timeoutMs: number,
): { list: SourceList } | { lookup: SourceLookup } {
  const kind = SOURCES[config.type] as SourceKind<SourceConfig>;
  const ms = Math.min(config.timeoutMs, timeoutMs);
  return 'list' in kind ? { list: kind.list(config, http, ms) } : { lookup: kind.lookup(config, http, ms) };
}
