import { ConfigError } from './errors.js';
import { isLoopbackAddress, requireHttpsUnlessLoopback } from './net/url-policy.js';

export interface HttpOptions {
  /** Address to bind. Default `127.0.0.1`. `localhost` is refused (it may resolve to anything). */
  host?: string;
  /** Default 3000. 0 picks a free port. */
  port?: number;
  /** Public base URL, e.g. `https://mcp.example.com`; the MCP resource is `${baseUrl}/mcp`. */
  baseUrl?: string;
  /** Required to bind anything but a loopback address (e.g. `0.0.0.0`). */
  allowAllInterfaces?: boolean;
  /** Host header allow-list (`host` or `host:port`). Default: loopback names and the base URL's host. */
  allowedHosts?: string[];
  /** Origin allow-list. Default: the origins of the allowed hosts. */
  allowedOrigins?: string[];
  /** CORS is off unless origins are listed here. */
  cors?: { origins: string[] };
  /** Request bodies above this get 413. Default 1 MiB. */
  maxBodyBytes?: number;
  headersTimeoutMs?: number;
  requestTimeoutMs?: number;
  /** Idle socket timeout. Default 120 s (SSE streams send keep-alives every 15 s). */
  idleTimeoutMs?: number;
  /** Serve the router over tRPC's fetch adapter here; `false` turns it off. Default `/trpc`. */
  trpcPath?: string | false;
  /** How many reverse proxies of yours append to X-Forwarded-For (for client addresses in rate limits). Default 0: the header is ignored. */
  trustProxy?: number;
}

export interface HttpConfig {
  readonly host: string;
  readonly port: number;
  readonly baseUrl: URL | undefined;
  readonly allowedHosts: readonly string[] | undefined;
  readonly allowedOrigins: readonly string[] | undefined;
  readonly corsOrigins: readonly string[];
  readonly maxBodyBytes: number;
  readonly headersTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly idleTimeoutMs: number;
  readonly trpcPath: string | false;
  readonly trustProxy: number;
  readonly exposed: boolean;
}

type Env = Readonly<Record<string, string | undefined>>;

function list(value: string | undefined): string[] | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  return value
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
}

function positiveInt(option: string, value: number | string | undefined, fallback: number, min = 1): number {
  if (value === undefined || value === '') return fallback;
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isInteger(n) || n < min) throw new ConfigError(option, `expected an integer >= ${min}, got ${JSON.stringify(value)}`);
  return n;
}

function originOf(option: string, value: string): string {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    throw new ConfigError(option, `"${value}" is not an origin like https://app.example.com`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new ConfigError(option, `"${value}" must be http(s)`);
  return u.origin.toLowerCase();
}

/** Merges options with the environment, validates, and names the option or variable at fault. */
export function resolveHttpConfig(opts: HttpOptions = {}, env: Env = process.env): HttpConfig {
  const host = (opts.host ?? env.MCP_BASTION_HOST ?? '127.0.0.1').trim();
  const hostOption = opts.host !== undefined ? 'http.host' : 'MCP_BASTION_HOST';
  if (host.toLowerCase() === 'localhost') {
    throw new ConfigError(hostOption, 'refusing to bind "localhost": it can resolve to an unexpected address. Use 127.0.0.1 or ::1');
  }
  const exposed = !isLoopbackAddress(host);
  if (exposed && !opts.allowAllInterfaces) {
    throw new ConfigError(
      hostOption,
      `binding ${host} exposes the server beyond this machine; pass --allow-all-interfaces (http.allowAllInterfaces: true) to confirm`,
    );
  }
  const port = positiveInt(
    opts.port !== undefined ? 'http.port' : 'MCP_BASTION_PORT',
    opts.port ?? env.MCP_BASTION_PORT ?? env.PORT,
    3000,
    0,
  );
  if (port > 65535) throw new ConfigError('http.port', `port ${port} is out of range`);

  const baseRaw = opts.baseUrl ?? env.MCP_BASTION_BASE_URL;
  let baseUrl: URL | undefined;
  if (baseRaw !== undefined && baseRaw !== '') {
    const option = opts.baseUrl !== undefined ? 'http.baseUrl' : 'MCP_BASTION_BASE_URL';
    baseUrl = requireHttpsUnlessLoopback(option, baseRaw);
    if (baseUrl.search || baseUrl.hash) throw new ConfigError(option, 'must not carry a query or fragment');
    baseUrl = new URL(baseUrl.origin + baseUrl.pathname.replace(/\/+$/, ''));
  }

  const allowedHosts = opts.allowedHosts?.map((h) => h.toLowerCase()) ?? list(env.MCP_BASTION_ALLOWED_HOSTS);
  const originsOption = opts.allowedOrigins !== undefined ? 'http.allowedOrigins' : 'MCP_BASTION_ALLOWED_ORIGINS';
  const allowedOrigins = (opts.allowedOrigins ?? list(env.MCP_BASTION_ALLOWED_ORIGINS))?.map((o) => originOf(originsOption, o));
  const corsOption = opts.cors !== undefined ? 'http.cors.origins' : 'MCP_BASTION_CORS_ORIGINS';
  const corsOrigins = (opts.cors?.origins ?? list(env.MCP_BASTION_CORS_ORIGINS) ?? []).map((o) => {
    if (o === '*') throw new ConfigError(corsOption, 'wildcard CORS is not supported; list the origins');
    return originOf(corsOption, o);
  });

  return {
    host,
    port,
    baseUrl,
    allowedHosts,
    allowedOrigins,
    corsOrigins,
    maxBodyBytes: positiveInt(
      opts.maxBodyBytes !== undefined ? 'http.maxBodyBytes' : 'MCP_BASTION_MAX_BODY_BYTES',
      opts.maxBodyBytes ?? env.MCP_BASTION_MAX_BODY_BYTES,
      1024 * 1024,
    ),
    headersTimeoutMs: positiveInt('http.headersTimeoutMs', opts.headersTimeoutMs, 10_000),
    requestTimeoutMs: positiveInt('http.requestTimeoutMs', opts.requestTimeoutMs, 30_000),
    idleTimeoutMs: positiveInt('http.idleTimeoutMs', opts.idleTimeoutMs, 120_000),
    trpcPath: opts.trpcPath === undefined ? '/trpc' : opts.trpcPath,
    trustProxy: positiveInt(
      opts.trustProxy !== undefined ? 'http.trustProxy' : 'MCP_BASTION_TRUST_PROXY',
      opts.trustProxy ?? env.MCP_BASTION_TRUST_PROXY,
      0,
      0,
    ),
    exposed,
  };
}
