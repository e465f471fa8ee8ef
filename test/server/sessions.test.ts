import { afterEach, describe, expect, it } from 'vitest';
import { createDemoRouter } from '../../src/demo/router.js';
import { initializeBody, rawPost, startServer, type Started } from '../helpers/mcp.js';

let s: Started | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

const list = (sid: string) =>
  rawPost(s!.url, JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }), {
    'mcp-session-id': sid,
    'mcp-protocol-version': '2025-11-25',
  });

describe('2025-era sessions', () => {
  it('issues a distinct random session ID per initialize', async () => {
    s = await startServer({ name: 'd', version: '1', router: createDemoRouter() });
    const ids = new Set<string>();
    for (let i = 0; i < 20; i++) ids.add((await rawPost(s.url, initializeBody())).headers.get('mcp-session-id') ?? '');
    expect(ids.size).toBe(20);
    expect(s.server.sessionCount).toBe(20);
  });

  it('expires a session after it sits idle', async () => {
    s = await startServer({ name: 'd', version: '1', router: createDemoRouter(), sessions: { idleTimeoutMs: 300 } });
    const sid = (await rawPost(s.url, initializeBody())).headers.get('mcp-session-id') ?? '';
    expect((await list(sid)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1_600));
    expect((await list(sid)).status).toBe(404);
    expect(s.server.sessionCount).toBe(0);
  });

  it('caps live sessions: 503 beyond the cap, never an unbounded map', async () => {
    s = await startServer({
      name: 'd',
      version: '1',
      router: createDemoRouter(),
      sessions: { maxSessions: 3, maxSessionsPerPrincipal: 10 },
    });
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await rawPost(s.url, initializeBody())).status);
    expect(statuses).toEqual([200, 200, 200, 503, 503]);
    expect(s.server.sessionCount).toBe(3);
  });

  it('closes the oldest session of a principal beyond its own cap', async () => {
    s = await startServer({
      name: 'd',
      version: '1',
      router: createDemoRouter(),
      sessions: { maxSessions: 100, maxSessionsPerPrincipal: 2 },
    });
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await rawPost(s.url, initializeBody())).headers.get('mcp-session-id') ?? '');
    expect((await list(ids[0] as string)).status).toBe(404);
    expect((await list(ids[2] as string)).status).toBe(200);
  });

  it('ends a session on DELETE', async () => {
    s = await startServer({ name: 'd', version: '1', router: createDemoRouter() });
    const sid = (await rawPost(s.url, initializeBody())).headers.get('mcp-session-id') ?? '';
    const del = await fetch(`${s.url}/mcp`, { method: 'DELETE', headers: { 'mcp-session-id': sid, 'mcp-protocol-version': '2025-11-25' } });
    expect(del.status).toBe(200);
    expect((await list(sid)).status).toBe(404);
  });
});
