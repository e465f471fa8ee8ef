/**
 * A sandboxed stdio upstream with a network allow-list (`sandbox: { network: [...] }`), through the
 * gateway with the real MCP client and real bubblewrap. The upstream's proxy-aware client (curl)
 * reaches the listed service, plain HTTP and through a CONNECT tunnel; a service not on the list is
 * refused by the proxy and never sees a connection; going around the proxy finds no network at all;
 * a listed *name* that resolves to loopback is refused (only a listed IP literal may be internal).
 * Without bwrap this test FAILS.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/client';
import type { Gateway } from '../../src/gateway/index.js';
import { which } from '../../src/security/connect/sandbox.js';
import { capturingLogger, ROOT, startTestGateway, textOf } from './helpers.js';

const PROBE = join(ROOT, 'test/fixtures/sandbox/probe-server.ts');

interface Site {
  server: Server;
  port: number;
  hits: number;
}

async function site(body: string): Promise<Site> {
  const s: Site = { server: createServer(), port: 0, hits: 0 };
  s.server.on('request', (_req, res) => {
    s.hits++;
    res.end(body);
  });
  // CONNECT tunnels arrive as plain connections; count those too.
  s.server.on('connection', () => undefined);
  await new Promise<void>((r) => s.server.listen(0, '127.0.0.1', () => r()));
  s.port = (s.server.address() as { port: number }).port;
  return s;
}

describe('gateway: a sandboxed upstream with a network allow-list', () => {
  let gateway: Gateway;
  let client: Client;
  let allowed: Site;
  let other: Site;
  const log = capturingLogger();
  const work = mkdtempSync(join(ROOT, '.gw-files-egress-'));

  beforeAll(async () => {
    expect(which('bwrap'), 'bubblewrap must be installed (apt-get install bubblewrap)').toBeTruthy();
    expect(which('curl'), 'curl must be installed (the probe server uses it as a proxy-aware client)').toBeTruthy();
    allowed = await site('hello from the allowed site');
    other = await site('secret internal page');
    ({ gateway, client } = await startTestGateway(
      {
        mcpServers: {
          probe: {
            command: process.execPath,
            args: ['--import', 'tsx', PROBE],
            cwd: ROOT,
            // An IP literal may be internal: the operator named it. `localhost` by name resolves to loopback and is refused.
            sandbox: { writableDir: join(work, 'own'), network: [`127.0.0.1:${allowed.port}`, `localhost:${allowed.port}`] },
          },
        },
        pins: { trustOnFirstUse: true, relistIntervalSeconds: 0 },
        output: { mode: 'off' },
      },
      { logger: log.logger },
    ));
  }, 60_000);

  afterAll(async () => {
    await client?.close();
    await gateway?.close();
    allowed?.server.close();
    other?.server.close();
    rmSync(work, { recursive: true, force: true });
  });

  const get = async (args: Record<string, unknown>) =>
    JSON.parse(textOf(await client.callTool({ name: 'probe__http_get', arguments: args }))) as {
      ok: boolean;
      code?: string;
      value?: string;
    };

  it('reaches the listed service through the proxy, over plain HTTP and through a CONNECT tunnel', async () => {
    expect(await get({ url: `http://127.0.0.1:${allowed.port}/` })).toEqual({ ok: true, value: 'hello from the allowed site' });
    expect(await get({ url: `http://127.0.0.1:${allowed.port}/t`, tunnel: true })).toEqual({
      ok: true,
      value: 'hello from the allowed site',
    });
    expect(allowed.hits).toBe(2);
    expect(log.events().filter((e) => e.event === 'egress_allowed' && e.server === 'probe')).toHaveLength(2);
  });

  it('a service not on the list is refused by the proxy and sees no request', async () => {
    const before = other.hits;
    const plain = await get({ url: `http://127.0.0.1:${other.port}/` });
    expect(plain.ok).toBe(false);
    expect(plain.code).toMatch(/403|not on the allow-list/);
    const tunnel = await get({ url: `http://127.0.0.1:${other.port}/`, tunnel: true });
    expect(tunnel.ok).toBe(false);
    expect(other.hits).toBe(before);
    const denied = log.events().filter((e) => e.event === 'egress_denied' && e.port === other.port);
    expect(denied.length).toBeGreaterThanOrEqual(2);
    expect(String(denied[0]?.reason)).toContain('not on the allow-list');
  });

  it('going around the proxy finds no network at all, not even the listed service', async () => {
    const before = allowed.hits;
    const r = await get({ url: `http://127.0.0.1:${allowed.port}/`, direct: true });
    expect(r.ok).toBe(false);
    expect(allowed.hits).toBe(before);
  });

  it('a listed host name that resolves to loopback is refused (no reaching internal services by name)', async () => {
    const before = allowed.hits;
    const r = await get({ url: `http://localhost:${allowed.port}/` });
    expect(r.ok).toBe(false);
    expect(allowed.hits).toBe(before);
    expect(log.events().some((e) => e.event === 'egress_denied' && String(e.reason).includes('internal or reserved address'))).toBe(true);
  });

  it('the gateway and the upstream stay up', async () => {
    expect(textOf(await client.callTool({ name: 'probe__ping', arguments: {} }))).toContain('pong');
    expect(gateway.upstreams().every((u) => u.status === 'ready')).toBe(true);
  });
});
