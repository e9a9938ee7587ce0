import type { Logger } from 'pino';
import type { MerchantProTargetConfig } from '../config/config-types';
import type { CrmClient } from '../integrations/retailcrm/crm-client';
import type { HttpClient } from '../integrations/http-client/http-client';
import type { Intake } from '../intake/create-intake';
import type { Projector } from '../projection/create-projector';
import type { Deliveries } from '../storage/stores';
import { merchantProPatch } from '../integrations/merchantpro/merchantpro-patch';
import type { IntakeOffer } from '../domain/offer-types';
import type { PullProgress } from '../integrations/source-answer';
import { readMerchantProStock } from '../integrations/merchantpro/merchantpro-reader';

export interface Difference {
  item: string;
  field: string;
  crm: number;
  shop: number | null;
}

export interface ReconcileResult {
  crmOffers: number;
  shopItems: number;
  compared: number;
  differences: Difference[];
  fixed: number;
}

/**
 * Compare the CRM's stock (per-warehouse details, paged at 250) with what a MerchantPro shop actually holds (read
 * within its rate limit). With `fix`, the CRM's figures for the differing items go through intake as one
 * callback (so versions stay ordered against live callbacks) and the items are marked due, so the worker
 * rewrites them even where the stored figures were already right and only the shop drifted.
 */
export async function reconcile(
  deps: { crm: CrmClient; http: HttpClient; deliveries: Deliveries; intake: Intake; projector: Projector; log: Logger },
  target: MerchantProTargetConfig,
  opts: { fix?: boolean; progress?: PullProgress } = {},
): Promise<ReconcileResult> {
  const crmFigures = new Map<string, Record<string, number>>();
  let crmOffers = 0;
  for await (const page of deps.crm.iterateInventories({ limit: 250, filter: { details: 1 } })) {
    for (const o of page) {
      crmOffers++;
      const key = o[target.offerKey];
      if (key === undefined || key === null || key === '') continue;
      const figures: Record<string, number> = {};
      for (const s of o.stores ?? [])
        if (Object.prototype.hasOwnProperty.call(target.warehouses, s.store))
          figures[s.store] = Math.max(0, Math.floor(Number(s.quantity)));
      if (Object.keys(figures).length) crmFigures.set(String(key), figures);
    }
    opts.progress?.({ phase: 'reading the CRM', read: crmOffers });
  }
  const names = Object.fromEntries(Object.values(target.warehouses).map((n) => [n, n]));
  const shop = await readMerchantProStock(
    deps.http,
    {
      url: target.url,
      apiKey: target.apiKey,
      apiSecret: target.apiSecret,
      identifier: target.identifier,
      requestsPerSecond: target.requestsPerSecond,
      listPath: '/api/v2/inventory',
      timeoutMs: target.timeoutMs,
      warehouses: { ...names, '*': '(stock)' },
    },
    (e) => opts.progress?.({ ...e, phase: 'reading the shop' }),
  );
  const shopByKey = new Map(shop.items.map((i) => [i.key, i.stores]));

  // What the shop should hold is exactly what the worker would write: the same body rule, compared field by field.
  const differences: Difference[] = [];
  for (const [item, figures] of crmFigures) {
    const actual = shopByKey.get(item);
    const body = merchantProPatch(
      target,
      Object.entries(figures).map(([warehouse, quantity]) => ({ warehouse, quantity, version: 0 })),
    );
    const expected: Array<[field: string, shopKey: string, quantity: number]> = Array.isArray(body.warehouses)
      ? (body.warehouses as Array<{ name: string; stock: number }>).map((w) => [w.name, w.name, w.stock])
      : [['stock', '(stock)', body.stock as number]];
    for (const [field, shopKey, q] of expected) {
      const has = actual?.[shopKey];
      if (has !== q) differences.push({ item, field, crm: q, shop: has ?? null });
    }
  }
  let fixed = 0;
  if (opts.fix && differences.length) {
    const items = [...new Set(differences.map((d) => d.item))];
    const offers: IntakeOffer[] = items.map((item) => ({
      ...(target.offerKey === 'id' ? { id: Number(item) } : { [target.offerKey]: item }),
      stores: Object.entries(crmFigures.get(item)!).map(([code, available]) => ({ code, available })),
    }));
    await deps.intake.accept(offers);
    deps.projector.kick();
    await deps.projector.idle();
    fixed = await deps.deliveries.markDue(target.name, items, Date.now());
    deps.log.info(
      { target: target.name, items: items.length, markedDue: fixed },
      'reconcile: differing items marked due',
    );
  }
  return { crmOffers, shopItems: shop.items.length, compared: crmFigures.size, differences, fixed };
}
