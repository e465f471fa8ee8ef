import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isHttpsOrLoopbackHttp } from './url-policy.js';

/** Why an outbound fetch was refused or failed. */
export type SafeFetchErrorCode = 'URL_NOT_ALLOWED' | 'ADDRESS_BLOCKED' | 'DNS' | 'TIMEOUT' | 'TOO_LARGE' | 'REDIRECT' | 'NETWORK';

export class SafeFetchError extends Error {
  override readonly name = 'SafeFetchError';
  constructor(
    readonly code: SafeFetchErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface SafeFetchOptions {
  /** Development and tests only: allow http and loopback addresses. Private and link-local ranges stay blocked. */
  readonly allowLoopback?: boolean;
  readonly timeoutMs?: number;
  readonly maxBytes?: number;
  readonly headers?: Record<string, string>;
}

export interface SafeFetchResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
}

// Addresses a server-side fetch must never reach: loopback, private, link-local (cloud metadata
// at 169.254.169.254), CGNAT, benchmarking, documentation, multicast, ULA, NAT64 and unspecified.
const BLOCKED = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  BLOCKED.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2001::', 32],
  ['2001:db8::', 32],
  ['2002::', 16],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const)
  BLOCKED.addSubnet(net, prefix, 'ipv6');

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** IPv4-mapped IPv6 (::ffff:a.b.c.d) is judged by its IPv4 address. */
function normalise(address: string): { address: string; family: 'ipv4' | 'ipv6' } {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return { address: mapped[1] as string, family: 'ipv4' };
  return { address, family: isIP(address) === 6 ? 'ipv6' : 'ipv4' };
}

export function isBlockedAddress(address: string, allowLoopback = false): boolean {
  const a = normalise(address);
  if (allowLoopback && LOOPBACK.check(a.address, a.family)) return false;
  return BLOCKED.check(a.address, a.family);
}

/**
 * GET a small document from a URL a client gave us (metadata documents, CIMD), without letting
 * the URL point the server at itself or its network: https only, every resolved address checked,
 * the checked address pinned for the connection (no DNS rebinding between check and use),
 * no redirects, a size cap and a timeout.
 */
export async function safeFetch(raw: string | URL, opts: SafeFetchOptions = {}): Promise<SafeFetchResponse> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new SafeFetchError('URL_NOT_ALLOWED', 'not a valid URL');
  }
  if (url.username || url.password) throw new SafeFetchError('URL_NOT_ALLOWED', 'URLs with credentials are refused');
  const https = url.protocol === 'https:';
  // Plain http only to a loopback host by name or address; the resolved addresses are checked again below.
  if (!isHttpsOrLoopbackHttp(url, opts.allowLoopback === true))
    throw new SafeFetchError('URL_NOT_ALLOWED', 'only https URLs are fetched (plain http only to loopback, when allowed)');
  const hostname = url.hostname.replace(/^\[|\]$/g, '');
  const timeoutMs = opts.timeoutMs ?? 5_000;
  // One deadline for the whole exchange (DNS, connect, headers, body): a socket idle timeout
  // alone lets a server that drips a byte at a time hold the fetch open indefinitely.
  const deadline = Date.now() + timeoutMs;

  let addresses: { address: string; family: number }[];
  if (isIP(hostname)) addresses = [{ address: hostname, family: isIP(hostname) }];
  else {
    let timer: NodeJS.Timeout | undefined;
    try {
      addresses = await Promise.race([
        lookup(hostname, { all: true, verbatim: true }),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new SafeFetchError('TIMEOUT', `no answer within ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
    } catch (err) {
      if (err instanceof SafeFetchError) throw err;
      throw new SafeFetchError('DNS', `cannot resolve ${hostname}`);
    } finally {
      clearTimeout(timer);
    }
  }
  if (addresses.length === 0 || addresses.some((a) => isBlockedAddress(a.address, opts.allowLoopback))) {
    throw new SafeFetchError('ADDRESS_BLOCKED', `${hostname} resolves to an address that may not be fetched`);
  }
  if (!https && !addresses.every((a) => LOOPBACK.check(normalise(a.address).address, normalise(a.address).family))) {
    throw new SafeFetchError('URL_NOT_ALLOWED', 'plain http is allowed only for loopback addresses');
  }
  const pinned = addresses[0] as { address: string; family: number };
  const maxBytes = opts.maxBytes ?? 64 * 1024;

  return new Promise<SafeFetchResponse>((resolveOnce, rejectOnce) => {
    let timer: NodeJS.Timeout | undefined;
    const resolve = (r: SafeFetchResponse) => {
      clearTimeout(timer);
      resolveOnce(r);
    };
    const reject = (e: SafeFetchError) => {
      clearTimeout(timer);
      // Whatever made us give up, the connection goes too: a response we stopped reading must not hold a socket open.
      req.destroy();
      rejectOnce(e);
    };
    const req = (https ? httpsRequest : httpRequest)(
      {
        host: pinned.address,
        port: url.port || (https ? 443 : 80),
        path: url.pathname + url.search,
        method: 'GET',
        servername: isIP(hostname) ? undefined : hostname,
        headers: { host: url.host, accept: 'application/json', 'user-agent': 'mcp-bastion', ...opts.headers },
        // The connection goes to the address we checked, whatever DNS says now.
        lookup: (_h, _o, cb) => cb(null, pinned.address, pinned.family),
      },
      (res: IncomingMessage) => {
        const status = res.statusCode ?? 0;
        if (status >= 300 && status < 400) {
          reject(new SafeFetchError('REDIRECT', 'redirects are not followed'));
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > maxBytes) {
            reject(new SafeFetchError('TOO_LARGE', `response exceeds ${maxBytes} bytes`));
            return;
          }
          chunks.push(c);
        });
        res.on('end', () => resolve({ status, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', () => reject(new SafeFetchError('NETWORK', 'connection failed')));
      },
    );
    timer = setTimeout(
      () => {
        reject(new SafeFetchError('TIMEOUT', `no answer within ${timeoutMs} ms`));
      },
      Math.max(0, deadline - Date.now()),
    );
    req.on('error', () => reject(new SafeFetchError('NETWORK', 'connection failed')));
    req.end();
  });
}
