import type { RequestHandler } from 'express';
import type { ActivityService } from '../../src/intake/activity-service';
import type { Metrics } from '../../src/metrics/create-metrics';
import { validatedActivity } from '../validators/activity-validator';

export function activityHandler(activity: ActivityService, metrics: Metrics): RequestHandler {
  return async (req, res) => {
    await activity.set(validatedActivity(req));
    metrics.callbacks.inc({ kind: 'activity', outcome: 'accepted' });
    res.json({ success: true });
  };
}
