import { ConfigError, parseConfig } from '../../../src/config/load-config';
import { rawConfig } from '../../helpers/test-config';

function problemsText(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e.describe();
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('config: storage.driver postgres', () => {
  it('takes a postgres:// URL with its password from the environment, and a pool size (default 10)', () => {
    const cfg = parseConfig(
      rawConfig({ storage: { driver: 'postgres', url: 'postgres://sb:${PG_PASSWORD}@db.internal:5432/stockbridge' } }),
      { PG_PASSWORD: 's3cret' },
    );
    expect(cfg.storage).toMatchObject({
      driver: 'postgres',
      url: 'postgres://sb:s3cret@db.internal:5432/stockbridge',
      poolSize: 10,
    });
    expect(parseConfig(rawConfig({ storage: { driver: 'sqlite' } })).storage.driver).toBe('sqlite');
  });

  it('lists a missing URL, a wrong scheme and a bad pool size without printing the password', () => {
    expect(problemsText(() => parseConfig(rawConfig({ storage: { driver: 'postgres' } })))).toMatch(
      /storage\.url: is missing/,
    );
    const text = problemsText(() =>
      parseConfig(rawConfig({ storage: { driver: 'postgres', url: 'mysql://sb:${PG_PASSWORD}@db/x', poolSize: 0 } }), {
        PG_PASSWORD: 'hunter2-secret',
      }),
    );
    expect(text).toMatch(/storage\.url: must be a postgres:\/\/ URL/);
    expect(text).toMatch(/storage\.poolSize/);
    expect(text).not.toContain('hunter2-secret');
    const noDb = problemsText(() =>
      parseConfig(rawConfig({ storage: { driver: 'postgres', url: 'postgres://sb:pw-xyz@db:5432' } })),
    );
    expect(noDb).toMatch(/names no database/);
    expect(noDb).not.toContain('pw-xyz');
  });

  it('keeps a URL on the sqlite driver as a known, unused setting (switching back and forth needs no edit)', () => {
    const config = parseConfig(
      rawConfig({ storage: { driver: 'sqlite', url: 'postgres://sb:${PG_PASSWORD}@db.internal:5432/stockbridge' } }),
      { PG_PASSWORD: 'pw' },
    );
    expect(config.storage).toMatchObject({ driver: 'sqlite', url: '' });
  });
});
