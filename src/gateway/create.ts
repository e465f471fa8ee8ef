/**
 * `createGateway()`: an MCP server whose components are the namespaced union of several upstream MCP
 * servers, with our auth in front and, around every call, policy, quarantine, rate limits, the
 * output guard and the audit trail.
 */

import { resolve } from 'node:path';
import { createLogger, type Logger } from '../log.js';
import { resolveHttpConfig, type HttpOptions } from '../config.js';
import type { TokenVerifier } from '../auth/principal.js';
import type { AuthCheck } from '../auth/authorization.js';
import type { AuthProvider } from '../auth/resource-server.js';
import type { Store } from '../storage/types.js';
import { createStore } from '../storage/index.js';
import type { PinKind } from '../security/pins.js';
import { createMcpHost, type RunningServer } from '../server/host.js';
import { requestLimiter } from '../server/request-limit.js';
import type { StdioServerHandle } from '@modelcontextprotocol/server/stdio';
import { parseGatewayConfig, type GatewayConfig, type GatewayConfigInput } from './config.js';
import { checkSupplyChain } from './supply-chain.js';
import { signatureCheck } from './signatures.js';
import { ApprovalMismatchError, createPinBook, type PendingRecord } from './quarantine.js';
import { createUpstream, type Upstream, type UpstreamStatus } from './upstream.js';
import { compilePolicies, matcher } from './policy.js';
import { createCatalog, nameClashes, type Catalog } from './catalog.js';
import { createGatewayServer, gatewayChallenge, policyFor } from './surface.js';
import { createCallGuards, envSecretValues } from '../guard/call-guards.js';
import type { CallGuards } from '../guard/hooks.js';

export interface GatewayOptions {
  /** A parsed config (`loadGatewayConfig`) or a plain object in the same shape. */
  readonly config: GatewayConfig | GatewayConfigInput;
  /** Who may call the gateway: any TokenVerifier, `tokenAuth(...)`, `RemoteAuthProvider` or an OAuth proxy provider. */
  readonly auth?: AuthProvider | TokenVerifier | undefined;
  /** Pins, quarantine and rate-limit counters; default: from `config.storage` (file store). */
  readonly store?: Store | undefined;
  readonly logger?: Logger | undefined;
  /** Overrides `config.http`. */
  readonly http?: HttpOptions | undefined;
  /** Custom checks by namespaced name or glob, in addition to `config.policies`. */
  readonly checks?: readonly { match: string | string[]; check: AuthCheck }[] | undefined;
  /** Restart backoff for failed upstreams. */
  readonly backoff?: { initialMs: number; maxMs: number } | undefined;
  /** Replaces the guards built from the config (embedding only). */
  readonly guards?: CallGuards | undefined;
}

export interface UpstreamInfo {
  readonly name: string;
  readonly status: UpstreamStatus;
  readonly reason?: string | undefined;
  readonly tools: number;
  readonly restarts: number;
}

export interface Gateway {
  readonly config: GatewayConfig;
  readonly catalog: Catalog;
  readonly store: Store;
  /** Starts every allowed upstream and waits for each one's first attempt. */
  start(): Promise<void>;
  listen(): Promise<RunningServer>;
  serveStdio(): StdioServerHandle;
  fetch(request: Request): Promise<Response>;
  upstreams(): UpstreamInfo[];
  /** Re-pins a quarantined component by namespaced name (`server__tool`) or resource URI. */
  /** With `hash` (what the reviewer saw), a definition that changed since is refused (ApprovalMismatchError). */
  approve(name: string, by?: string, opts?: { hash?: string | undefined }): Promise<PendingRecord>;
  pending(): Promise<PendingRecord[]>;
  close(): Promise<void>;
}

export async function createGateway(options: GatewayOptions): Promise<Gateway> {
  const config =
    'upstreamDefaults' in options.config && 'scan' in options.config
      ? (options.config as GatewayConfig)
      : parseGatewayConfig(options.config);
  const logger = options.logger ?? createLogger({ name: 'mcp-bastion-gateway' });
  const http = resolveHttpConfig({ ...(config.http ?? {}), ...(options.http ?? {}) });
  const ownStore = options.store === undefined;
  const store = options.store ?? (await createStore(config.storage ?? {}));
  const pins = createPinBook(store, { logger, lockFile: config.pins.lockFile ? resolve(config.pins.lockFile) : undefined });
  const policy = compilePolicies(
    config.policies,
    (options.checks ?? []).map((c) => ({ match: matcher(c.match), check: c.check })),
  );
  const signatureChecks = new Map(
    Object.entries(config.mcpServers).flatMap(([name, entry]) => {
      const check = signatureCheck(name, entry);
      return check ? [[name, check] as const] : [];
    }),
  );
  const catalog = createCatalog({
    separator: config.separator,
    blockAt: config.scan.blockAt,
    policy,
    pins,
    logger,
    trustOnFirstUse: (server) => config.mcpServers[server]?.trustOnFirstUse ?? config.pins.trustOnFirstUse,
    signatures: async (server, live) => (await signatureChecks.get(server)?.(live)) ?? undefined,
  });
  const guards = options.guards ?? createCallGuards(guardSettings(config), store, logger);

  const upstreams = new Map<string, Upstream>();
  for (const [name, entry] of Object.entries(config.mcpServers)) {
    const upstream = createUpstream({
      name,
      config: entry,
      logger,
      startupTimeoutMs: entry.startupTimeoutMs ?? config.upstreamDefaults.startupTimeoutMs,
      callTimeoutMs: entry.callTimeoutMs ?? config.upstreamDefaults.callTimeoutMs,
      backoff: options.backoff,
      onListing: (listing) => catalog.update(name, listing),
    });
    upstreams.set(name, upstream);
  }

  let relistTimer: NodeJS.Timeout | undefined;
  const host = createMcpHost({
    logger,
    config: http,
    auth: options.auth,
    knownScopes: () => [...new Set(config.policies.flatMap((p) => p.scopes ?? []))],
    limit: config.requestRateLimit ? requestLimiter(store, config.requestRateLimit, 'requestRateLimit') : undefined,
    surface: ({ enforce }) => {
      const surfaceOptions = {
        name: config.name,
        version: config.version,
        instructions: config.instructions,
        catalog,
        upstreams,
        pins,
        guards,
        logger,
        rules: [],
        onInsufficientScope: config.onInsufficientScope,
      };
      return {
        createServer: (binding) => createGatewayServer(surfaceOptions, binding),
        challengeFor: gatewayChallenge(catalog, policyFor(surfaceOptions, enforce)),
      };
    },
    onClose: async () => {
      clearInterval(relistTimer);
      await Promise.all([...upstreams.values()].map((u) => u.close()));
      await guards.close();
      if (ownStore) await store.close();
    },
  });

  const resolveName = (name: string): { server: string; kind: PinKind; key: string } | undefined => {
    const tool = catalog.tools.get(name);
    if (tool) return { server: tool.upstream, kind: 'tool', key: tool.original };
    const prompt = catalog.prompts.get(name);
    if (prompt) return { server: prompt.upstream, kind: 'prompt', key: prompt.original };
    const resource = catalog.resources.get(name) ?? [...catalog.resources.values()].find((r) => r.name === name);
    if (resource) return { server: resource.upstream, kind: 'resource', key: resource.original };
    return undefined;
  };

  return {
    config,
    catalog,
    store,
    async start() {
      for (const [name, entry] of Object.entries(config.mcpServers)) {
        const verdict = checkSupplyChain(name, entry, config);
        if (!verdict.ok) upstreams.get(name)!.refuse(verdict.reason);
      }
      await Promise.all([...upstreams.values()].map((u) => u.start()));
      for (const f of nameClashes(catalog.findings))
        logger.warn({ event: 'name_clash', code: f.code, server: f.server, name: f.entity.name }, f.message);
      if (config.pins.relistIntervalSeconds > 0) {
        relistTimer = setInterval(() => {
          for (const u of upstreams.values()) void u.relist();
        }, config.pins.relistIntervalSeconds * 1000);
        relistTimer.unref();
      }
    },
    listen: () => host.listen(),
    serveStdio: () => host.serveStdio(),
    fetch: (request) => host.fetch(request),
    upstreams: () =>
      [...upstreams.values()].map((u) => ({
        name: u.name,
        status: u.status,
        reason: u.reason,
        tools: u.listing.tools.length,
        restarts: u.restarts,
      })),
    async approve(name, by = 'api', approveOpts = {}) {
      const target = resolveName(name) ?? parsePendingName(name, await pins.pending(), config.separator);
      if (!target) throw new Error(`nothing named ${name} is known to the gateway`);
      const approved = await pins.approve(target.server, target.kind, target.key, by, approveOpts);
      if (!approved) throw new Error(`${name} is not quarantined (nothing pending to approve)`);
      return approved;
    },
    pending: () => pins.pending(),
    close: () => host.close(),
  };
}

/**
 * Finds a pending record by namespaced name without a live catalog (the CLI's `approve`). Only the
 * namespaced name identifies a tool or prompt: an upstream may name its own tool `other__tool`, and a
 * bare-name match would then approve it in place of the other server's. A bare resource URI is
 * accepted when exactly one server has it pending.
 */
export function parsePendingName(
  name: string,
  pending: readonly PendingRecord[],
  separator: string,
): { server: string; kind: PinKind; key: string } | undefined {
  const exact = pending.filter((p) => `${p.server}${separator}${p.name}` === name);
  const byUri = pending.filter((p) => p.kind === 'resource' && p.name === name);
  const hits = exact.length > 0 ? exact : byUri;
  if (hits.length > 1)
    throw new ApprovalMismatchError(
      `${name} is pending on ${hits.map((p) => p.server).join(' and ')}; approve it by its namespaced name (${hits.map((p) => `${p.server}${separator}${p.name}`).join(', ')})`,
    );
  const hit = hits[0];
  return hit ? { server: hit.server, kind: hit.kind, key: hit.name } : undefined;
}

/** The gateway's guard settings; its own secrets are the upstreams' env values and header credentials plus its environment's. */
export function guardSettings(config: GatewayConfig, env: NodeJS.ProcessEnv = process.env) {
  const secretValues = envSecretValues(env);
  for (const entry of Object.values(config.mcpServers)) {
    secretValues.push(...envSecretValues(entry.env ?? {}));
    for (const [k, v] of Object.entries(entry.headers ?? {}))
      if (/auth|key|token|secret|cookie|password/i.test(k)) secretValues.push(v.replace(/^(Bearer|Basic|Token)\s+/i, ''));
  }
  return {
    rateLimits: config.rateLimits.map((r) => ({
      match: r.match,
      ...(r.perPrincipal ? { perPrincipal: r.perPrincipal } : {}),
      ...(r.total ? { total: r.total } : {}),
    })),
    output: {
      mode: config.output.mode,
      redactSecrets: config.output.redactSecrets,
      blockAt: config.scan.blockAt,
      ...(config.output.maxScanChars ? { maxScanChars: config.output.maxScanChars } : {}),
    },
    audit: config.audit,
    secretValues,
  };
}
