import type { Shipment, ShipmentStatus } from './shipment-store';
import { nullableNumber as num } from '../deliveries/item-row';

/** A `shipments` row as both drivers read it (the columns and their text forms are the same in both schemas). */
export function toShipment(r: Record<string, unknown>): Shipment {
  return {
    seq: Number(r.seq),
    id: String(r.id),
    by: r.by_field as Shipment['by'],
    ref: String(r.ref),
    site: String(r.site),
    report: JSON.parse(String(r.report)) as Shipment['report'],
    status: r.status as ShipmentStatus,
    attempts: Number(r.attempts),
    firstFailedAt: num(r.first_failed_at),
    lastStatus: num(r.last_status),
    lastAnswer: typeof r.last_answer === 'string' ? (JSON.parse(r.last_answer) as Record<string, unknown>) : null,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
    deliveredAt: num(r.delivered_at),
    account: typeof r.account === 'string' ? r.account : 'default',
  };
}
