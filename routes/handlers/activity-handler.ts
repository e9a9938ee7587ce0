import type { Response } from 'express';
import type { ActivityService } from '../../src/accounts/activity-service';
import type { Metrics } from '../../src/metrics/create-metrics';
import { OUTCOME } from '../../src/domain/outcomes';
import type { TypedHandler } from '../middleware/reject-invalid';
import type { ActivityInput } from '../../src/accounts/read-activity';

export function activityHandler(
  activityOf: (res: Response) => ActivityService,
  metrics: Metrics,
): TypedHandler<ActivityInput> {
  return async (input, _req, res) => {
    await activityOf(res).set(input);
    metrics.callbacks.inc({
      kind: 'activity',
      outcome: OUTCOME.accepted,
      account: metrics.accountLabel(res.locals.account!.name),
    });
    res.json({ success: true });
  };
}
