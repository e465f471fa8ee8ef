import { envFirst, envInt, envList, envString, type Env } from './env.js';
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

/** An integer option given in code; the environment goes through envInt, which names the variable. */
function intOption(option: string, value: number | undefined, fallback: number, min = 1, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min || value > max)
    throw new ConfigError(
      option,
      `expected an integer ${max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `between ${min} and ${max}`}, got ${JSON.stringify(value)}`,
    );
  return value;
}

/** The option when given in code, else the variable, else the default. */
function intSetting(
  option: string,
  value: number | undefined,
  env: Env,
  names: readonly string[],
  fallback: number,
  min = 1,
  max?: number,
): number {
  if (value !== undefined) return intOption(option, value, fallback, min, max);
  const set = envFirst(env, names);
  return set === undefined ? fallback : (envInt(env, set.name, { min, max }) as number);
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
  const host = (opts.host ?? envString(env, 'MCP_BASTION_HOST') ?? '127.0.0.1').trim();
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
  const port = intSetting('http.port', opts.port, env, ['MCP_BASTION_PORT', 'PORT'], 3000, 0, 65535);

  const baseRaw = opts.baseUrl ?? envString(env, 'MCP_BASTION_BASE_URL');
  let baseUrl: URL | undefined;
  if (baseRaw !== undefined && baseRaw !== '') {
    const option = opts.baseUrl !== undefined ? 'http.baseUrl' : 'MCP_BASTION_BASE_URL';
    baseUrl = requireHttpsUnlessLoopback(option, baseRaw);
    if (baseUrl.search || baseUrl.hash) throw new ConfigError(option, 'must not carry a query or fragment');
    baseUrl = new URL(baseUrl.origin + baseUrl.pathname.replace(/\/+$/, ''));
  }

  const allowedHosts = opts.allowedHosts?.map((h) => h.toLowerCase()) ?? envList(env, 'MCP_BASTION_ALLOWED_HOSTS', { lowercase: true });
  const originsOption = opts.allowedOrigins !== undefined ? 'http.allowedOrigins' : 'MCP_BASTION_ALLOWED_ORIGINS';
  const allowedOrigins = (opts.allowedOrigins ?? envList(env, 'MCP_BASTION_ALLOWED_ORIGINS'))?.map((o) => originOf(originsOption, o));
  const corsOption = opts.cors !== undefined ? 'http.cors.origins' : 'MCP_BASTION_CORS_ORIGINS';
  const corsOrigins = (opts.cors?.origins ?? envList(env, 'MCP_BASTION_CORS_ORIGINS') ?? []).map((o) => {
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
    maxBodyBytes: intSetting('http.maxBodyBytes', opts.maxBodyBytes, env, ['MCP_BASTION_MAX_BODY_BYTES'], 1024 * 1024),
    headersTimeoutMs: intOption('http.headersTimeoutMs', opts.headersTimeoutMs, 10_000),
    requestTimeoutMs: intOption('http.requestTimeoutMs', opts.requestTimeoutMs, 30_000),
    idleTimeoutMs: intOption('http.idleTimeoutMs', opts.idleTimeoutMs, 120_000),
    trpcPath: opts.trpcPath === undefined ? '/trpc' : opts.trpcPath,
    trustProxy: intSetting('http.trustProxy', opts.trustProxy, env, ['MCP_BASTION_TRUST_PROXY'], 0, 0),
    exposed,
  };
}
