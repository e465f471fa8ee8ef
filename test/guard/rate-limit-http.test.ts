import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createDemoRouter, demoRules } from '../../src/demo/router.js';
import { RATE_LIMITED_CODE, rateLimitPolicy, rateLimitResponse } from '../../src/guard/rate-limit.js';
import { createLogger } from '../../src/log.js';
import { createMcpServer, type McpBastionServer } from '../../src/server/create.js';
import type { Store } from '../../src/storage/types.js';
import { makeBackend, type Backend } from '../storage/helpers.js';

/**
 * The wiring the lead adds to /mcp, done here in front of the real server's fetch handler: a
 * flood of tools/call past the limit gets HTTP 429 with a JSON-RPC error, and the server stays up.
 */
describe('rate limit in front of a real MCP server, real SDK client, real Redis', () => {
  let backend: Backend;
  let store: Store;
  let mcp: McpBastionServer;
  let http: Server;
  let url: string;
  beforeAll(async () => {
    // One aligned window for the whole test (only Date is faked; timers and I/O run normally).
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Math.ceil(Date.now() / 3_600_000) * 3_600_000 + 1000);
    backend = makeBackend('redis');
    store = await backend.open();
    const policy = rateLimitPolicy([{ match: 'notes_*', perPrincipal: { points: 3, durationSeconds: 3600 } }], store);
    const handler = async (request: Request): Promise<Response> => {
      if (request.method === 'POST') {
        const body = (await request
          .clone()
          .json()
          .catch(() => undefined)) as { id?: number; method?: string; params?: { name?: string } } | undefined;
        if (body?.method === 'tools/call' && typeof body.params?.name === 'string') {
          const d = await policy.consume({ tool: body.params.name, principal: 'anonymous' });
          if (!d.allowed) return rateLimitResponse(d.retryAfterSeconds, body.id ?? null);
        }
      }
      return mcp.fetch(request);
    };
    http = createServer(getRequestListener(handler));
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', () => r()));
    const port = (http.address() as AddressInfo).port;
    url = `http://127.0.0.1:${port}`;
    mcp = createMcpServer({
      name: 'demo',
      version: '1.0.0',
      router: createDemoRouter(),
      rules: demoRules,
      logger: createLogger({ level: 'silent' }),
      http: { allowedHosts: [`127.0.0.1:${port}`] },
    });
  });
  afterAll(async () => {
    vi.useRealTimers();
    await new Promise<void>((r) => http.close(() => r()));
    await mcp.close();
    await store.close();
    await backend.cleanup();
  });

  it('answers the call past the limit with 429 / -32029 and keeps serving', async () => {
    const client = new Client({ name: 'flood', version: '1.0.0' }, { supportedProtocolVersions: ['2025-11-25'] });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${url}/mcp`)));
    try {
      for (let i = 0; i < 3; i++) expect((await client.callTool({ name: 'notes_add', arguments: { text: `n${i}` } })).isError).toBeFalsy();
      const refused = await client.callTool({ name: 'notes_list', arguments: {} }).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(refused).toBeInstanceOf(Error);
      // The SDK client surfaces a non-2xx answer as SdkHttpError carrying the status and our JSON-RPC body.
      expect(refused).toMatchObject({ data: { status: 429 } });
      expect(String((refused as Error).message)).toContain(String(RATE_LIMITED_CODE));
      // Unlimited tools and lists still work: the flood did not take the server down.
      expect((await client.callTool({ name: 'whoami', arguments: {} })).isError).toBeFalsy();
      expect((await client.listTools()).tools.length).toBeGreaterThan(0);
    } finally {
      await client.close();
    }
    const raw = await fetch(`${url}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'tools/call', params: { name: 'notes_add', arguments: { text: 'x' } } }),
    });
    expect(raw.status).toBe(429);
    expect(Number(raw.headers.get('retry-after'))).toBeGreaterThan(3000);
    expect(await raw.json()).toMatchObject({ jsonrpc: '2.0', id: 9, error: { code: RATE_LIMITED_CODE } });
  });
});
