/**
 * Network allow-list for sandboxed stdio servers: `sandbox: { network: ["api.github.com", …] }`.
 *
 * The server keeps its own empty network namespace (no route anywhere). Inside it, a small
 * forwarder listens on 127.0.0.1 and passes each connection through a Unix socket, bound into the
 * sandbox, to an HTTP proxy that runs here, in the gateway. The server gets HTTP_PROXY and
 * HTTPS_PROXY pointing at the forwarder, so any proxy-aware client (curl, Python requests and
 * httpx, Go's net/http, most SDKs) works for the hosts on the list and for nothing else. A client
 * that ignores the proxy variables has no network at all: the allow-list fails closed.
 *
 * The proxy checks each CONNECT (HTTPS) or absolute-URI request (plain HTTP) against the list,
 * then resolves the name itself and refuses loopback, private, link-local (cloud metadata) and
 * other internal addresses unless the list names that IP address literally, so an allowed name
 * that resolves (or is rebound) to an internal address gets nowhere.
 */

import { lookup } from 'node:dns/promises';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import {
  Agent as HttpAgent,
  createServer,
  request as httpRequest,
  type ClientRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { connect, isIP, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '../../log.js';
import { isBlockedAddress } from '../../net/safe-fetch.js';

/** One allow-list entry: a host name (or `*.domain` for its subdomains) or an IP address, with an optional port. */
export interface EgressRule {
  readonly host: string;
  readonly wildcard: boolean;
  readonly ip: boolean;
  /** undefined: the default web ports 80 and 443. */
  readonly port?: number | undefined;
}

const HOST_NAME = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;
const DEFAULT_PORTS = new Set([80, 443]);

/**
 * One spelling per host, or undefined for anything that is neither a host name nor a plain IP
 * address: IPv6 zone ids (`fe80::1%eth0`, which Node's isIP accepts and connect() ignores), stray
 * characters, empty labels. IP addresses come back in the WHATWG URL parser's canonical form, so
 * `127.1`, `0x7f.0.0.1` and `[0:0::1]` cannot pass for something else.
 */
export function canonicalHost(raw: string): { host: string; ip: boolean } | undefined {
  let h = raw.trim().toLowerCase().replace(/\.$/, '');
  const bracketed = h.startsWith('[') && h.endsWith(']');
  if (bracketed) h = h.slice(1, -1);
  if (h.includes('%')) return undefined;
  if (bracketed || h.includes(':')) {
    if (isIP(h) !== 6) return undefined;
    return { host: new URL(`http://[${h}]`).hostname.slice(1, -1), ip: true };
  }
  if (/^[0-9a-fx.]+$/.test(h)) {
    // Numeric forms the URL parser reads as IPv4 (decimal, octal, hex, short forms) are addresses, not names.
    try {
      const canonical = new URL(`http://${h}`).hostname;
      if (isIP(canonical) === 4) return { host: canonical, ip: true };
    } catch {
      // not an address; a name check follows
    }
  }
  return HOST_NAME.test(h) ? { host: h, ip: false } : undefined;
}

/** Parses one entry; throws an Error whose message says what is wrong with it. */
export function parseEgressRule(entry: string): EgressRule {
  const raw = entry.trim().toLowerCase();
  if (raw.includes('://') || raw.includes('/'))
    throw new Error(`"${entry}" must be a host name or IP address with an optional :port, not a URL`);
  let host = raw;
  let port: number | undefined;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(raw);
  if (bracketed) {
    host = bracketed[1]!;
    if (bracketed[2]) port = Number(bracketed[2]);
  } else if (/:\d+$/.test(raw) && raw.split(':').length === 2) {
    const i = raw.lastIndexOf(':');
    host = raw.slice(0, i);
    port = Number(raw.slice(i + 1));
  }
  if (port !== undefined && (!Number.isInteger(port) || port < 1 || port > 65535)) throw new Error(`"${entry}" has a port outside 1-65535`);
  const wildcard = host.startsWith('*.');
  const canonical = canonicalHost(wildcard ? host.slice(2) : host);
  if (!canonical) throw new Error(`"${entry}" is not a host name, \`*.domain\`, or IP address`);
  if (wildcard && (canonical.ip || !canonical.host.includes('.')))
    throw new Error(`"${entry}" is too broad: a wildcard needs a domain with a dot (\`*.example.com\`)`);
  return { host: canonical.host, wildcard, ip: canonical.ip, port };
}

export function parseEgressRules(entries: readonly string[]): EgressRule[] {
  return entries.map(parseEgressRule);
}

/** The rule that lets `host:port` through, if any. Names match name rules, IP addresses match IP rules, both in canonical form. */
export function egressRuleFor(rules: readonly EgressRule[], host: string, port: number): EgressRule | undefined {
  const c = canonicalHost(host);
  if (!c) return undefined;
  return rules.find((r) => {
    if (r.port === undefined ? !DEFAULT_PORTS.has(port) : r.port !== port) return false;
    if (r.ip !== c.ip) return false;
    if (r.wildcard) return c.host.endsWith(`.${r.host}`);
    return c.host === r.host;
  });
}

/** The code the forwarder runs inside the sandbox: 127.0.0.1:<port> → the proxy's Unix socket, then the server itself. */
const FORWARDER = `'use strict';
const net = require('node:net');
const { spawn } = require('node:child_process');
const [sock, port, ...cmd] = process.argv.slice(2);
// Half-open: a client may send its request and shut its side before the answer comes.
const server = net.createServer({ allowHalfOpen: true }, (c) => {
  const u = net.connect({ path: sock, allowHalfOpen: true });
  c.pipe(u);
  u.pipe(c);
  c.on('error', () => u.destroy());
  u.on('error', () => c.destroy());
});
server.on('error', (e) => {
  process.stderr.write('mcp-bastion egress forwarder: ' + e.message + '\\n');
  process.exit(1);
});
server.listen(Number(port), '127.0.0.1', () => {
  const child = spawn(cmd[0], cmd.slice(1), { stdio: 'inherit' });
  for (const s of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(s, () => child.kill(s));
  child.on('error', (e) => {
    process.stderr.write('mcp-bastion egress forwarder: cannot start ' + cmd[0] + ': ' + e.message + '\\n');
    process.exit(127);
  });
  child.on('exit', (code, signal) => process.exit(code === null ? 128 + (require('node:os').constants.signals[signal] || 1) : code));
});
`;

/** Port the forwarder listens on inside the sandbox's own network namespace (nothing else is there). */
export const FORWARDER_PORT = 3128;

export interface EgressProxy {
  /** Directory (0700) holding the socket and the forwarder script; bound into the sandbox read-only. */
  readonly dir: string;
  readonly socketPath: string;
  readonly forwarderPath: string;
  close(): Promise<void>;
}

export interface EgressProxyOptions {
  /** The upstream's name, for log lines. */
  readonly name: string;
  readonly rules: readonly EgressRule[];
  readonly logger: Logger;
  /** Connect timeout to the destination (default 10 s). */
  readonly connectTimeoutMs?: number;
  /** A tunnel or request with no traffic this long is closed (default 5 min). */
  readonly idleTimeoutMs?: number;
  /** Requests and tunnels from the server in progress at once (default 256): a server cannot exhaust the gateway's descriptors. */
  readonly maxConnections?: number;
}

class Denied extends Error {}

/** What a refusal says: the check's own reason, never the text of an unexpected error. */
const reasonOf = (e: unknown) => (e instanceof Denied ? e.message : 'error');

/** Resolves and checks a destination; throws Denied with the reason. */
async function destination(opts: EgressProxyOptions, host: string, port: number): Promise<string> {
  const c = canonicalHost(host);
  if (!c) throw new Denied(`${JSON.stringify(host.slice(0, 100))} is not a host name or IP address`);
  const rule = egressRuleFor(opts.rules, c.host, port);
  if (!rule) throw new Denied(`${c.host}:${port} is not on the allow-list`);
  // An IP address named on the list is the operator's explicit choice, internal or not.
  if (rule.ip) return c.host;
  let addresses: { address: string }[];
  try {
    addresses = await lookup(c.host, { all: true });
  } catch {
    throw new Denied(`${host} does not resolve`);
  }
  const usable = addresses.find((a) => !isBlockedAddress(a.address));
  if (!usable) throw new Denied(`${host} resolves to an internal or reserved address (${addresses.map((a) => a.address).join(', ')})`);
  return usable.address;
}

function splitHostPort(authority: string, defaultPort: number): { host: string; port: number } | undefined {
  const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(authority);
  if (!m) return undefined;
  return { host: m[1]!, port: m[2] ? Number(m[2]) : defaultPort };
}

/** Starts the allow-list proxy for one upstream, listening on a Unix socket in a fresh private directory. */
export async function startEgressProxy(opts: EgressProxyOptions): Promise<EgressProxy> {
  // Under /tmp, which every sandbox replaces by its own tmpfs: one upstream never sees another's socket
  // (a TMPDIR elsewhere could be visible read-only to all of them, and a 0700 directory does not stop the same user).
  const dir = mkdtempSync(join(process.platform === 'linux' ? '/tmp' : tmpdir(), 'mcpb-egress-'));
  const socketPath = join(dir, 'proxy.sock');
  const forwarderPath = join(dir, 'forwarder.cjs');
  writeFileSync(forwarderPath, FORWARDER, { mode: 0o600 });
  const timeout = opts.connectTimeoutMs ?? 10_000;
  const idle = opts.idleTimeoutMs ?? 300_000;
  const sockets = new Set<Socket>();
  const outbound = new Set<ClientRequest>();
  // Requests and tunnels in progress, each holding a DNS lookup or an outbound socket: a server cannot
  // exhaust the gateway's descriptors or resolver threads, however it pipelines.
  const max = opts.maxConnections ?? 256;
  let active = 0;
  const begin = (): (() => void) | undefined => {
    if (active >= max) return undefined;
    active++;
    let done = false;
    return () => {
      if (!done) active--;
      done = true;
    };
  };
  // Plain-HTTP requests go out on their own sockets (no pooling across the sandbox's requests), at most `max` at once.
  const agent = new HttpAgent({ keepAlive: false, maxSockets: max, maxTotalSockets: max });

  const deny = (host: string, port: number, reason: string) => {
    opts.logger.warn(
      { event: 'egress_denied', server: opts.name, host, port, reason },
      `upstream ${opts.name}: egress to ${host}:${port} refused (${reason})`,
    );
  };
  const allow = (host: string, port: number) => {
    opts.logger.info({ event: 'egress_allowed', server: opts.name, host, port }, `upstream ${opts.name}: egress to ${host}:${port}`);
  };

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    // Plain HTTP through a proxy: an absolute URI in the request line.
    let url: URL;
    try {
      url = new URL(req.url ?? '');
    } catch {
      res.writeHead(400).end('mcp-bastion egress: expected an absolute http:// URL\n');
      return;
    }
    if (url.protocol !== 'http:') {
      res.writeHead(400).end('mcp-bastion egress: only http:// is proxied this way; use CONNECT for https\n');
      return;
    }
    const port = url.port ? Number(url.port) : 80;
    const end = begin();
    if (!end) {
      res.writeHead(503, { 'content-type': 'text/plain' }).end('mcp-bastion egress: too many connections\n');
      return;
    }
    res.on('close', end);
    destination(opts, url.hostname, port).then(
      (address) => {
        allow(url.hostname, port);
        const headers = { ...req.headers };
        delete headers['proxy-authorization'];
        delete headers['proxy-connection'];
        // The host that was checked is the host that is asked: no other virtual host behind the same address.
        headers.host = url.host;
        const upstream = httpRequest(
          { host: address, port, method: req.method, path: `${url.pathname}${url.search}`, headers, agent, timeout: idle },
          (r) => {
            res.writeHead(r.statusCode ?? 502, r.headers);
            r.pipe(res);
          },
        );
        outbound.add(upstream);
        upstream.on('close', () => outbound.delete(upstream));
        // The connect timeout covers reaching the destination; after that only silence (idle) ends the exchange.
        upstream.on('socket', (sock) => {
          const t = setTimeout(() => upstream.destroy(new Error('connect timed out')), timeout);
          sock.once('connect', () => clearTimeout(t));
          sock.once('close', () => clearTimeout(t));
        });
        upstream.on('timeout', () => upstream.destroy(new Error('timed out')));
        upstream.on('error', () => {
          if (!res.headersSent) res.writeHead(502).end('mcp-bastion egress: destination unreachable\n');
          else res.destroy();
        });
        req.pipe(upstream);
      },
      (e: unknown) => {
        const reason = reasonOf(e);
        deny(url.hostname, port, reason);
        res.writeHead(403, { 'content-type': 'text/plain' }).end(`mcp-bastion egress: ${reason}\n`);
      },
    );
  });

  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => client.destroy());
    const end = begin();
    if (!end) {
      client.end('HTTP/1.1 503 Service Unavailable\r\ncontent-type: text/plain\r\n\r\nmcp-bastion egress: too many connections\n');
      return;
    }
    client.on('close', end);
    const target = splitHostPort(req.url ?? '', 443);
    if (!target) {
      client.end('HTTP/1.1 400 Bad Request\r\n\r\n');
      return;
    }
    destination(opts, target.host, target.port).then(
      (address) => {
        const out = connect({ host: address, port: target.port, timeout });
        sockets.add(out);
        out.on('close', () => sockets.delete(out));
        out.once('connect', () => {
          out.setTimeout(idle, () => out.destroy());
          client.setTimeout(idle, () => client.destroy());
          out.on('close', () => client.destroy());
          client.on('close', () => out.destroy());
          allow(target.host, target.port);
          client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
          if (head.length) out.write(head);
          out.pipe(client);
          client.pipe(out);
        });
        out.on('timeout', () => out.destroy(new Error('timed out')));
        out.on('error', () => {
          if (client.writable) client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n');
          client.destroy();
        });
      },
      (e: unknown) => {
        const reason = reasonOf(e);
        deny(target.host, target.port, reason);
        client.end(`HTTP/1.1 403 Forbidden\r\ncontent-type: text/plain\r\n\r\nmcp-bastion egress: ${reason}\n`);
      },
    );
  });

  server.maxConnections = opts.maxConnections ?? 256;
  server.requestTimeout = idle;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => resolve());
  });

  return {
    dir,
    socketPath,
    forwarderPath,
    async close() {
      for (const s of sockets) s.destroy();
      for (const r of outbound) r.destroy();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      agent.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
