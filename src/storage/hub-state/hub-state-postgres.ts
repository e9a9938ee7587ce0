import type { HubState, ModuleState, TargetState } from './hub-state';
import type { PgDb } from '../postgres/create-pg-db';

const SQL = {
  getModule: 'SELECT state FROM account_state WHERE account = $1',
  setModule: `INSERT INTO account_state (account, state) VALUES ($1, $2) ON CONFLICT (account) DO UPDATE SET state =
    excluded.state`,
  getTarget: 'SELECT * FROM target_state WHERE target = $1',
  setTarget: `INSERT INTO target_state (target, paused, paused_reason, paused_at) VALUES ($1, $2, $3, $4)
    ON CONFLICT (target) DO UPDATE SET paused = excluded.paused, paused_reason = excluded.paused_reason,
      paused_at = excluded.paused_at`,
};

const DEFAULT_MODULE: ModuleState = { active: true, freeze: false, updatedAt: 0 };

export function createHubStatePostgres(db: PgDb): HubState {
  return {
    async getModule(account = 'default') {
      const [r] = await db.query(SQL.getModule, [account]);
      return r ? (JSON.parse(String(r.state)) as ModuleState) : { ...DEFAULT_MODULE };
    },
    async setModule(state, account = 'default') {
      await db.query(SQL.setModule, [account, JSON.stringify(state)]);
    },
    async getTarget(target): Promise<TargetState> {
      const [r] = await db.query(SQL.getTarget, [target]);
      if (!r) return { target, paused: false, pausedReason: null, pausedAt: null };
      return {
        target,
        paused: r.paused === true,
        pausedReason: (r.paused_reason as string | null) ?? null,
        pausedAt: r.paused_at == null ? null : Number(r.paused_at),
      };
    },
    async setTargetPaused(target, reason, now) {
      await db.query(SQL.setTarget, [target, reason !== null, reason, reason === null ? null : now]);
    },
  };
}
