import { createServer, type Server, type ServerResponse } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeFetch } from '../../src/net/node-fetch.js';
import { freePort } from '../helpers/mcp.js';

let server: Server;
let base: string;
let stream: ServerResponse | undefined;
const seen: { method?: string | undefined; headers: Record<string, unknown>; body: string }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ method: req.method, headers: req.headers, body });
      if (req.url === '/json') res.writeHead(200, { 'content-type': 'application/json', 'mcp-session-id': 's1' }).end('{"ok":true}');
      else if (req.url === '/accepted') res.writeHead(202).end();
      else if (req.url === '/redirect') res.writeHead(307, { location: '/json' }).end();
      else if (req.url === '/stream') {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write('data: first\n\n');
        stream = res;
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const f = nodeFetch();

describe('nodeFetch (node:http for the gateway’s HTTP upstreams)', () => {
  it('posts a string body with its headers and returns status, headers, body and url', async () => {
    const res = await f(`${base}/json`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Test': 'a' },
      body: '{"q":1}',
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('mcp-session-id')).toBe('s1');
    expect(res.url).toBe(`${base}/json`);
    expect(await res.json()).toEqual({ ok: true });
    const last = seen.at(-1)!;
    expect(last).toMatchObject({ method: 'POST', body: '{"q":1}' });
    expect(last.headers['x-test']).toBe('a');
    expect(last.headers['content-length']).toBe('7');
  });

  it('accepts Headers objects, reads an empty body, and never follows a redirect', async () => {
    const res = await f(`${base}/accepted`, { method: 'POST', headers: new Headers({ accept: 'application/json' }), body: '{}' });
    expect(res.status).toBe(202);
    expect(await res.text()).toBe('');
    const r = await f(`${base}/redirect`, { redirect: 'manual' });
    expect(r.status).toBe(307);
    expect(r.headers.get('location')).toBe('/json');
  });

  it('streams an event stream as it arrives', async () => {
    const res = await f(`${base}/stream`, { method: 'GET' });
    const reader = res.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('data: first\n\n');
    stream!.end('data: last\n\n');
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('data: last\n\n');
    expect((await reader.read()).done).toBe(true);
  });

  it('rejects like fetch: a refused connection is a TypeError, an abort is the abort reason', async () => {
    const port = await freePort();
    await expect(f(`http://127.0.0.1:${port}/`)).rejects.toThrow(TypeError);
    const ac = new AbortController();
    const p = f(`${base}/stream`, { signal: ac.signal });
    const res = await p;
    ac.abort(new Error('closed by the transport'));
    await expect(res.text()).rejects.toThrow();
    const ac2 = new AbortController();
    ac2.abort(new Error('already closed'));
    await expect(f(`${base}/json`, { signal: ac2.signal })).rejects.toThrow('already closed');
  });

  it('hands bodies it does not handle to the fallback fetch', async () => {
    const calls: string[] = [];
    const g = nodeFetch(async (url) => {
      calls.push(String(url));
      return new Response('fallback');
    });
    expect(await (await g(`${base}/json`, { method: 'POST', body: new Uint8Array([1]) })).text()).toBe('fallback');
    expect(calls).toEqual([`${base}/json`]);
  });

  describe('an upstream that does not speak HTTP well', () => {
    let raw: TcpServer;
    let rawBase: string;
    const replies: Record<string, string | Buffer> = {
      '/status600': 'HTTP/1.1 600 Nope\r\nContent-Length: 0\r\n\r\n',
      '/badreason': 'HTTP/1.1 200 O\x7fK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}',
      '/upgrade': 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\nConnection: Upgrade\r\n\r\n',
      '/gzip': Buffer.concat([
        Buffer.from(
          `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\nContent-Length: ${gzipSync('{"ok":true}').length}\r\n\r\n`,
        ),
        gzipSync('{"ok":true}'),
      ]),
      '/unknown-encoding': 'HTTP/1.1 200 OK\r\nContent-Encoding: zstd-custom\r\nContent-Length: 2\r\n\r\n{}',
      '/big': `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n${'x'.repeat(5000)}`,
    };

    beforeAll(async () => {
      raw = createTcpServer((s) => {
        s.on('error', () => undefined);
        s.once('data', (d: Buffer) => {
          const path = /^[A-Z]+ (\S+)/.exec(d.toString())?.[1] ?? '';
          const reply = replies[path];
          if (reply !== undefined) s.end(reply); // '/hang' and anything else: never answered
        });
      });
      await new Promise<void>((r) => raw.listen(0, '127.0.0.1', () => r()));
      rawBase = `http://127.0.0.1:${(raw.address() as { port: number }).port}`;
    });
    afterAll(() => void raw.close());

    const strict = nodeFetch(fetch, { idleTimeoutMs: 300, maxBodyBytes: 1000 });

    it('rejects a status a Response cannot hold, and a protocol upgrade, instead of throwing from an event handler', async () => {
      await expect(strict(`${rawBase}/status600`)).rejects.toThrow(/fetch failed: status 600/);
      await expect(strict(`${rawBase}/upgrade`)).rejects.toThrow(/switched protocols/);
    });

    it('drops a reason phrase a Response refuses, and keeps the body', async () => {
      const res = await strict(`${rawBase}/badreason`);
      expect(res.status).toBe(200);
      expect(res.statusText).toBe('');
      expect(await res.json()).toEqual({});
    });

    it('decodes a gzip body (as fetch does) and refuses an encoding it cannot read', async () => {
      const res = await strict(`${rawBase}/gzip`);
      expect(res.headers.get('content-encoding')).toBeNull();
      expect(await res.json()).toEqual({ ok: true });
      await expect(strict(`${rawBase}/unknown-encoding`)).rejects.toThrow(/unsupported content-encoding/);
    });

    it('fails a stalled upstream after the idle timeout, and a body over the limit', async () => {
      await expect(strict(`${rawBase}/hang`)).rejects.toThrow(/no data from/);
      await expect(strict(`${rawBase}/big`)).rejects.toThrow(/larger than 1000 bytes/);
    });
  });
});
