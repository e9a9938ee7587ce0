import type { RequestHandler, Response } from 'express';
import type { ShipmentService } from '../../src/shipments/shipment-service';
import type { TypedHandler } from '../middleware/reject-invalid';
import type { ShipmentsInput } from '../../src/shipments/normalize-shipments';

/** 202 with the id(s) once stored; a repeated Idempotency-Key answers 200 with the first call's id(s). */
export function submitShipmentsHandler(shipmentsOf: (res: Response) => ShipmentService): TypedHandler<ShipmentsInput> {
  return async ({ shipments: items, many }, req, res) => {
    const out = await shipmentsOf(res).submit(items, req.get('idempotency-key'), many);
    res.status(out.created ? 202 : 200).json(many ? { shipments: out.shipments } : out.shipments[0]);
  };
}

export function getShipmentHandler(shipmentsOf: (res: Response) => ShipmentService): RequestHandler {
  return async (req, res) => {
    res.json(await shipmentsOf(res).get(String(req.params.id)));
  };
}
