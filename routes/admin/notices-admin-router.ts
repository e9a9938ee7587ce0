import { Router } from 'express';
import type { NoticeRow } from '../../src/storage/notices/notices';
import { DEFAULTS } from '../../src/compose/defaults';
import { json } from './admin-json';

/** The notices the hub sent to this account's CRM (what, when, and whether the CRM took it). */
export function noticesAdminRouter(list: (limit: number) => Promise<NoticeRow[]>): Router {
  return Router().get(
    '/notifications',
    json(async () => ({
      notifications: (await list(DEFAULTS.admin.listLimit)).map((n) => ({
        problem: n.problem,
        day: n.day,
        message: n.message,
        outcome: n.outcome,
        at: new Date(n.at).toISOString(),
      })),
    })),
  );
}
