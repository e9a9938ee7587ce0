import { render, type Dialect } from '../dialect';
import type { NoticeRow } from './notices';

export const noticesSql = (d: Dialect) =>
  render(d, () => ({
    claim: `INSERT INTO notices (account, problem, day, message, outcome, at) VALUES (?, ?, ?, ?, 'sending', ?)
      ON CONFLICT (account, problem, day) DO NOTHING`,
    settle: 'UPDATE notices SET outcome = ? WHERE account = ? AND problem = ? AND day = ?',
    list: 'SELECT * FROM notices WHERE account = ? ORDER BY at DESC, problem LIMIT ?',
  }));

export const toNoticeRow = (r: Record<string, unknown>): NoticeRow => ({
  account: String(r.account),
  problem: String(r.problem),
  day: String(r.day),
  message: String(r.message),
  outcome: String(r.outcome),
  at: Number(r.at),
});
