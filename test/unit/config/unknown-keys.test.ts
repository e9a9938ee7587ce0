import fs from 'node:fs';
import path from 'node:path';
import { parseConfig } from '../../../src/config/load-config';
import { didYouMean } from '../../../src/config/did-you-mean';
import { rawConfig, targetRaw } from '../../helpers/test-config';
import { problemsOf } from '../../helpers/config-problems';

describe('config: unknown keys and missing variables', () => {
  it('refuses a misspelt key anywhere, with its path and the key it is close to', () => {
    const raw = rawConfig();
    (raw.crm as Record<string, unknown>).requestsPerSeconds = 5;
    const target = { ...targetRaw('shop', 'https://shop.example.com'), warehouse: { main: 'Main' } };
    const e = problemsOf(() => parseConfig({ ...raw, targets: [target], logs: { level: 'info' } }));
    const byPath = Object.fromEntries(e.problems.map((p) => [p.path, p]));
    expect(byPath['crm.requestsPerSeconds'].fix).toContain('Did you mean "requestsPerSecond"?');
    expect(byPath['targets[0].warehouse'].fix).toContain('Did you mean "warehouses"?');
    expect(byPath['logs'].fix).toContain('Did you mean "log"?');
    expect(e.problems.every((p) => p.problem === 'is not a known setting')).toBe(true);
  });

  it('a key far from every known one is refused without a guess', () => {
    const e = problemsOf(() => parseConfig({ ...rawConfig(), colour: 'blue' }));
    expect(e.problems).toEqual([
      expect.objectContaining({ path: 'colour', fix: expect.stringContaining('Remove it') as unknown }),
    ]);
  });

  it('keys chosen by the user (warehouse codes) are never unknown', () => {
    const target = targetRaw('shop', 'https://shop.example.com', { warehouses: { anything: 'A', 'x y': 'B' } });
    expect(() => parseConfig({ ...rawConfig(), targets: [target] })).not.toThrow();
  });

  it('the example config has no unknown key', () => {
    const example: unknown = JSON.parse(
      fs.readFileSync(path.join(__dirname, '../../../stockbridge.example.json'), 'utf8'),
    );
    const env = new Proxy({}, { get: () => 'set' });
    expect(() => parseConfig(example, env, path.join(__dirname, '../../fixtures'))).not.toThrow(/known setting/);
  });

  it('reports each missing environment variable once, naming every place it is used', () => {
    const raw = rawConfig({ auth: { shipmentsToken: '${TOKEN_A}', adminToken: '${TOKEN_A}' } });
    const e = problemsOf(() => parseConfig(raw, {}));
    const aboutToken = e.problems.filter((p) => p.problem.includes('TOKEN_A') || p.path.startsWith('auth.'));
    expect(aboutToken).toEqual([
      expect.objectContaining({
        path: 'auth.shipmentsToken, auth.adminToken',
        problem: 'environment variable TOKEN_A is not set',
      }),
    ]);
    expect(e.message).toBe('invalid configuration (1 problem)');
  });

  it('didYouMean only guesses when close', () => {
    expect(didYouMean('dryrun', ['dry-run', 'config'])).toBe('dry-run');
    expect(didYouMean('bogus', ['dry-run', 'config'])).toBeUndefined();
  });
});
