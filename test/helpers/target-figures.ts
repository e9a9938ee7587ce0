import type { Hub } from '../../src/compose/create-hub';
import { targetFigures } from '../../src/domain/target-figures';
import type { TargetFigure, Stores } from '../../src/storage/stores';

/** What a target should hold for an item: the CRM's stored figures through that target's mapping. */
export function targetFiguresOf(
  src: Pick<Hub, 'storage' | 'config'>,
  target: string,
  item: string,
): Promise<TargetFigure[]> {
  const t = src.config.targets.find((x) => x.name === target);
  if (!t) throw new Error(`no target ${target} in the test config`);
  return targetFigures(src.storage.stock, t, item);
}

/** Claim one item and record it as delivered (what the worker does), for tests that hold the worker. */
export async function deliverNow(stores: Stores, target: string, item: string, figures: Record<string, number>) {
  const claimed = await stores.deliveries.claim(target, 1000, Date.now(), 60_000, 'test');
  const c = claimed.find((x) => x.item === item);
  for (const o of claimed) if (o !== c) await stores.deliveries.release(target, o.item, o.token, Date.now());
  if (!c) throw new Error(`${target}/${item} is not due`);
  return stores.deliveries.markDelivered(target, item, c.token, c.version, figures, 200, Date.now());
}
