import { ConfigError } from '../../src/config/load-config';

/** The ConfigError `fn` throws; fails the test if it throws anything else or nothing. */
export function problemsOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError');
}
