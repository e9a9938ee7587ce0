import { parseConfig } from '../../../src/config/load-config';
import { problemsOf } from '../../helpers/config-problems';
import { rawConfig } from '../../helpers/test-config';

describe('connect.marketplaceSecret', () => {
  it('is off when unset, read from its placeholder when set', () => {
    expect(parseConfig(rawConfig(), {}).connect.marketplaceSecret).toBeUndefined();
    const on = parseConfig(rawConfig({ connect: { marketplaceSecret: '${MP_SECRET}' } }), {
      MP_SECRET: 'x'.repeat(32),
    });
    expect(on.connect.marketplaceSecret).toBe('x'.repeat(32));
  });

  it('refuses a secret too short to be the partner account one, without printing it', () => {
    const err = problemsOf(() => parseConfig(rawConfig({ connect: { marketplaceSecret: 'short-SECRET' } }), {}));
    expect(err.problems.map((p) => p.path)).toEqual(['connect.marketplaceSecret']);
    expect(JSON.stringify(err.problems)).not.toContain('short-SECRET');
  });
});
