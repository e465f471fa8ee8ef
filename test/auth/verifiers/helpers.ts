import { expect } from 'vitest';
import { AuthError, type AuthFailureReason } from '../../../src/auth/principal.js';
import { ConfigError } from '../../../src/errors.js';

/** Asserts the promise rejects with an AuthError of this reason (and status), and that the message does not leak the token. */
export async function expectAuthError(
  p: Promise<unknown>,
  reason: AuthFailureReason,
  opts: { status?: number; token?: string } = {},
): Promise<AuthError> {
  let caught: unknown;
  try {
    await p;
  } catch (err) {
    caught = err;
  }
  expect(caught, `expected AuthError(${reason})`).toBeInstanceOf(AuthError);
  const err = caught as AuthError;
  expect(err.reason).toBe(reason);
  expect(err.status).toBe(opts.status ?? (reason === 'insufficient_scope' ? 403 : reason === 'verifier_unavailable' ? 503 : 401));
  if (opts.token !== undefined && opts.token.length > 8) {
    expect(err.message).not.toContain(opts.token);
    for (const part of opts.token.split('.')) if (part.length > 8) expect(err.message).not.toContain(part);
  }
  return err;
}

export function expectConfigError(fn: () => unknown, mentions: string | RegExp): ConfigError {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught, 'expected ConfigError').toBeInstanceOf(ConfigError);
  const err = caught as ConfigError;
  if (typeof mentions === 'string') expect(err.message).toContain(mentions);
  else expect(err.message).toMatch(mentions);
  return err;
}

export function b64url(value: unknown): string {
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
}

export const now = (): number => Math.floor(Date.now() / 1000);
