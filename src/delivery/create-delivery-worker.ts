import crypto from 'node:crypto';
import type { Logger } from 'pino';
import type { Config, TargetConfig } from '../config/config-types';
import { createRateLimiter } from '../integrations/http-client/rate-limiter';
import type { Metrics } from '../metrics/create-metrics';
import { targetFigures } from '../domain/target-figures';
import type { ClaimedItem, Deliveries, HubState, StockState } from '../storage/stores';
import { notMine } from '../storage/deliveries/deliveries';
import type { BatchEntry, LiveFigure, PushTarget, TargetCapabilities, WriteResult } from '../integrations/push-target';
import { OUTCOME } from '../domain/outcomes';
import { createClaimLoop } from './claim-loop';
import { claimLimitFor, createItemSpacing, inBatches } from './send-pacing';
import { decide } from '../domain/decide';
import { keepLease } from './keep-lease';
import { isWellFormedUnicode } from '../integrations/http-client/path-segment';
import { unqualify } from '../accounts/account-names';

export interface DeliveryTarget {
  config: TargetConfig;
  target: PushTarget;
  /** The stock reads of the target's account (see accounts/scoped-stock); default: the stores' own. */
  stock?: Pick<StockState, 'offerFigures'>;
}

export interface DeliveryWorker {
  start(): Promise<void>;
  /** Stop claiming, give back queued work, and wait for writes in flight up to `drainMs`. */
  stop(): Promise<void>;
  wake(targets?: readonly string[]): void;
  /** `by: 'operator'` is an expected action (logged at info); otherwise a fault that needs one (error). */
  pause(target: string, reason: string, by?: 'operator' | 'fault'): Promise<void>;
  resume(target: string): Promise<void>;
  /**
   * The targets to deliver to from now on (accounts connected or changed at runtime): new ones start, removed ones
   * stop (their writes in flight drained), and one whose config object changed starts again with the new config.
   */
  setTargets(targets: readonly DeliveryTarget[]): Promise<void>;
  /** Hold or release sending for these targets (an account's, after its activity callback), or all of them. */
  setActive(active: boolean, targets?: readonly string[]): void;
  /** The shop's own figure for one item, read within the target's rate (undefined: its type cannot be read). */
  readLive(target: string, item: string): Promise<LiveFigure> | undefined;
  /** What the target declares (batch size, identifiers, locations, limits), for the operator views. */
  describe?(target: string): TargetCapabilities | undefined;
  /** The shop's own identifier for an item as the target last resolved it, in words. */
  shopIdOf?(target: string, item: string): string | undefined;
}

export interface DeliveryWorkerDeps {
  stores: { deliveries: Deliveries; stock: Pick<StockState, 'offerFigures'>; hubState: HubState };
  targets: readonly DeliveryTarget[];
  log: Logger;
  metrics: Metrics;
  settings: Config['worker'];
  /** Whether a target's module (its account's) is active; asked once per target at start. */
  isActive: (target: string) => Promise<boolean>;
  owner?: string;
  random?: () => number;
}

/** Why an item cannot be sent at all (it goes to the dead letters instead of cycling), or null. */
function unresolvable(item: string, rows: readonly unknown[]): string | null {
  if (!isWellFormedUnicode(item))
    return 'the identifier is not well-formed text (it cannot be sent as it was received)';
  if (rows.length === 0) return 'no CRM figures for this item in the warehouses the target maps';
  return null;
}

/** What every pump shares: the worker's deps, its lease owner and backoff policy, and whether it may send. */
interface PumpContext {
  deps: DeliveryWorkerDeps;
  owner: string;
  policy: { baseMs: number; maxMs: number };
  isStopping: () => boolean;
  isActive: (target: string) => boolean;
}

/** What recording a write's outcome needs from its pump. */
interface SettleContext {
  name: string;
  limits: Pick<TargetConfig, 'maxAttempts' | 'maxAgeSeconds'> & { credentials: string };
  log: Logger;
  policy: { baseMs: number; maxMs: number };
  random?: () => number;
  metrics: Metrics;
  deliveries: Deliveries;
  limiter: ReturnType<typeof createRateLimiter>;
  stale: (c: ClaimedItem) => void;
  pause: (reason: string) => Promise<void>;
}

/** Decide what a write's result means for the item (delivered, retry, dead letter, pause the target); record it. */
async function settle(
  { name, limits, log, policy, random, metrics, deliveries, limiter, stale, pause }: SettleContext,
  c: ClaimedItem,
  version: number,
  rows: WriteRows,
  res: WriteResult,
) {
  const now = Date.now();
  const d = decide(res, c, limits, policy, now, random);
  const outcome = d.action === 'pause' ? OUTCOME.paused : OUTCOME[d.action];
  metrics.deliveries.inc({ account: metrics.accountLabel(unqualify(name).account), target: name, outcome });
  const reason = res.outcome === 'ok' ? {} : { reason: res.message };
  const entry = { item: c.item, version, outcome, class: res.outcome, status: res.status, ms: res.durationMs };
  log[res.outcome === 'ok' ? 'info' : 'warn']({ ...entry, attempt: c.attempts + 1, ...reason }, 'delivery');
  const error = `${res.status ?? 'no answer'}: ${res.message}`;
  let recorded = true;
  switch (d.action) {
    case 'delivered':
      recorded = await deliveries.markDelivered(name, c.item, c.token, version, rows, res.status ?? 200, now);
      if (recorded && c.dueSince !== null) metrics.deliveryLatency.observe({ target: name }, (now - c.dueSince) / 1000);
      break;
    case 'retry':
      if (res.retryAfterMs) limiter.pauseUntil(now + res.retryAfterMs);
      recorded = await deliveries.markRetry(name, c.item, c.token, d.dueAt, error, res.status, now);
      break;
    case 'dead':
      log.warn({ item: c.item, reason: d.reason }, 'dead letter');
      recorded = await deliveries.markDead(name, c.item, c.token, d.reason, res.status, now);
      break;
    case 'pause':
      // The item stays due; it goes out once an operator resumes the target.
      recorded = await deliveries.markRetry(name, c.item, c.token, now, d.reason, res.status, now);
      await pause(d.reason);
  }
  if (!recorded) stale(c);
}

/** One target's delivery loop: claims due items, sends them in batches within the rate, records each outcome. */
function createPump(ctx: PumpContext, wt: DeliveryTarget) {
  const { deps, owner, policy } = ctx;
  const { settings } = deps;
  const { deliveries, hubState } = deps.stores;
  const stock = wt.stock ?? deps.stores.stock;
  const { config, target } = wt;
  const caps = target.capabilities;
  const maxBatch = Math.max(1, Math.floor(caps.maxBatch));
  const name = config.name;
  const log = deps.log.child({ target: name });
  const limiter = createRateLimiter(config.requestsPerSecond);
  const spacing = createItemSpacing(caps.limits.minItemIntervalMs ?? 0);
  let paused = false;
  const claimLimit = claimLimitFor(config, settings.leaseMs, maxBatch);

  const stale = (c: ClaimedItem) => log.warn({ item: c.item }, 'claim lost (lease expired); outcome not recorded');
  const settling: SettleContext = {
    name,
    limits: { maxAttempts: config.maxAttempts, maxAgeSeconds: config.maxAgeSeconds, credentials: caps.credentials },
    log,
    policy,
    random: deps.random,
    metrics: deps.metrics,
    deliveries,
    limiter,
    stale,
    pause: (reason) => pump.pause(reason),
  };
  const dead = async (c: ClaimedItem, reason: string) => {
    log.warn({ item: c.item, reason }, 'dead letter');
    if (!(await deliveries.markDead(name, c.item, c.token, reason, null, Date.now()))) stale(c);
  };

  /** The items of a send that are still this worker's, with their newest figures; the rest are settled here. */
  async function prepare(batch: readonly ClaimedItem[], claimedAt: number) {
    // Queued for half its lease or more (a peer or a machine slower than the configured rate): extend the claim
    // before sending. keepLease first renews a third of a lease into the send, so a claim must have more than that
    // left when the send starts, or another claimer could send newer figures that this late write then overwrites.
    // Extending (not giving back) also keeps the back of a long queue from being released again and again.
    const waited = Date.now() - claimedAt > settings.leaseMs * 0.5;
    const ready: Array<{ c: ClaimedItem; entry: BatchEntry }> = [];
    for (const c of batch) {
      if (waited && !(await deliveries.renew(name, c.item, c.token, Date.now() + settings.leaseMs))) {
        stale(c);
        continue;
      }
      const notBefore = spacing.notBefore(c.item, Date.now());
      if (notBefore > 0) {
        // Written too recently for this shop: due again when its interval ends, with whatever is newest then.
        if (!(await deliveries.release(name, c.item, c.token, notBefore))) stale(c);
        continue;
      }
      // The newest figures at send time, not at claim time, with this target's mapping.
      const rows = await targetFigures(stock, config, c.item);
      const why = unresolvable(c.item, rows);
      if (why) {
        await dead(c, why);
        continue;
      }
      // Figures read after the claim reflect everything up to the claimed version in the warehouses this target
      // maps; the claimed version may come from a warehouse it no longer maps, and recording less would make it due
      // forever.
      const version = rows.reduce((m, r) => Math.max(m, r.version), c.version);
      ready.push({ c, entry: { item: c.item, rows, version } });
    }
    return ready;
  }

  async function deliver(batch: ClaimedItem[], claimedAt: number) {
    await limiter.acquire();
    if (ctx.isStopping() || paused || !ctx.isActive(name)) {
      for (const c of batch) await deliveries.release(name, c.item, c.token, Date.now());
      return;
    }
    const ready = await prepare(batch, claimedAt);
    if (ready.length === 0) return;
    let results: WriteResult[];
    try {
      results = await keepLease(
        settings.leaseMs,
        // The send is one request for all its items: renewed together, held while any of them is still held.
        async (until) =>
          (await Promise.all(ready.map(({ c }) => deliveries.renew(name, c.item, c.token, until)))).includes(true),
        () =>
          target.writeBatch(
            ready.map((r) => r.entry),
            { pace: () => limiter.acquire() },
          ),
        () => log.warn({ items: ready.length }, 'claims lost during a send (lease expired)'),
      );
    } catch (err) {
      // The write could not even be built (e.g. an identifier that cannot be sent safely): never cycle on it.
      for (const { c } of ready) await dead(c, `cannot send this item: ${(err as Error).message}`);
      return;
    }
    const sentAt = Date.now();
    // Settled together: the stores group-commit writes issued in one turn (one transaction, one fsync per send).
    await Promise.all(
      ready.map(({ c, entry }, i) => {
        const res: WriteResult = results[i] ?? {
          outcome: 'retry',
          status: null,
          message: 'the target gave no result for this item',
          durationMs: 0,
        };
        if (res.outcome === 'ok') spacing.sent(c.item, sentAt);
        const sent = Object.fromEntries(entry.rows.map((r) => [r.warehouse, r.quantity]));
        return settle(settling, c, entry.version, sent, res);
      }),
    );
  }

  const loop = createClaimLoop<ClaimedItem[]>({
    log,
    pollMs: settings.pollMs,
    concurrency: config.concurrency,
    claimLimit: () => claimLimit,
    ready: () => !paused && ctx.isActive(name),
    claim: async (limit, now) => {
      const claimed = await deliveries.claim(name, limit, now, settings.leaseMs, owner);
      // Batching must not hide why a claim came back empty.
      return claimed.notMine ? notMine<ClaimedItem[]>() : inBatches(claimed, maxBatch);
    },
    run: deliver,
    release: async (batches) => {
      for (const c of batches.flat()) await deliveries.release(name, c.item, c.token, Date.now());
    },
    nextDueAt: () => deliveries.nextDueAt(name),
    onOwnership: (mine) =>
      log.info(mine ? 'this instance delivers to this target now' : 'another instance delivers to this target'),
    describe: (b) => (b.length === 1 ? { item: b[0].item } : { items: b.length, first: b[0]?.item }),
  });

  const pump = {
    loop,
    async load() {
      paused = (await hubState.getTarget(name)).paused;
    },
    async pause(reason: string, by: 'operator' | 'fault' = 'fault') {
      if (!paused && by === 'fault') log.error({ reason }, `target paused: ${reason}`);
      paused = true;
      await hubState.setTargetPaused(name, reason, Date.now());
      loop.notify();
    },
    async resume() {
      paused = false;
      await hubState.setTargetPaused(name, null, Date.now());
      log.info('target resumed');
      loop.notify();
    },
    // An operator's read shares the writes' limiter: a shop counts every request against its limit.
    readLive(item: string): Promise<LiveFigure> | undefined {
      const read = target.read?.bind(target);
      return read ? limiter.acquire().then(() => read(item)) : undefined;
    },
  };
  return pump;
}

export function createDeliveryWorker(deps: DeliveryWorkerDeps): DeliveryWorker {
  const owner = deps.owner ?? `${process.pid}-${crypto.randomUUID().slice(0, 8)}`;
  const { settings } = deps;
  const policy = { baseMs: settings.backoffBaseMs, maxMs: settings.backoffMaxMs };
  const held = new Set<string>();
  let stopping = false;
  const ctx: PumpContext = { deps, owner, policy, isStopping: () => stopping, isActive: (t) => !held.has(t) };

  type Pump = ReturnType<typeof createPump>;
  const pumps = new Map<string, Pump>();
  const targetsByName = new Map<string, DeliveryTarget>();
  for (const t of deps.targets) {
    pumps.set(t.config.name, createPump(ctx, t));
    targetsByName.set(t.config.name, t);
  }
  let started = false;
  const pumpOf = (name: string) => {
    const p = pumps.get(name);
    if (!p) throw new Error(`unknown target ${name}`);
    return p;
  };
  const startPump = async (name: string, p: Pump) => {
    if (!(await deps.isActive(name))) held.add(name);
    await p.load();
    p.loop.start();
  };
  const stopPumps = async (list: Pump[]) => {
    await Promise.all(list.map((p) => p.loop.stop()));
    const drained = await Promise.all(list.map((p) => p.loop.drained(settings.drainMs)));
    if (drained.includes(false))
      deps.log.warn('some writes were still in flight at shutdown; their leases expire and they are sent again');
  };
  // One change of the target set at a time (an account connected, its targets replaced, one removed).
  let changing: Promise<void> = Promise.resolve();

  return {
    async start() {
      started = true;
      for (const [name, p] of pumps) await startPump(name, p);
    },
    async stop() {
      stopping = true;
      await changing;
      await stopPumps([...pumps.values()]);
    },
    setTargets(targets) {
      const next = (changing = changing.then(async () => {
        if (stopping) return;
        const wanted = new Map(targets.map((t) => [t.config.name, t]));
        const gone: Pump[] = [];
        for (const [name, p] of pumps) {
          const w = wanted.get(name);
          // Kept as it runs when its config is the same object; otherwise stopped (and started again if changed).
          if (w && targetsByName.get(name)?.config === w.config) continue;
          gone.push(p);
          pumps.delete(name);
          targetsByName.delete(name);
          held.delete(name);
        }
        await stopPumps(gone);
        for (const [name, t] of wanted) {
          if (pumps.has(name)) continue;
          const p = createPump(ctx, t);
          pumps.set(name, p);
          targetsByName.set(name, t);
          if (started) await startPump(name, p);
        }
      }));
      return next;
    },
    wake(targets) {
      for (const name of targets ?? [...pumps.keys()]) pumps.get(name)?.loop.notify();
    },
    pause: (target, reason, by) => pumpOf(target).pause(reason, by),
    resume: (target) => pumpOf(target).resume(),
    readLive: (target, item) => pumpOf(target).readLive(item),
    describe: (target) => targetsByName.get(target)?.target.capabilities,
    shopIdOf: (target, item) => targetsByName.get(target)?.target.shopIdOf?.(item),
    setActive(value, targets) {
      for (const name of targets ?? [...pumps.keys()]) {
        if (value) held.delete(name);
        else held.add(name);
        pumps.get(name)?.loop.notify();
      }
    },
  };
}

type WriteRows = Record<string, number>;
