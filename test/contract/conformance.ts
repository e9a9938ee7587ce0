import type { OpenStores } from '../../src/storage/stores';
import { accountStoreConformance } from './account-store-conformance';
import { callbackLogConformance } from './callback-log-conformance';
import { deliveriesConformance } from './deliveries-conformance';
import { hubStateConformance } from './hub-state-conformance';
import { locksConformance } from './locks-conformance';
import { shipmentStoreConformance } from './shipment-store-conformance';
import { sourceStoreConformance } from './source-store-conformance';
import { stockStateConformance } from './stock-state-conformance';

export {
  accountStoreConformance,
  callbackLogConformance,
  deliveriesConformance,
  hubStateConformance,
  locksConformance,
  shipmentStoreConformance,
  sourceStoreConformance,
  stockStateConformance,
};

/** Every store's suite for one driver. */
export function storesConformance(driverName: string, openStores: OpenStores) {
  callbackLogConformance(driverName, openStores);
  stockStateConformance(driverName, openStores);
  deliveriesConformance(driverName, openStores);
  shipmentStoreConformance(driverName, openStores);
  sourceStoreConformance(driverName, openStores);
  locksConformance(driverName, openStores);
  hubStateConformance(driverName, openStores);
  accountStoreConformance(driverName, openStores);
}
