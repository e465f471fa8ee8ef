import { describe, expect, it } from 'vitest';
import { resolveHttpConfig } from '../../src/config.js';
import { ConfigError } from '../../src/errors.js';
import { defaultOriginPolicy, isHostAllowed, isOriginAllowed } from '../../src/http/guard.js';
import { configError } from '../helpers/errors.js';

const err = configError;

describe('binding defaults', () => {
  it('binds 127.0.0.1 by default', () => {
    expect(resolveHttpConfig({}, {}).host).toBe('127.0.0.1');
  });

  it('never binds "localhost", naming the option or variable at fault', () => {
    expect(err(() => resolveHttpConfig({ host: 'localhost' }, {})).option).toBe('http.host');
    expect(err(() => resolveHttpConfig({}, { MCP_BASTION_HOST: 'LOCALHOST' })).option).toBe('MCP_BASTION_HOST');
  });

  it('refuses 0.0.0.0, :: and LAN addresses without the explicit flag', () => {
    for (const host of ['0.0.0.0', '::', '192.168.1.10']) {
      expect(err(() => resolveHttpConfig({ host }, {})).message).toMatch(/allow-all-interfaces/);
    }
    const c = resolveHttpConfig({ host: '0.0.0.0', allowAllInterfaces: true }, {});
    expect(c.exposed).toBe(true);
  });

  it('rejects bad values with the variable named', () => {
    expect(err(() => resolveHttpConfig({}, { MCP_BASTION_PORT: 'eighty' })).option).toBe('MCP_BASTION_PORT');
    expect(err(() => resolveHttpConfig({}, { MCP_BASTION_BASE_URL: 'http://mcp.example.com' })).option).toBe('MCP_BASTION_BASE_URL');
    expect(err(() => resolveHttpConfig({}, { MCP_BASTION_ALLOWED_ORIGINS: 'not a url' })).option).toBe('MCP_BASTION_ALLOWED_ORIGINS');
    expect(err(() => resolveHttpConfig({}, { MCP_BASTION_CORS_ORIGINS: '*' })).option).toBe('MCP_BASTION_CORS_ORIGINS');
    expect(err(() => resolveHttpConfig({ maxBodyBytes: -1 }, {})).option).toBe('http.maxBodyBytes');
  });

  it('reads allow-lists from the environment', () => {
    const c = resolveHttpConfig(
      {},
      { MCP_BASTION_ALLOWED_HOSTS: 'mcp.example.com, Other.example:8443', MCP_BASTION_ALLOWED_ORIGINS: 'https://app.example.com' },
    );
    expect(c.allowedHosts).toEqual(['mcp.example.com', 'other.example:8443']);
    expect(c.allowedOrigins).toEqual(['https://app.example.com']);
  });
});

describe('Host and Origin allow-lists derived from the bind address and base URL', () => {
  const policy = defaultOriginPolicy('127.0.0.1', 3000, new URL('https://mcp.example.com'));

  it('allows loopback names on the bound port and the public host', () => {
    for (const h of ['127.0.0.1:3000', 'localhost:3000', '[::1]:3000', 'mcp.example.com', 'MCP.EXAMPLE.COM'])
      expect(isHostAllowed(h, policy)).toBe(true);
  });

  it('refuses other ports, lookalikes and junk', () => {
    for (const h of ['127.0.0.1:3001', 'localhost', 'evil.example', 'mcp.example.com.evil.example', 'localhost:3000@evil', ' ', 'a b'])
      expect(isHostAllowed(h, policy)).toBe(false);
    expect(isHostAllowed(null, policy)).toBe(false);
  });

  it('allows no Origin, its own origins; refuses null and foreign ones', () => {
    expect(isOriginAllowed(null, policy)).toBe(true);
    expect(isOriginAllowed('http://localhost:3000', policy)).toBe(true);
    expect(isOriginAllowed('https://mcp.example.com', policy)).toBe(true);
    for (const o of [
      'null',
      'https://evil.example',
      'http://localhost:3001',
      'https://mcp.example.com.evil.example',
      'http://mcp.example.com',
    ])
      expect(isOriginAllowed(o, policy)).toBe(false);
  });
});

describe('binding every interface', () => {
  it('needs the explicit flag and then warns in the log', async () => {
    const { Writable } = await import('node:stream');
    const { pino } = await import('pino');
    const { createMcpServer } = await import('../../src/server/create.js');
    const { createDemoRouter } = await import('../../src/demo/router.js');
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, new Writable({ write: (c, _e, cb) => (lines.push(String(c)), cb()) }));
    expect(() =>
      createMcpServer({ name: 'x', version: '1', router: createDemoRouter(), logger, http: { host: '0.0.0.0', port: 0 } }),
    ).toThrow(/allow-all-interfaces/);
    const server = createMcpServer({
      name: 'x',
      version: '1',
      router: createDemoRouter(),
      logger,
      http: { host: '0.0.0.0', port: 0, allowAllInterfaces: true },
    });
    const running = await server.listen();
    try {
      expect(lines.map((l) => JSON.parse(l).event)).toContain('exposed_bind');
      // Reachable on loopback, and the Host allow-list still holds.
      expect((await fetch(`http://127.0.0.1:${running.port}/health`)).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});
