import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import {
  isHttpsOrLoopbackHttp,
  isLoopbackAddress,
  isLoopbackHost,
  parseUrlOption,
  requireHttps,
  requireHttpsUnlessLoopback,
} from '../../src/net/url-policy.js';
import { configError } from '../helpers/errors.js';

describe('loopback: what counts as this machine', () => {
  it.each(['127.0.0.1', '127.1.2.3', '::1', '[::1]', '0:0:0:0:0:0:0:1', 'localhost', 'LOCALHOST', '[LocalHost]'])('%s is loopback', (h) => {
    expect(isLoopbackHost(h)).toBe(true);
  });

  it.each([
    'localhost.evil.example',
    'evil.localhost',
    '127.0.0.1.nip.io',
    'localhost.',
    '10.0.0.1',
    '192.168.1.1',
    '0.0.0.0',
    '::',
    '::ffff:127.0.0.1',
    '128.0.0.1',
    'example.com',
    '',
  ])('the look-alike or remote host %j is not loopback', (h) => {
    expect(isLoopbackHost(h)).toBe(false);
  });

  it('a bind address must be a loopback IP literal: the name localhost is not an address', () => {
    expect(isLoopbackAddress('127.0.0.1')).toBe(true);
    expect(isLoopbackAddress('::1')).toBe(true);
    expect(isLoopbackAddress('[::1]')).toBe(true);
    expect(isLoopbackAddress('localhost')).toBe(false);
    expect(isLoopbackAddress('0.0.0.0')).toBe(false);
  });

  it('the predicate admits plain http only for loopback hosts and only when asked', () => {
    expect(isHttpsOrLoopbackHttp(new URL('https://example.com'), false)).toBe(true);
    expect(isHttpsOrLoopbackHttp(new URL('http://127.0.0.1:1'), true)).toBe(true);
    expect(isHttpsOrLoopbackHttp(new URL('http://127.0.0.1:1'), false)).toBe(false);
    expect(isHttpsOrLoopbackHttp(new URL('http://example.com'), true)).toBe(false);
    expect(isHttpsOrLoopbackHttp(new URL('ftp://127.0.0.1'), true)).toBe(false);
  });
});

describe('requireHttpsUnlessLoopback (public URLs of this server)', () => {
  it.each(['http://127.0.0.1:3000', 'http://localhost:3000', 'http://[::1]:3000', 'https://mcp.example.com', 'http://localhost:3000/base'])(
    'accepts %s',
    (raw) => {
      expect(requireHttpsUnlessLoopback('baseUrl', raw).href).toBe(new URL(raw).href);
    },
  );

  it.each([
    'http://example.com',
    'http://127.0.0.1.nip.io:3000',
    'http://10.0.0.1:3000',
    'http://localhost.evil.example',
    'http://192.168.0.10:3000',
    'ftp://127.0.0.1',
    'javascript:alert(1)',
  ])('refuses %s with a ConfigError naming the option', (raw) => {
    const err = configError(() => requireHttpsUnlessLoopback('MCP_BASTION_BASE_URL', raw));
    expect(err.option).toBe('MCP_BASTION_BASE_URL');
    expect(err.message).toMatch(/^MCP_BASTION_BASE_URL: must use https/);
  });

  it('refuses credentials, garbage and empty values', () => {
    expect(configError(() => requireHttpsUnlessLoopback('baseUrl', 'https://u:p@mcp.example')).message).toMatch(/credentials/);
    expect(configError(() => requireHttpsUnlessLoopback('baseUrl', 'http://u@127.0.0.1:1')).message).toMatch(/credentials/);
    expect(configError(() => requireHttpsUnlessLoopback('baseUrl', 'not a url')).message).toMatch(/^baseUrl: .*not a valid URL/);
    expect(configError(() => parseUrlOption('baseUrl', '')).message).toBe('baseUrl: is required');
    expect(configError(() => parseUrlOption('baseUrl', undefined)).message).toBe('baseUrl: is required');
  });
});

describe('requireHttps (URLs we fetch from or trust)', () => {
  it('plain http to loopback needs the switch, and the error names the switch', () => {
    expect(configError(() => requireHttps('jwksUri', 'http://127.0.0.1:1/jwks', false)).message).toMatch(/allowInsecureLoopback: true/);
    expect(requireHttps('jwksUri', 'http://127.0.0.1:1/jwks', true).port).toBe('1');
    expect(configError(() => requireHttps('x', 'http://localhost:1', false, 'MY_SWITCH')).message).toMatch(/MY_SWITCH/);
  });

  it.each(['http://example.com/jwks', 'http://10.0.0.1/jwks', 'http://127.0.0.1.nip.io/jwks', 'http://localhost.evil.example/jwks'])(
    'the switch does not open plain http to the remote host %s',
    (raw) => {
      const err = configError(() => requireHttps('jwksUri', raw, true));
      expect(err.message).toBe('jwksUri: must use https:');
    },
  );
});
