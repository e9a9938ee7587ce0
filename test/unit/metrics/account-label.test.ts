import { createMetrics, MAX_ACCOUNT_LABELS } from '../../../src/metrics/create-metrics';

/** The `account` label is bounded: a hub of thousands of accounts keeps a bounded number of series. */
describe('metrics: the account label', () => {
  it('gives the first MAX_ACCOUNT_LABELS accounts their own value, then `other`, and keeps each value stable', () => {
    const m = createMetrics();
    const names = Array.from({ length: MAX_ACCOUNT_LABELS + 50 }, (_, i) => `acct-${i}`);
    const labels = names.map((n) => m.accountLabel(n));
    expect(labels.slice(0, MAX_ACCOUNT_LABELS)).toEqual(names.slice(0, MAX_ACCOUNT_LABELS));
    expect(new Set(labels.slice(MAX_ACCOUNT_LABELS))).toEqual(new Set(['other']));
    // An account already labelled keeps its value; a late one stays `other` (a series never changes its name).
    expect(m.accountLabel('acct-0')).toBe('acct-0');
    expect(m.accountLabel(`acct-${MAX_ACCOUNT_LABELS + 1}`)).toBe('other');
  });

  it('renders the per-target gauges with at most MAX_ACCOUNT_LABELS + 1 account values', async () => {
    const m = createMetrics();
    const accounts = Array.from({ length: MAX_ACCOUNT_LABELS * 2 }, (_, i) => `acct-${i}`);
    m.setTargetSampler(() =>
      Promise.resolve(
        accounts.map((account) => ({
          account,
          target: `${account}/shop`,
          backlog: 1,
          oldestDueAgeSeconds: 0,
          dead: 0,
          paused: false,
        })),
      ),
    );
    const { body } = await m.render();
    const values = new Set([...body.matchAll(/^stockbridge_backlog_items\{[^}]*account="([^"]+)"/gm)].map((x) => x[1]));
    expect(values.size).toBe(MAX_ACCOUNT_LABELS + 1);
    expect(values.has('other')).toBe(true);
    // Every target is still there, named by its `target` label.
    expect(body.match(/^stockbridge_backlog_items\{/gm)).toHaveLength(accounts.length);
  });
});
