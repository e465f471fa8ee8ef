import { createServer, type Server, type ServerResponse } from 'node:http';
import { getEventListeners } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeFetch } from '../../src/net/node-fetch.js';

let server: Server;
let base: string;
const streams: ServerResponse[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/json') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    } else if (req.url === '/empty') {
      res.writeHead(202).end();
    } else if (req.url === '/stream') {
      // An event stream that stays open until the test ends it.
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: one\n\n');
      streams.push(res);
    } else if (req.url === '/hang') {
      // Headers never come: only an abort ends this request.
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const listeners = (s: AbortSignal) => getEventListeners(s, 'abort').length;
const f = nodeFetch();

/** The transport's long-lived signal: one abort listener per request in flight, never one per request until GC. */
describe('nodeFetch and the transport signal', () => {
  it('leaves no listener on the long-lived signal after JSON and empty responses', async () => {
    const outer = new AbortController();
    for (let i = 0; i < 50; i++) {
      const res = await f(`${base}/json`, { signal: outer.signal });
      expect(await res.json()).toEqual({ ok: true });
    }
    expect((await f(`${base}/empty`, { signal: outer.signal })).status).toBe(202);
    expect(listeners(outer.signal)).toBe(0);
  });

  it('still aborts a request in flight when the long-lived signal is aborted', async () => {
    const outer = new AbortController();
    const pending = f(`${base}/hang`, { signal: outer.signal });
    await new Promise((r) => setTimeout(r, 50));
    expect(listeners(outer.signal)).toBe(1);
    outer.abort(new Error('transport closed'));
    await expect(pending).rejects.toThrow('transport closed');
    expect(listeners(outer.signal)).toBe(0);
  });

  it('keeps an event stream linked until it ends, and aborts it on close', async () => {
    const outer = new AbortController();
    const res = await f(`${base}/stream`, { signal: outer.signal });
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    expect(res.url).toBe(`${base}/stream`);
    const reader = res.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toContain('data: one');
    expect(listeners(outer.signal)).toBe(1);
    outer.abort(new Error('transport closed'));
    await expect(reader.read()).rejects.toThrow();

    // A stream that the server ends unlinks itself.
    const outer2 = new AbortController();
    const res2 = await f(`${base}/stream`, { signal: outer2.signal });
    const text = res2.text();
    await new Promise((r) => setTimeout(r, 50));
    streams.at(-1)!.end('data: two\n\n');
    expect(await text).toBe('data: one\n\ndata: two\n\n');
    expect(listeners(outer2.signal)).toBe(0);
  });

  it('refuses at once when the long-lived signal is already aborted', async () => {
    const outer = new AbortController();
    outer.abort(new Error('closed before'));
    await expect(f(`${base}/json`, { signal: outer.signal })).rejects.toThrow('closed before');
  });

  it('passes a request without a signal straight through', async () => {
    expect(await (await f(`${base}/json`)).json()).toEqual({ ok: true });
  });
});
