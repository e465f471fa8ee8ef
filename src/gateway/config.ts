/**
 * The gateway's configuration: one JSON file (or object) validated once at start. Upstreams use the
 * `mcpServers` shape of Claude/Cursor configs, plus the gateway's own per-entry keys. Unknown keys are
 * errors, so a typo never silently turns a control off.
 */

import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { parseEgressRule } from '../security/connect/egress.js';
import { ConfigError } from '../errors.js';
import { SEVERITIES, type Severity } from '../security/types.js';
import { parseConfigText } from '../security/config/parse.js';

const SERVER_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

const limitsSchema = z.strictObject({
  cpuSeconds: z.number().int().positive().optional(),
  /** Heap and private writable memory (RLIMIT_DATA), in MiB. */
  memoryMb: z.number().int().positive().optional(),
  openFiles: z.number().int().positive().optional(),
  /** Largest file the server may write, in MiB. */
  fileSizeMb: z.number().int().positive().optional(),
});

const sandboxSchema = z.union([
  z.literal(false),
  z.strictObject({
    /** false (default): no network; true: the host's network; a list of hosts: only those, through the allow-list proxy. */
    network: z
      .union([z.boolean(), z.array(z.string()).min(1)])
      .optional()
      .superRefine((v, ctx) => {
        if (!Array.isArray(v)) return;
        v.forEach((entry, i) => {
          try {
            parseEgressRule(entry);
          } catch (e) {
            ctx.addIssue({ code: 'custom', path: [i], message: (e as Error).message });
          }
        });
      }),
    /** The one host directory the server may write (created 0700); default `.mcp-bastion/sandbox/<name>`. */
    writableDir: z.string().min(1).optional(),
    /** Names of the gateway's environment variables passed through (besides the entry's own `env`). */
    passEnv: z.array(z.string().min(1)).optional(),
    limits: limitsSchema.optional(),
  }),
]);

const upstreamSchema = z
  .strictObject({
    command: z.string().min(1).optional(),
    args: z.array(z.string()).optional(),
    env: z.record(z.string(), z.string()).optional(),
    cwd: z.string().min(1).optional(),
    url: z.string().min(1).optional(),
    headers: z.record(z.string(), z.string()).optional(),
    /** Claude/VS Code configs carry a transport type; accepted and checked against command/url. */
    type: z.enum(['stdio', 'http', 'streamable-http', 'streamableHttp', 'sse']).optional(),
    /** Expected `name@version` of an npx/uvx package; the launch must name exactly this. */
    package: z.string().min(1).optional(),
    /** Accept an npx/uvx launch without an exact version (supply-chain risk: every start may run new code). */
    allowUnpinned: z.boolean().optional(),
    disabled: z.boolean().optional(),
    /** Approve the definitions seen at this server's first connect (when nothing is pinned yet and the scan passes). */
    trustOnFirstUse: z.boolean().optional(),
    /** Forward the caller's upstream OAuth token (OAuth Proxy) to this http upstream as its bearer token. */
    forwardUserToken: z.boolean().optional(),
    /** stdio only: bubblewrap settings, or `false` to run unsandboxed. */
    sandbox: sandboxSchema.optional(),
    startupTimeoutMs: z.number().int().positive().optional(),
    callTimeoutMs: z.number().int().positive().optional(),
    /** The publisher's public key (PEM or JWK text, or a file path): only definitions it signed are usable. */
    publisherKey: z.string().min(1).optional(),
    /** The publisher's JWKS URL (fetched through the SSRF-safe fetch), instead of publisherKey. */
    publisherJwks: z.string().url().optional(),
    /** A signed manifest file (from `mcp-bastion sign`); http upstreams default to their /.well-known/mcp-manifest.jws. */
    manifest: z.string().min(1).optional(),
  })
  .superRefine((v, ctx) => {
    if (!v.command && !v.url) ctx.addIssue({ code: 'custom', message: 'needs either "command" (stdio) or "url" (Streamable HTTP)' });
    if (v.command && v.url) ctx.addIssue({ code: 'custom', message: 'has both "command" and "url"; choose one' });
    if (v.url) {
      let u: URL | undefined;
      try {
        u = new URL(v.url);
      } catch {
        ctx.addIssue({ code: 'custom', path: ['url'], message: `is not a valid URL: ${JSON.stringify(v.url)}` });
      }
      if (u && u.protocol !== 'https:' && u.protocol !== 'http:')
        ctx.addIssue({ code: 'custom', path: ['url'], message: `must be http(s), got ${u.protocol}` });
      if (v.type === 'sse')
        ctx.addIssue({ code: 'custom', path: ['type'], message: 'the deprecated SSE transport is not supported; use Streamable HTTP' });
    }
    if (v.publisherKey && v.publisherJwks)
      ctx.addIssue({ code: 'custom', path: ['publisherJwks'], message: 'set publisherKey or publisherJwks, not both' });
    if (v.manifest && !v.publisherKey && !v.publisherJwks)
      ctx.addIssue({ code: 'custom', path: ['manifest'], message: 'needs publisherKey or publisherJwks to verify it' });
    if (v.forwardUserToken && !v.url)
      ctx.addIssue({ code: 'custom', path: ['forwardUserToken'], message: 'only applies to url upstreams' });
  });

const policySchema = z.strictObject({
  /** Namespaced component names or globs (`github__*`, `*__delete_*`). */
  match: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
  scopes: z.array(z.string().min(1)).optional(),
  roles: z.array(z.string().min(1)).optional(),
  /** OAuth client ids (the agents) allowed to use the matched components. */
  clientIds: z.array(z.string().min(1)).optional(),
  /** `deny: true` hides the matched components from everyone. */
  deny: z.boolean().optional(),
});

const rateSchema = z.strictObject({ points: z.number().int().positive(), durationSeconds: z.number().positive() });
const rateLimitSchema = z
  .strictObject({
    match: z.string().min(1).default('*'),
    /** Calls each principal may make to the matched tools together, per window. The first matching rule applies. */
    perPrincipal: rateSchema.optional(),
    /** Calls per window to the matched tools, all principals together. */
    total: rateSchema.optional(),
  })
  .refine((r) => r.perPrincipal || r.total, { message: 'set perPrincipal, total or both' });

const severitySchema = z.enum(SEVERITIES as unknown as [Severity, ...Severity[]]);

export const gatewayConfigSchema = z.strictObject({
  $schema: z.string().optional(),
  name: z.string().min(1).default('mcp-bastion-gateway'),
  version: z.string().min(1).default('0.1.0'),
  instructions: z.string().optional(),
  /** Client config files (Cursor, Claude, VS Code ...) whose servers are added; entries here win on a name clash. */
  from: z.array(z.string().min(1)).optional(),
  mcpServers: z.record(z.string(), upstreamSchema).default({}),
  /**
   * The organisation's allow-list. When set, a server starts only if an entry matches its package
   * (`name@version`), URL or exact command; anything else, including servers pulled in with `from`,
   * never starts.
   */
  allowedServers: z
    .array(
      z.strictObject({
        name: z.string().optional(),
        package: z.string().optional(),
        url: z.string().optional(),
        command: z.string().optional(),
      }),
    )
    .optional(),
  separator: z
    .string()
    .regex(/^[_.-]{1,3}$/, 'must be 1-3 of "_", "." or "-" (characters MCP allows in tool names)')
    .default('__'),
  onInsufficientScope: z.enum(['hide', 'challenge']).default('hide'),
  policies: z.array(policySchema).default([]),
  rateLimits: z.array(rateLimitSchema).default([]),
  /** Requests per principal per window on `/mcp` itself (before any tool logic). */
  requestRateLimit: rateSchema.optional(),
  scan: z.strictObject({ blockAt: severitySchema.default('high') }).default({ blockAt: 'high' }),
  output: z
    .strictObject({
      mode: z.enum(['off', 'warn', 'block']).default('warn'),
      redactSecrets: z.boolean().default(true),
      /** Characters of each result scored for injections (the rest is still redacted, and marked OI003). Default 256 KiB. */
      maxScanChars: z.number().int().positive().optional(),
    })
    .default({ mode: 'warn', redactSecrets: true }),
  pins: z
    .strictObject({
      /** A lock file in the format of `mcp-bastion pin`: read at start as approved, rewritten on approval. */
      lockFile: z.string().min(1).optional(),
      trustOnFirstUse: z.boolean().default(false),
      /** Re-list every upstream this often to catch changes announced without list_changed (0: only on notifications). */
      relistIntervalSeconds: z.number().min(0).default(300),
    })
    .default({ trustOnFirstUse: false, relistIntervalSeconds: 300 }),
  audit: z
    .strictObject({ file: z.string().min(1).optional(), includeArguments: z.boolean().default(false) })
    .default({ includeArguments: false }),
  storage: z
    .strictObject({ type: z.enum(['memory', 'file', 'redis']).optional(), path: z.string().optional(), url: z.string().optional() })
    .optional(),
  http: z
    .strictObject({
      host: z.string().optional(),
      port: z.number().int().min(0).max(65535).optional(),
      baseUrl: z.string().optional(),
      allowAllInterfaces: z.boolean().optional(),
      allowedHosts: z.array(z.string()).optional(),
      allowedOrigins: z.array(z.string()).optional(),
      maxBodyBytes: z.number().int().positive().optional(),
    })
    .optional(),
  upstreamDefaults: z
    .strictObject({
      startupTimeoutMs: z.number().int().positive().default(30_000),
      callTimeoutMs: z.number().int().positive().default(60_000),
    })
    .default({ startupTimeoutMs: 30_000, callTimeoutMs: 60_000 }),
});

export type GatewayConfigInput = z.input<typeof gatewayConfigSchema>;
export type GatewayConfig = z.output<typeof gatewayConfigSchema>;
export type UpstreamConfig = z.output<typeof upstreamSchema>;
export type PolicyRule = z.output<typeof policySchema>;
export type RateLimitRule = z.output<typeof rateLimitSchema>;

/** Validates a config object; the error names the first offending field as a dotted path. */
export function parseGatewayConfig(input: unknown, source = 'gateway config'): GatewayConfig {
  const r = gatewayConfigSchema.safeParse(input);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const path = issue.path.map(String).join('.') || '(root)';
    const message =
      issue.code === 'unrecognized_keys'
        ? `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`
        : issue.message;
    const where = issue.code === 'unrecognized_keys' && issue.path.length === 0 ? '(root)' : path;
    throw new ConfigError(`${source}: ${where}`, message);
  }
  for (const name of Object.keys(r.data.mcpServers)) checkServerName(name, r.data.separator, `${source}: mcpServers.${name}`);
  return r.data;
}

function checkServerName(name: string, separator: string, option: string): void {
  if (!SERVER_NAME.test(name)) throw new ConfigError(option, 'server names are 1-64 of A-Z a-z 0-9 _ - (they prefix tool names)');
  if (name.includes(separator)) throw new ConfigError(option, `server name contains the namespace separator "${separator}"`);
  // With "__", servers "x" and "x_" would both own "x___deploy" (x + "_deploy", x_ + "deploy"): one could shadow the other.
  for (let k = 1; k < separator.length; k++)
    if (name.endsWith(separator.slice(0, k)))
      throw new ConfigError(
        option,
        `server name ends with "${separator.slice(0, k)}", the start of the namespace separator "${separator}": its tool names could equal another server's`,
      );
}

/** Reads and validates a gateway config file, then merges the servers of its `from` client configs. */
export function loadGatewayConfig(path: string, extraFrom: readonly string[] = []): GatewayConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError('--config', `cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(path, `not valid JSON: ${(e as Error).message}`);
  }
  const config = parseGatewayConfig(doc, path);
  const base = dirname(resolve(path));
  return mergeFrom(config, [...(config.from ?? []).map((f) => resolve(base, f)), ...extraFrom]);
}

/** Adds the servers of client config files (Cursor/Claude/VS Code/Codex formats); the gateway's own entries win. */
export function mergeFrom(config: GatewayConfig, files: readonly string[]): GatewayConfig {
  if (files.length === 0) return config;
  const servers = { ...config.mcpServers };
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw new ConfigError('--from', `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    let parsed;
    try {
      parsed = parseConfigText(text, file);
    } catch (e) {
      throw new ConfigError('--from', `${file}: ${(e as Error).message}`);
    }
    for (const s of parsed.servers) {
      if (servers[s.name]) continue;
      const entry = parseGatewayConfig(
        {
          separator: config.separator,
          mcpServers: {
            [s.name]: stripUndefined({ command: s.command, args: s.args, env: s.env, cwd: s.cwd, url: s.url, headers: s.headers }),
          },
        },
        file,
      );
      servers[s.name] = entry.mcpServers[s.name]!;
      checkServerName(s.name, config.separator, `${file}: mcpServers.${s.name}`);
    }
  }
  return { ...config, mcpServers: servers };
}

function stripUndefined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}
