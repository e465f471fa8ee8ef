import { readFileSync } from 'node:fs';
import { ConfigError } from './errors.js';

/**
 * The one reader of environment variables. Every helper takes the environment as an argument
 * (tests pass plain objects) and every error is a ConfigError naming the variable.
 */
export type Env = Readonly<Record<string, string | undefined>>;

/** The trimmed value. Empty counts as unset: `VAR=` in .env templates and compose files means "not configured". */
export function envString(env: Env, name: string): string | undefined {
  const v = env[name]?.trim();
  return v === undefined || v === '' ? undefined : v;
}

/** The first of several accepted names that is set (preferred name first), with the name it came from. */
export function envFirst(env: Env, names: readonly string[]): { name: string; value: string } | undefined {
  for (const name of names) {
    const value = envString(env, name);
    if (value !== undefined) return { name, value };
  }
  return undefined;
}

/**
 * A list: comma-separated by default (`separator: /[\s,]+/` also splits on whitespace, as scope
 * lists do). Items are trimmed, empty ones dropped; undefined when unset or nothing is left.
 */
export function envList(env: Env, name: string, opts: { separator?: RegExp; lowercase?: boolean } = {}): string[] | undefined {
  const raw = envString(env, name);
  if (raw === undefined) return undefined;
  const items = raw
    .split(opts.separator ?? ',')
    .map((s) => (opts.lowercase ? s.trim().toLowerCase() : s.trim()))
    .filter((s) => s !== '');
  return items.length === 0 ? undefined : items;
}

/** A decimal integer within [min, max]. `1e3`, `0x10`, `12abc` and `3.5` are refused, not coerced. */
export function envInt(env: Env, name: string, range: { min?: number; max?: number } = {}): number | undefined {
  const raw = envString(env, name);
  if (raw === undefined) return undefined;
  const min = range.min ?? Number.MIN_SAFE_INTEGER;
  const max = range.max ?? Number.MAX_SAFE_INTEGER;
  const n = /^-?\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    const bounds = range.max === undefined ? `>= ${min}` : `between ${min} and ${max}`;
    throw new ConfigError(name, `expected an integer ${bounds}, got ${JSON.stringify(raw)}`);
  }
  return n;
}

/**
 * The value, or with `@path` the contents of that file (keys and certificates are easier to
 * mount as files than to paste). `\n` escapes, common in container env files, become newlines.
 */
export function envValueOrFile(env: Env, name: string): string | undefined {
  const raw = envString(env, name);
  if (raw === undefined) return undefined;
  if (raw.startsWith('@')) {
    const path = raw.slice(1);
    try {
      return readFileSync(path, 'utf8');
    } catch (cause) {
      throw new ConfigError(name, `cannot read file ${path}`, { cause });
    }
  }
  return raw.includes('\\n') ? raw.replace(/\\n/g, '\n') : raw;
}
