import type { Logger } from 'pino';
import type { Config } from '../config/config-types';
import type { CrmClient } from '../integrations/retailcrm/crm-client';
import { createHttpClient, type HttpClient } from '../integrations/http-client/http-client';
import type { Intake } from '../intake/create-intake';
import type { Metrics } from '../metrics/create-metrics';
import { createAnswerReader } from '../integrations/registry';
import type { SourceStore, StockState } from '../storage/stores';
import { createAnswerService } from './answer-service';
import { createCallbackCapture, type CallbackCapture } from '../intake/callback-capture';
import {
  createInventoriesCallbackService,
  type InventoriesCallbackService,
} from '../intake/inventories-callback-service';
import { createLastKnownStock } from './last-known-stock';
import { createUnmappedWarehouses, type UnmappedWarehouses } from '../intake/unmapped-warehouses';

import { createSharedLookups, type AnswerSource } from './shared-lookups';
import { createSourceSnapshots } from './source-snapshots';
import { DEFAULTS } from '../compose/defaults';

/** Everything the inventoriesUpload endpoint needs to store figures and answer stock questions, from the config. */
export function createAnswering(deps: {
  config: Config;
  stores: { stock: Pick<StockState, 'offerFigures'>; sources: SourceStore };
  intake: Intake;
  crm: CrmClient;
  /** Tests inject theirs; otherwise lookups get their own keep-alive pool (closed by `close`). */
  http?: HttpClient;
  metrics: Metrics;
  log: Logger;
  /** The account whose callbacks these are (its figures are stored under it; its sources answer). */
  account?: string;
}): {
  callbacks: InventoriesCallbackService;
  capture: CallbackCapture;
  unmappedWarehouses: UnmappedWarehouses;
  close(): void;
} {
  const { config, log } = deps;
  // One-offer sources (Flamix, MerchantPro) get one request per offer asked (20-offer orders × concurrent
  // questions): the shared client's 64 sockets per host would queue them behind the hub's other calls, so answers
  // have a larger pool of their own. Beyond its sockets, lookups wait in the client's queue, within their deadline.
  const http = deps.http ?? createHttpClient({ maxSockets: DEFAULTS.answering.maxSockets });
  const deadlineMs = config.callbacks.answerDeadlineMs;
  const stock = createLastKnownStock(deps.stores, config.targets);
  const lookups = createSharedLookups({ stock, intake: deps.intake, log });
  const snapshots = createSourceSnapshots({ maxAgeMs: config.callbacks.answerMaxAgeMs, log });
  const sources = config.sources.map((c): AnswerSource => ({
    name: c.name,
    offerKey: c.offerKey,
    // A request outlives the answer's deadline by a little: the answer does not wait for it (it falls back to the
    // last known figures at the deadline), and hundreds of sockets torn down at that very instant would delay it.
    ...createAnswerReader(c, http, deadlineMs + DEFAULTS.answering.lookupGraceMs),
  }));
  const answers = createAnswerService({
    sources,
    lookups,
    snapshots,
    stock,
    crm: deps.crm,
    site: config.crm.site,
    deadlineMs,
    log,
    metrics: deps.metrics,
  });
  const unmappedWarehouses = createUnmappedWarehouses({ targets: config.targets, metrics: deps.metrics, log });
  return {
    callbacks: createInventoriesCallbackService({
      intake: deps.intake,
      answers,
      metrics: deps.metrics,
      log,
      account: deps.account,
      unmapped: unmappedWarehouses,
    }),
    unmappedWarehouses,
    capture: createCallbackCapture({ clientId: config.crm.clientId }),
    close: () => {
      if (!deps.http) http.close();
    },
  };
}
