import type { RequestHandler } from 'express';
import type { ShipmentService } from '../../src/shipments/shipment-service';
import type { TypedHandler } from '../middleware/reject-invalid';
import type { ShipmentsInput } from '../../src/shipments/normalize-shipments';

/** 202 with the id(s) once stored; a repeated Idempotency-Key answers 200 with the first call's id(s). */
export function submitShipmentsHandler(shipments: ShipmentService): TypedHandler<ShipmentsInput> {
  return async ({ shipments: items, many }, req, res) => {
    const out = await shipments.submit(items, req.get('idempotency-key'), many);
    res.status(out.created ? 202 : 200).json(many ? { shipments: out.shipments } : out.shipments[0]);
  };
}

export function getShipmentHandler(shipments: ShipmentService): RequestHandler {
  return async (req, res) => {
    res.json(await shipments.get(String(req.params.id)));
  };
}
