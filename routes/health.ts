import { Router } from 'express';
import type { Stores } from '../src/storage/stores';
import type { Metrics } from '../src/metrics/create-metrics';
import type { Intake } from '../src/intake/create-intake';

/** `/readyz` says whether the hub can accept work: not draining, storage reachable, and its last commit not failing. */
export function healthRouter(deps: {
  storage: Pick<Stores, 'ping' | 'driver'>;
  metrics: Metrics;
  isDraining: () => boolean;
  intake?: Pick<Intake, 'unready'>;
}): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    if (deps.isDraining()) return void res.status(503).json({ status: 'draining' });
    const unready = deps.intake?.unready();
    if (unready) return void res.status(503).json({ status: 'unavailable', reason: unready });
    try {
      await deps.storage.ping();
      res.json({ status: 'ready', storage: deps.storage.driver });
    } catch {
      res.status(503).json({ status: 'unavailable', reason: 'storage is not reachable' });
    }
  });
  router.get('/metrics', async (_req, res) => {
    const { contentType, body } = await deps.metrics.render();
    res.type(contentType).send(body);
  });
  return router;
}
