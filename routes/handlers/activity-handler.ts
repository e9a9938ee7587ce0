import type { ActivityService } from '../../src/accounts/activity-service';
import type { Metrics } from '../../src/metrics/create-metrics';
import type { TypedHandler } from '../middleware/reject-invalid';
import type { ActivityInput } from '../validators/activity-validator';

export function activityHandler(activity: ActivityService, metrics: Metrics): TypedHandler<ActivityInput> {
  return async (input, _req, res) => {
    await activity.set(input);
    metrics.callbacks.inc({ kind: 'activity', outcome: 'accepted' });
    res.json({ success: true });
  };
}
