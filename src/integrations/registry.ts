import type { SourceConfig, TargetConfig } from '../config/config-types';
import type { HttpClient } from './http-client/http-client';
import { createFlamixLookup, createFlamixSource } from './flamix/flamix-source';
import { createMerchantProLookup, createMerchantProSource } from './merchantpro/merchantpro-reader';
import { createMerchantProTarget } from './merchantpro/merchantpro-target';
import type { PushTarget } from './push-target';
import type { PullSource, SourceLookup } from './source-answer';
import { createSyncInventoryLookup, createSyncInventorySource } from './syncinventory/syncinventory-source';

interface SourceKind<C> {
  /** The whole snapshot, for sync runs. */
  source(config: C, http: HttpClient, opts: { sleep?: (ms: number) => Promise<void> }): PullSource;
  /** One offer, for the CRM's stock questions; `timeoutMs` bounds each request. */
  lookup(config: C, http: HttpClient, timeoutMs: number): SourceLookup;
}
type ConfigOf<T extends string, U extends { type: string }> = Extract<U, { type: T }>;

/** Every vendor that can be written to, by `targets[].type`. Adding one = its folder + one entry here. */
const TARGETS: { [T in TargetConfig['type']]: (config: ConfigOf<T, TargetConfig>, http: HttpClient) => PushTarget } = {
  merchantpro: createMerchantProTarget,
};

/** Every vendor that can be read, by `sources[].type`. Adding one = its folder + one entry here. */
const SOURCES: { [T in SourceConfig['type']]: SourceKind<ConfigOf<T, SourceConfig>> } = {
  syncinventory: { source: createSyncInventorySource, lookup: createSyncInventoryLookup },
  flamix: { source: createFlamixSource, lookup: createFlamixLookup },
  merchantpro: { source: createMerchantProSource, lookup: createMerchantProLookup },
};

export function createPushTarget(config: TargetConfig, http: HttpClient): PushTarget {
  const make = TARGETS[config.type];
  return make(config, http);
}

export function createPullSource(
  config: SourceConfig,
  http: HttpClient,
  opts: { sleep?: (ms: number) => Promise<void> } = {},
): PullSource {
  return (SOURCES[config.type] as SourceKind<SourceConfig>).source(config, http, opts);
}

/** A lookup never waits longer than the source's own timeout, nor than the caller allows. */
export function createLookup(config: SourceConfig, http: HttpClient, timeoutMs: number): SourceLookup {
  return (SOURCES[config.type] as SourceKind<SourceConfig>).lookup(config, http, Math.min(config.timeoutMs, timeoutMs));
}
