import { ConfigError } from '../../src/errors.js';

/** Runs `fn` and returns the ConfigError it throws; anything else (or no error) fails the test. */
export function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}
