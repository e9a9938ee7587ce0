/* eslint-disable @typescript-eslint/require-await -- better-sqlite3 is synchronous; the store contract is async */
import type { HubState, ModuleState } from './hub-state';
import { prepareAll, type Row, type SqliteDb } from '../sqlite/sqlite-db';

const DEFAULT_MODULE: ModuleState = { active: true, freeze: false, updatedAt: 0 };
const SQL = {
  getModule: 'SELECT state FROM account_state WHERE account = ?',
  setModule: `INSERT INTO account_state (account, state) VALUES (?, ?)
    ON CONFLICT (account) DO UPDATE SET state = excluded.state`,
  getTarget: 'SELECT * FROM target_state WHERE target = ?',
  setTarget: `INSERT INTO target_state (target, paused, paused_reason, paused_at) VALUES (?, ?, ?, ?)
    ON CONFLICT (target) DO UPDATE SET paused = excluded.paused, paused_reason = excluded.paused_reason,
      paused_at = excluded.paused_at`,
};

export function createHubStateSqlite(s: SqliteDb): HubState {
  const st = prepareAll(s.db, SQL);
  return {
    async getModule(account = 'default') {
      const r = st.getModule.get(account) as Row | undefined;
      return r ? (JSON.parse(String(r.state)) as ModuleState) : { ...DEFAULT_MODULE };
    },
    async setModule(state, account = 'default') {
      await s.write(() => st.setModule.run(account, JSON.stringify(state)));
    },
    async getTarget(target) {
      const r = st.getTarget.get(target) as Row | undefined;
      return {
        target,
        paused: Number(r?.paused ?? 0) === 1,
        pausedReason: (r?.paused_reason as string | null) ?? null,
        pausedAt: r?.paused_at == null ? null : Number(r.paused_at),
      };
    },
    async setTargetPaused(target, reason, now) {
      await s.write(() => st.setTarget.run(target, reason === null ? 0 : 1, reason, reason === null ? null : now));
    },
  };
}
