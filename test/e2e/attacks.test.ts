import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { initTRPC } from '@trpc/server';
import { z } from 'zod';
import { pino } from 'pino';
import { createDemoRouter, demoRules } from '../../src/demo/router.js';
import type { BastionMeta } from '../../src/server/meta.js';
import type { Principal } from '../../src/auth/principal.js';
import { connectClient, initializeBody, rawPost, startServer, type Started } from '../helpers/mcp.js';
import { rawHttp } from '../helpers/raw-http.js';

const SECRET = 'postgres://admin:hunter2-s3cret@db.internal/prod';

function leakyRouter() {
  const t = initTRPC.context<{ auth: Principal }>().meta<BastionMeta>().create();
  return t.router({
    explode: t.procedure
      .meta({ mcp: { description: 'Always fails with an internal error.' } })
      .input(z.object({}))
      .mutation(() => {
        throw new Error(`connection failed: ${SECRET}`);
      }),
    leakResource: t.procedure.meta({ mcpResource: { uri: 'leak://x', name: 'leak' } }).query(() => {
      throw new TypeError(`cannot read ${SECRET}`);
    }),
  });
}

describe('transport guard: attacks from the network side', () => {
  let s: Started;
  let origin: string;
  beforeAll(async () => {
    s = await startServer({ name: 'demo', version: '1.0.0', router: createDemoRouter(), rules: demoRules });
    origin = s.url;
  });
  afterAll(() => s.close());

  it('refuses a DNS-rebinding Host (evil.example) with 403 on every route', async () => {
    for (const path of ['/mcp', '/trpc/whoami', '/health']) {
      const res = await rawHttp(`${s.url}${path}`, {
        method: path === '/mcp' ? 'POST' : 'GET',
        headers: { host: 'evil.example', 'content-type': 'application/json' },
        body: path === '/mcp' ? initializeBody() : undefined,
      });
      expect(res.status).toBe(403);
    }
  });

  it('refuses Host headers that only look local', async () => {
    for (const host of ['127.0.0.1.evil.example', `evil.example:${s.running.port}`, `127.0.0.1@evil.example`, '', 'localhost.:1']) {
      const res = await rawHttp(`${s.url}/health`, { headers: { host } });
      expect([400, 403]).toContain(res.status);
    }
  });

  it('accepts the loopback names it is bound to', async () => {
    for (const host of [`127.0.0.1:${s.running.port}`, `localhost:${s.running.port}`]) {
      const res = await rawHttp(`${s.url}/health`, { headers: { host } });
      expect(res.status).toBe(200);
    }
  });

  it('refuses a foreign Origin (https://evil.example) and Origin: null with 403, accepts its own and none', async () => {
    const post = (headers: Record<string, string>) =>
      rawHttp(`${s.url}/mcp`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
        body: initializeBody(),
      });
    expect((await post({ origin: 'https://evil.example' })).status).toBe(403);
    expect((await post({ origin: 'null' })).status).toBe(403);
    expect((await post({ origin: `http://localhost:${s.running.port}.evil.example` })).status).toBe(403);
    expect((await post({ origin })).status).toBe(200);
    expect((await post({})).status).toBe(200);
  });

  it('sends no CORS headers when CORS is not configured', async () => {
    const res = await rawHttp(`${s.url}/mcp`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST' } });
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('answers 413 to a 2 MiB body, declared or chunked, and keeps serving', async () => {
    const big = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: { pad: 'x'.repeat(2 * 1024 * 1024) } });
    const declared = await rawHttp(`${s.url}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(big)) },
      body: big,
    });
    expect(declared.status).toBe(413);
    const chunked = await rawHttp(`${s.url}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      body: big,
      chunked: true,
    });
    expect(chunked.status).toBe(413);
    const trpc = await rawHttp(`${s.url}/trpc/notes.add`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      body: big,
      chunked: true,
    });
    expect(trpc.status).toBe(413);
    expect((await fetch(`${s.url}/health`)).status).toBe(200);
  });

  it('answers malformed JSON with -32700 and invalid JSON-RPC with -32600', async () => {
    for (const body of ['{bad', '', '\u0000', '[1,']) {
      const res = await rawPost(s.url, body);
      expect(res.status).toBe(400);
      expect((await res.json()).error.code).toBe(-32700);
    }
    for (const body of [
      '{"foo":1}',
      '42',
      '"x"',
      '{"jsonrpc":"1.0","id":1,"method":"ping"}',
      '{"jsonrpc":"2.0","id":{},"method":"ping"}',
      '{"jsonrpc":"2.0","id":1,"method":"tools/list","params":7}',
      '[]',
    ]) {
      const res = await rawPost(s.url, body);
      expect(res.status).toBe(400);
      expect((await res.json()).error.code).toBe(-32600);
    }
  });

  it('answers unknown methods with -32601 in a 2025 session and on 2026-07-28, and stays up', async () => {
    const init = await rawPost(s.url, initializeBody());
    const sid = init.headers.get('mcp-session-id');
    expect(sid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    await rawPost(s.url, JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }), {
      'mcp-session-id': sid ?? '',
      'mcp-protocol-version': '2025-11-25',
    });
    const unknown = await rawPost(s.url, JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'evil/method' }), {
      'mcp-session-id': sid ?? '',
      'mcp-protocol-version': '2025-11-25',
    });
    expect((await unknown.json()).error.code).toBe(-32601);

    const meta = {
      'io.modelcontextprotocol/protocolVersion': '2026-07-28',
      'io.modelcontextprotocol/clientInfo': { name: 'raw', version: '1' },
      'io.modelcontextprotocol/clientCapabilities': {},
    };
    const modern = await rawPost(s.url, JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'evil/method', params: { _meta: meta } }), {
      'mcp-protocol-version': '2026-07-28',
      'mcp-method': 'evil/method',
    });
    expect((await modern.json()).error.code).toBe(-32601);
    const client = await connectClient(s.url, '2026-07-28');
    expect((await client.listTools()).tools.length).toBe(4);
    await client.close();
  });

  it('refuses unknown or forged session IDs with 404', async () => {
    const res = await rawPost(s.url, JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }), {
      'mcp-session-id': '00000000-0000-4000-8000-000000000000',
      'mcp-protocol-version': '2025-11-25',
    });
    expect(res.status).toBe(404);
    const noSession = await rawPost(s.url, JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }), {
      'mcp-protocol-version': '2025-11-25',
    });
    expect(noSession.status).toBe(400);
  });

  it('refuses a non-JSON content type with 415', async () => {
    const res = await rawHttp(`${s.url}/mcp`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: initializeBody() });
    expect(res.status).toBe(415);
  });
});

describe('error masking', () => {
  let s: Started;
  const lines: string[] = [];
  beforeAll(async () => {
    const sink = new Writable({
      write: (chunk, _enc, cb) => {
        lines.push(String(chunk));
        cb();
      },
    });
    s = await startServer({ name: 'leaky', version: '1', router: leakyRouter(), logger: pino({ level: 'error' }, sink) });
  });
  afterAll(() => s.close());

  it('never shows a procedure error containing a secret to an MCP client; logs it under an error id', async () => {
    const client = await connectClient(s.url, '2025-11-25');
    const result = await client.callTool({ name: 'explode', arguments: {} });
    const text = (result.content as { text: string }[])[0]?.text ?? '';
    expect(result.isError).toBe(true);
    expect(text).not.toContain('hunter2');
    const id = /error id ([0-9a-f-]+)/.exec(text)?.[1];
    expect(id).toBeTruthy();
    expect(lines.join('')).toContain(id as string);
    expect(lines.join('')).toContain('hunter2');
    await expect(client.readResource({ uri: 'leak://x' })).rejects.toThrow(/Internal error \(error id/);
    await client.close();
  });

  it('never shows the secret or a stack trace over /trpc', async () => {
    const res = await fetch(`${s.url}/trpc/explode`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    const body = await res.text();
    expect(res.status).toBe(500);
    expect(body).not.toContain('hunter2');
    expect(body).not.toMatch(/stack|at .*\.ts:\d+/);
    expect(body).toContain('Internal error (error id');
  });
});
