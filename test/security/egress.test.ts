/**
 * The allow-list proxy on its own (no sandbox): rule parsing, matching, and the proxy's answers to
 * CONNECT and absolute-URI requests, from the side of a server trying to get out.
 */
import { createServer, request, type Server, type ServerResponse } from 'node:http';
import { connect as connectUnix, createServer as createTcpServer, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configError } from '../helpers/errors.js';
import { parseGatewayConfig } from '../../src/gateway/config.js';
import { egressRuleFor, parseEgressRule, parseEgressRules, startEgressProxy, type EgressProxy } from '../../src/security/connect/egress.js';
import { capturingLogger } from '../gateway/helpers.js';

describe('egress allow-list rules', () => {
  it('matches names exactly, wildcards on subdomains only, and the web ports unless a port is given', () => {
    const rules = parseEgressRules(['api.github.com', '*.example.com', 'db.internal.example:5432', '10.0.0.7:8080', '[::1]:9000']);
    expect(egressRuleFor(rules, 'api.github.com', 443)).toBeDefined();
    expect(egressRuleFor(rules, 'API.GitHub.com.', 80)).toBeDefined();
    expect(egressRuleFor(rules, 'api.github.com', 22)).toBeUndefined();
    expect(egressRuleFor(rules, 'evil-api.github.com', 443)).toBeUndefined();
    expect(egressRuleFor(rules, 'github.com', 443)).toBeUndefined();
    expect(egressRuleFor(rules, 'a.b.example.com', 443)).toBeDefined();
    expect(egressRuleFor(rules, 'example.com', 443)).toBeUndefined();
    expect(egressRuleFor(rules, 'example.com.evil.net', 443)).toBeUndefined();
    expect(egressRuleFor(rules, 'db.internal.example', 5432)).toBeDefined();
    expect(egressRuleFor(rules, 'db.internal.example', 443)).toBeUndefined();
    expect(egressRuleFor(rules, '10.0.0.7', 8080)).toBeDefined();
    expect(egressRuleFor(rules, '[::1]', 9000)).toBeDefined();
  });

  it('one spelling per host: IPv6 zone ids and stray characters are refused, numeric IPv4 forms are addresses', () => {
    const rules = parseEgressRules(['*.example.com', '127.0.0.1:8080']);
    // Node's isIP accepts a zone id of any text and connect() ignores it: it must not pass for a subdomain.
    expect(egressRuleFor(rules, '[::ffff:169.254.169.254%x.example.com]', 443)).toBeUndefined();
    expect(egressRuleFor(rules, '::ffff:127.0.0.1%a.example.com', 443)).toBeUndefined();
    expect(egressRuleFor(rules, 'a..example.com', 443)).toBeUndefined();
    expect(egressRuleFor(rules, 'a_b.example.com', 443)).toBeUndefined();
    // An address only matches an address rule, whatever its spelling.
    expect(egressRuleFor(rules, '2130706433', 8080)).toBeDefined();
    expect(egressRuleFor(rules, '0x7f.1', 8080)).toBeDefined();
    expect(egressRuleFor(rules, '127.0.0.2', 8080)).toBeUndefined();
    expect(egressRuleFor(parseEgressRules(['[0:0::1]:9000']), '[::1]', 9000)).toBeDefined();
  });

  it('refuses entries that are URLs, too broad, or not host names, saying why', () => {
    expect(() => parseEgressRule('https://api.github.com')).toThrow(/not a URL/);
    expect(() => parseEgressRule('*')).toThrow(/not a host name/);
    expect(() => parseEgressRule('*.com')).toThrow(/too broad/);
    expect(() => parseEgressRule('bad host')).toThrow(/not a host name/);
    expect(() => parseEgressRule('host:70000')).toThrow(/port/);
  });

  it('a bad entry in the gateway config fails at start naming the field', () => {
    const e = configError(() =>
      parseGatewayConfig({ mcpServers: { fs: { command: 'node', sandbox: { network: ['api.github.com', 'https://x.example'] } } } }),
    );
    expect(e.message).toMatch(/mcpServers\.fs\.sandbox\.network\.1.*not a URL/);
  });
});

describe('egress proxy', () => {
  let target: Server;
  let port: number;
  let hits = 0;
  const hosts: string[] = [];
  let proxy: EgressProxy;
  const log = capturingLogger();

  beforeAll(async () => {
    target = createServer((req, res) => {
      hits++;
      hosts.push(req.headers.host ?? '');
      res.end('reached');
    });
    await new Promise<void>((r) => target.listen(0, '127.0.0.1', () => r()));
    port = (target.address() as { port: number }).port;
    proxy = await startEgressProxy({ name: 'up', rules: parseEgressRules([`127.0.0.1:${port}`, `localhost:${port}`]), logger: log.logger });
  });

  afterAll(async () => {
    await proxy.close();
    target.close();
  });

  /** A plain-HTTP proxy request (absolute URI) through the proxy's socket. */
  const viaProxy = (url: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request({ socketPath: proxy.socketPath, path: url, method: 'GET', headers: { host: 'proxy' } }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.end();
    });

  /** A CONNECT through the proxy; resolves with the status line. */
  const tunnel = (authority: string) =>
    new Promise<number>((resolve, reject) => {
      const req = request({ socketPath: proxy.socketPath, method: 'CONNECT', path: authority });
      req.on('connect', (res, socket) => {
        socket.destroy();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });

  it('lets a listed destination through, and only that one', async () => {
    expect(await viaProxy(`http://127.0.0.1:${port}/x`)).toEqual({ status: 200, body: 'reached' });
    expect(await tunnel(`127.0.0.1:${port}`)).toBe(200);
    const before = hits;
    expect((await viaProxy(`http://127.0.0.1:${port + 1}/x`)).status).toBe(403);
    expect(await tunnel(`127.0.0.1:${port + 1}`)).toBe(403);
    expect(await tunnel(`169.254.169.254:80`)).toBe(403);
    expect(hits).toBe(before);
  });

  it('a zone id under a wildcard rule does not reach an internal address', async () => {
    const wild = await startEgressProxy({ name: 'up', rules: parseEgressRules([`*.example.com:${port}`]), logger: log.logger });
    try {
      const before = hits;
      const status = await new Promise<number>((resolve, reject) => {
        const req = request({ socketPath: wild.socketPath, method: 'CONNECT', path: `[::ffff:127.0.0.1%x.example.com]:${port}` });
        req.on('connect', (res, socket) => {
          socket.destroy();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      });
      expect(status).toBe(403);
      expect(hits).toBe(before);
    } finally {
      await wild.close();
    }
  });

  it('asks the checked host, whatever Host header the server sent (no other virtual host behind the address)', async () => {
    const res = await new Promise<number>((resolve, reject) => {
      const req = request(
        { socketPath: proxy.socketPath, path: `http://127.0.0.1:${port}/x`, headers: { host: 'internal-admin.example' } },
        (r) => {
          r.resume();
          resolve(r.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(res).toBe(200);
    expect(hosts.at(-1)).toBe(`127.0.0.1:${port}`);
  });

  it('refuses a listed name that resolves to an internal address (DNS pointing inside)', async () => {
    const before = hits;
    const r = await viaProxy(`http://localhost:${port}/x`);
    expect(r.status).toBe(403);
    expect(r.body).toMatch(/internal or reserved address/);
    expect(await tunnel(`localhost:${port}`)).toBe(403);
    expect(hits).toBe(before);
  });

  it('caps the connections one server may hold open, and serves again when they close', async () => {
    const small = await startEgressProxy({
      name: 'up',
      rules: parseEgressRules([`127.0.0.1:${port}`]),
      logger: log.logger,
      maxConnections: 2,
    });
    const open = (): Promise<Socket | undefined> =>
      new Promise((resolve) => {
        const req = request({ socketPath: small.socketPath, method: 'CONNECT', path: `127.0.0.1:${port}` });
        req.on('connect', (_res, socket) => resolve(socket));
        req.on('error', () => resolve(undefined));
        req.on('close', () => resolve(undefined));
        req.end();
      });
    try {
      const a = await open();
      const b = await open();
      expect(a && b).toBeTruthy();
      expect(await open()).toBeUndefined();
      a!.destroy();
      // The freed slot is seen once the proxy has processed the close: retry for a while rather than guess a delay.
      let c: Socket | undefined;
      for (let i = 0; i < 100 && !c; i++) {
        await new Promise((r) => setTimeout(r, 20));
        c = await open();
      }
      expect(c).toBeTruthy();
      b!.destroy();
      c!.destroy();
    } finally {
      await small.close();
    }
  });

  it('bounds requests in progress however a server pipelines them (one socket, 200 requests)', async () => {
    let opened = 0;
    const sink = createTcpServer((sock) => {
      opened++;
      sock.on('error', () => undefined); // accepts and never answers: every request stays in progress
    });
    await new Promise<void>((r) => sink.listen(0, '127.0.0.1', () => r()));
    const sinkPort = (sink.address() as { port: number }).port;
    const small = await startEgressProxy({
      name: 'up',
      rules: parseEgressRules([`127.0.0.1:${sinkPort}`]),
      logger: log.logger,
      maxConnections: 4,
    });
    const c = connectUnix(small.socketPath);
    c.on('error', () => undefined);
    try {
      c.write(Array.from({ length: 200 }, (_, i) => `GET http://127.0.0.1:${sinkPort}/${i} HTTP/1.1\r\nHost: x\r\n\r\n`).join(''));
      await expect.poll(() => opened, { timeout: 5_000 }).toBeGreaterThan(0);
      await new Promise((r) => setTimeout(r, 300));
      expect(opened).toBeLessThanOrEqual(4);
    } finally {
      c.destroy();
      await small.close();
      sink.close();
    }
  });

  it('lets a slow plain-HTTP answer finish (the connect timeout is not an idle timeout), and close() ends exchanges in progress', async () => {
    let held: ServerResponse | undefined;
    const slow = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: 1\n\n');
      setTimeout(() => res.write('data: 2\n\n'), 400);
      setTimeout(() => {
        res.write('data: 3\n\n');
        held = res; // left open: close() must not wait for it
      }, 800);
    });
    await new Promise<void>((r) => slow.listen(0, '127.0.0.1', () => r()));
    const slowPort = (slow.address() as { port: number }).port;
    const p = await startEgressProxy({
      name: 'up',
      rules: parseEgressRules([`127.0.0.1:${slowPort}`]),
      logger: log.logger,
      connectTimeoutMs: 200,
    });
    try {
      const body = await new Promise<string>((resolve, reject) => {
        let text = '';
        const req = request({ socketPath: p.socketPath, path: `http://127.0.0.1:${slowPort}/`, headers: { host: 'x' } }, (res) => {
          res.on('data', (c: Buffer) => {
            text += c.toString();
            if (text.includes('data: 3')) resolve(text);
          });
          res.on('end', () => resolve(text));
        });
        req.on('error', reject);
        req.end();
      });
      expect(body).toContain('data: 3');
      expect(held).toBeDefined();
      const closed = await Promise.race([p.close().then(() => 'closed'), new Promise((r) => setTimeout(() => r('still open'), 5_000))]);
      expect(closed).toBe('closed');
    } finally {
      slow.closeAllConnections();
      slow.close();
    }
  });

  it('answers malformed requests with an error, not a crash', async () => {
    expect((await viaProxy('/relative')).status).toBe(400);
    expect((await viaProxy('ftp://127.0.0.1/x')).status).toBe(400);
    expect(await tunnel('no-port-here:')).toBe(400);
    expect(await tunnel(`127.0.0.1:${port}`)).toBe(200);
  });
});
