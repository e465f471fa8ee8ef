import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { envFirst, envInt, envList, envString, envValueOrFile } from '../src/env.js';
import { ConfigError } from '../src/errors.js';
import { resolveHttpConfig } from '../src/config.js';
import { configError } from './helpers/errors.js';

describe('env: one reader, errors name the variable', () => {
  it('strings are trimmed and empty means unset', () => {
    expect(envString({ A: '  x  ' }, 'A')).toBe('x');
    expect(envString({ A: '' }, 'A')).toBeUndefined();
    expect(envString({ A: '   ' }, 'A')).toBeUndefined();
    expect(envString({}, 'A')).toBeUndefined();
  });

  it('the first accepted name that is set wins, and says which it was', () => {
    expect(envFirst({ B: 'b', C: 'c' }, ['A', 'B', 'C'])).toEqual({ name: 'B', value: 'b' });
    expect(envFirst({ A: ' ', B: 'b' }, ['A', 'B'])).toEqual({ name: 'B', value: 'b' });
    expect(envFirst({}, ['A', 'B'])).toBeUndefined();
  });

  it('lists split on commas (or a given separator), drop empties, and are undefined when nothing is left', () => {
    expect(envList({ L: 'a, b,,c ' }, 'L')).toEqual(['a', 'b', 'c']);
    expect(envList({ L: 'A,B' }, 'L', { lowercase: true })).toEqual(['a', 'b']);
    expect(envList({ L: 'a b,c' }, 'L', { separator: /[\s,]+/ })).toEqual(['a', 'b', 'c']);
    expect(envList({ L: ' , ,' }, 'L')).toBeUndefined();
    expect(envList({}, 'L')).toBeUndefined();
  });

  it('integers are decimal and in range; anything else is refused, naming the variable', () => {
    expect(envInt({ N: ' 42 ' }, 'N', { min: 0 })).toBe(42);
    expect(envInt({}, 'N', { min: 0 })).toBeUndefined();
    for (const bad of ['1e3', '0x10', '12abc', '3.5', 'eighty', '99999999999999999999', '-1']) {
      const err = configError(() => envInt({ N: bad }, 'N', { min: 0, max: 65535 }));
      expect(err.option).toBe('N');
      expect(err.message).toMatch(/^N: expected an integer between 0 and 65535/);
    }
    expect(configError(() => envInt({ N: '70000' }, 'N', { min: 0, max: 65535 })).message).toContain('"70000"');
  });

  it('@path reads the file; a missing file is an error naming the variable; \\n escapes become newlines', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mb-env-'));
    writeFileSync(join(dir, 'key.pem'), '-----BEGIN PUBLIC KEY-----\nabc\n-----END PUBLIC KEY-----\n');
    expect(envValueOrFile({ K: `@${join(dir, 'key.pem')}` }, 'K')).toContain('BEGIN PUBLIC KEY');
    const err = configError(() => envValueOrFile({ K: `@${join(dir, 'missing.pem')}` }, 'K'));
    expect(err.option).toBe('K');
    expect(err.message).toContain('cannot read file');
    expect(envValueOrFile({ K: 'line1\\nline2' }, 'K')).toBe('line1\nline2');
  });
});

describe('the HTTP config reads the environment through it', () => {
  it('PORT is accepted as a fallback and its own name is reported when bad', () => {
    expect(resolveHttpConfig({}, { PORT: '8080' }).port).toBe(8080);
    expect(resolveHttpConfig({}, { MCP_BASTION_PORT: '9090', PORT: '8080' }).port).toBe(9090);
    expect(configError(() => resolveHttpConfig({}, { PORT: '8o8o' })).option).toBe('PORT');
    expect(configError(() => resolveHttpConfig({}, { MCP_BASTION_PORT: '70000' })).option).toBe('MCP_BASTION_PORT');
    expect(configError(() => resolveHttpConfig({ port: 70000 }, {})).option).toBe('http.port');
  });

  it('an empty variable means unset, not an empty host or a port of 0', () => {
    const c = resolveHttpConfig({}, { MCP_BASTION_HOST: '', MCP_BASTION_PORT: '', MCP_BASTION_MAX_BODY_BYTES: ' ' });
    expect(c).toMatchObject({ host: '127.0.0.1', port: 3000, maxBodyBytes: 1024 * 1024 });
  });

  it('a "1e6" body limit is refused instead of read as a number', () => {
    expect(configError(() => resolveHttpConfig({}, { MCP_BASTION_MAX_BODY_BYTES: '1e6' })).option).toBe('MCP_BASTION_MAX_BODY_BYTES');
  });
});
