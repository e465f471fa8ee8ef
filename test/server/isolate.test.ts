import { initTRPC } from '@trpc/server';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import type { Client } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { assertIsolationReady, bindIsolation, isolatedCallsInFlight } from '../../src/server/isolate.js';
import type { BastionMeta } from '../../src/server/meta.js';
import { trpcRouterWithIsolation } from '../../src/server/isolate-trpc.js';
import { ANONYMOUS } from '../../src/auth/principal.js';
import { router } from '../fixtures/isolate/router.js';
import { connectClient, startServer, type Started } from '../helpers/mcp.js';

const ROUTER_MODULE = new URL('../fixtures/isolate/router.ts', import.meta.url);

type ToolResult = { content: { type: string; text: string }[]; isError?: boolean; structuredContent?: Record<string, unknown> };
const text = (r: ToolResult) => r.content[0]?.text ?? '';

describe('meta.mcp.isolate: per-call worker threads (real MCP client)', () => {
  let started: Started;
  let client: Client;
  const call = (name: string, args: Record<string, unknown> = {}) => client.callTool({ name, arguments: args }) as Promise<ToolResult>;

  beforeAll(async () => {
    bindIsolation(router, { routerModule: ROUTER_MODULE, maxConcurrent: 2 });
    assertIsolationReady(router);
    started = await startServer({ name: 'iso', version: '1', router });
    client = await connectClient(started.url, '2025-11-25');
  });
  afterAll(async () => {
    await client?.close();
    await started?.close();
  });

  it('runs the procedure in a worker, with its middleware and ctx.auth', async () => {
    const r = await call('add', { a: 2, b: 3 });
    expect(r.isError).toBeFalsy();
    const out = JSON.parse(text(r)) as Record<string, unknown>;
    expect(out).toMatchObject({ sum: 5, worker: true, subject: 'anonymous', isolated: true, seenBy: 'middleware@worker' });
    expect(out.threadId).not.toBe(0);
  });

  it('an endless loop is stopped at its timeout while the server keeps answering other calls', async () => {
    const spinning = call('spin');
    await expect.poll(() => isolatedCallsInFlight(router)).toBe(1);
    // The loop never yields: had it run on the main thread, these calls would never be answered.
    expect(text(await call('ping'))).toBe('pong');
    expect(JSON.parse(text(await call('add', { a: 1, b: 1 }))).sum).toBe(2);
    const r = await spinning;
    expect(r.isError).toBe(true);
    expect(text(r)).toBe('TIMEOUT: the tool did not finish within 1500 ms and was stopped');
    expect(text(await call('ping'))).toBe('pong');
  });

  it('a memory bomb hits the worker heap limit; the client sees a masked error and the server lives', async () => {
    const r = await call('hog');
    expect(r.isError).toBe(true);
    expect(text(r)).toMatch(/^Internal error \(error id [0-9a-f-]+\)$/);
    expect(text(await call('ping'))).toBe('pong');
  });

  it('errors cross the boundary as they would in-process: client-facing codes kept, internal ones masked, validation named', async () => {
    expect(text(await call('refuse'))).toBe('CONFLICT: already done');
    const crash = await call('crash');
    expect(crash.isError).toBe(true);
    expect(text(crash)).not.toContain('hunter2');
    expect(text(crash)).toMatch(/^Internal error/);
    const bad = await call('add', { a: 'two', b: 3 });
    expect(bad.isError).toBe(true);
    expect(text(bad)).toMatch(/^Invalid input: a: /);
  });

  it('caps isolated calls in flight (maxConcurrent) instead of spawning without bound', async () => {
    const a = call('spin');
    const b = call('spin');
    await expect.poll(() => isolatedCallsInFlight(router)).toBe(2);
    const refused = await call('add', { a: 1, b: 2 });
    expect(text(refused)).toBe('TOO_MANY_REQUESTS: too many isolated calls in progress; retry shortly');
    expect((await a).isError).toBe(true);
    expect((await b).isError).toBe(true);
    expect(JSON.parse(text(await call('add', { a: 1, b: 2 }))).sum).toBe(3);
  });
});

describe('the same isolation over the tRPC fetch adapter (/trpc)', () => {
  beforeAll(() => bindIsolation(router, { routerModule: ROUTER_MODULE, maxConcurrent: 2 }));
  const served = trpcRouterWithIsolation(router);
  const get = async (path: string, input?: unknown) => {
    const q = input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`;
    const res = await fetchRequestHandler({
      endpoint: '/trpc',
      req: new Request(`http://127.0.0.1/trpc/${path}${q}`),
      router: served,
      createContext: () => ({ auth: ANONYMOUS }),
    });
    return { status: res.status, body: (await res.json()) as { result?: { data: unknown }; error?: { data: { code: string } } } };
  };

  it('keeps non-isolated procedures as they are and replaces only the isolated ones', () => {
    const before = router._def.procedures as Record<string, unknown>;
    const after = served._def.procedures as Record<string, unknown>;
    expect(after.ping).toBe(before.ping);
    expect(after.add).not.toBe(before.add);
    expect(Object.keys(after).sort()).toEqual(Object.keys(before).sort());
  });

  it('runs an isolated procedure in a worker with its middleware, and validates its input there', async () => {
    const r = await get('add', { a: 2, b: 3 });
    expect(r.status).toBe(200);
    expect(r.body.result?.data).toMatchObject({ sum: 5, worker: true, seenBy: 'middleware@worker' });
    const bad = await get('add', { a: 'two', b: 3 });
    expect(bad.status).toBe(400);
    expect(bad.body.error?.data.code).toBe('BAD_REQUEST');
  });

  it('an endless loop over /trpc is stopped with TIMEOUT while other /trpc calls are answered', async () => {
    const spinning = get('spin');
    await expect.poll(() => isolatedCallsInFlight(router)).toBe(1);
    expect((await get('ping')).body.result?.data).toBe('pong');
    const r = await spinning;
    expect(r.status).toBe(408);
    expect(r.body.error?.data.code).toBe('TIMEOUT');
  });
});

describe('isolation configuration', () => {
  const t = initTRPC.meta<BastionMeta>().create();
  const unbound = t.router({ slow: t.procedure.meta({ mcp: { description: 'x', isolate: true } }).query(() => 1) });

  it('an isolated procedure without a router module is a start-up error naming the option', () => {
    expect(() => assertIsolationReady(unbound)).toThrow(ConfigError);
    expect(() => assertIsolationReady(unbound)).toThrow(/isolation\.routerModule: router\.slow has meta\.mcp\.isolate/);
  });

  it('refuses relative module paths and bad limits', () => {
    expect(() => bindIsolation(unbound, { routerModule: './router.js' })).toThrow(
      /isolation\.routerModule: must be a file URL or an absolute path/,
    );
    expect(() => bindIsolation(unbound, { routerModule: ROUTER_MODULE, timeoutMs: 0 })).toThrow(/isolation\.timeoutMs/);
    expect(() => bindIsolation(unbound, { routerModule: ROUTER_MODULE, maxConcurrent: 1.5 })).toThrow(/isolation\.maxConcurrent/);
  });
});
