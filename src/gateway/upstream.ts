/**
 * One upstream MCP server behind the gateway, reached with the official SDK client over stdio
 * (under bubblewrap unless the entry opts out) or Streamable HTTP. It is started once, listed,
 * watched for list_changed, and restarted with exponential backoff when it crashes or stops
 * answering. A failing upstream never takes the others down: callers get a clear "unavailable".
 */

import { Client, SdkError, SdkErrorCode, StreamableHTTPClientTransport, type Transport } from '@modelcontextprotocol/client';
import type { CallToolResult, GetPromptResult, ReadResourceResult } from '@modelcontextprotocol/client';
import type { Logger } from '../log.js';
import { resolve } from 'node:path';
import { buildLaunch, sandboxOptionsFor } from '../security/connect/sandbox.js';
import { GroupStdioTransport } from '../security/connect/stdio-transport.js';
import { listAll } from '../security/connect/collect.js';
import type { PromptDef, ResourceDef, ToolDef } from '../security/types.js';
import type { UpstreamConfig } from './config.js';
import { nodeFetch } from '../net/node-fetch.js';
import { parseEgressRules, startEgressProxy, type EgressProxy } from '../security/connect/egress.js';

const upstreamFetch = nodeFetch();

export type UpstreamStatus = 'starting' | 'ready' | 'unavailable' | 'refused' | 'disabled';

export interface Listing {
  readonly tools: readonly ToolDef[];
  readonly prompts: readonly PromptDef[];
  readonly resources: readonly ResourceDef[];
  readonly resourceTemplates: readonly ResourceDef[];
  readonly instructions?: string | undefined;
}

const EMPTY: Listing = { tools: [], prompts: [], resources: [], resourceTemplates: [] };

export interface UpstreamOptions {
  readonly name: string;
  readonly config: UpstreamConfig;
  readonly logger: Logger;
  readonly startupTimeoutMs: number;
  readonly callTimeoutMs: number;
  /** Called with every fresh listing (connect, list_changed, re-list). */
  readonly onListing: (listing: Listing) => Promise<void>;
  /** Backoff bounds; tests shorten them. */
  readonly backoff?: { readonly initialMs: number; readonly maxMs: number } | undefined;
}

export class UpstreamUnavailableError extends Error {
  override readonly name = 'UpstreamUnavailableError';
}

export interface Upstream {
  readonly name: string;
  readonly status: UpstreamStatus;
  /** Why the upstream is unavailable or refused. */
  readonly reason?: string | undefined;
  readonly listing: Listing;
  readonly restarts: number;
  start(): Promise<void>;
  relist(): Promise<void>;
  callTool(name: string, args: Record<string, unknown>, opts?: { bearer?: string | undefined }): Promise<CallToolResult>;
  readResource(uri: string): Promise<ReadResourceResult>;
  getPrompt(name: string, args: Record<string, string>): Promise<GetPromptResult>;
  refuse(reason: string): void;
  close(): Promise<void>;
}

function describe(e: unknown): string {
  if (e instanceof SdkError && e.code === SdkErrorCode.RequestTimeout) return 'timed out';
  return e instanceof Error ? e.message : String(e);
}

export function createUpstream(opts: UpstreamOptions): Upstream {
  const { name, config, logger } = opts;
  const backoff = opts.backoff ?? { initialMs: 1_000, maxMs: 60_000 };
  let status: UpstreamStatus = config.disabled ? 'disabled' : 'starting';
  let reason: string | undefined;
  let listing: Listing = EMPTY;
  let client: Client | undefined;
  let stdio: GroupStdioTransport | undefined;
  let closing = false;
  let failures = 0;
  let restarts = 0;
  let timer: NodeJS.Timeout | undefined;
  let connecting: Promise<void> | undefined;

  let egress: EgressProxy | undefined;
  const allowList = config.sandbox && Array.isArray(config.sandbox.network) ? config.sandbox.network : undefined;

  const transportFor = (headers: Record<string, string> | undefined): Transport => {
    if (config.command) {
      const sb = config.sandbox === false ? undefined : (config.sandbox ?? {});
      const limits = sb?.limits;
      const launch = sandboxOptionsFor(
        name,
        {
          sandbox: config.sandbox !== false,
          network: sb?.network ?? false,
          writableDir: resolve(sb?.writableDir ?? `.mcp-bastion/sandbox/${name}`),
          ...(sb?.passEnv ? { passEnv: sb.passEnv } : {}),
          ...(limits
            ? {
                limits: {
                  ...(limits.cpuSeconds ? { cpuSeconds: limits.cpuSeconds } : {}),
                  ...(limits.memoryMb ? { memoryBytes: limits.memoryMb * 1024 * 1024 } : {}),
                  ...(limits.openFiles ? { openFiles: limits.openFiles } : {}),
                  ...(limits.fileSizeMb ? { fileSizeBytes: limits.fileSizeMb * 1024 * 1024 } : {}),
                },
              }
            : {}),
        },
        { home: process.env.HOME ?? '/root' },
        egress,
      );
      stdio = new GroupStdioTransport(
        buildLaunch(
          { name, command: config.command, args: config.args ?? [], env: config.env ?? {}, ...(config.cwd ? { cwd: config.cwd } : {}) },
          launch,
        ),
      );
      return stdio;
    }
    return new StreamableHTTPClientTransport(new URL(config.url!), { requestInit: { headers: headers ?? {} }, fetch: upstreamFetch });
  };

  const newClient = () =>
    new Client(
      { name: 'mcp-bastion-gateway', version: '1' },
      {
        listChanged: {
          tools: { autoRefresh: false, onChanged: () => void relist() },
          prompts: { autoRefresh: false, onChanged: () => void relist() },
          resources: { autoRefresh: false, onChanged: () => void relist() },
        },
      },
    );

  async function fetchListing(c: Client): Promise<Listing> {
    const l = await listAll(c, { timeout: opts.startupTimeoutMs, refresh: true });
    return {
      tools: l.tools,
      prompts: l.prompts ?? [],
      resources: l.resources ?? [],
      resourceTemplates: l.resourceTemplates ?? [],
      instructions: l.instructions,
    };
  }

  async function connect(): Promise<void> {
    const c = newClient();
    let transport: Transport;
    try {
      // The allow-list proxy lives as long as the upstream, across restarts.
      if (allowList) egress ??= await startEgressProxy({ name, rules: parseEgressRules(allowList), logger });
      transport = transportFor(config.headers);
    } catch (e) {
      markRefused(describe(e));
      return;
    }
    const started = (async () => {
      await c.connect(transport, { timeout: opts.startupTimeoutMs });
      return fetchListing(c);
    })();
    let deadline: NodeJS.Timeout | undefined;
    try {
      const fresh = await Promise.race([
        started,
        new Promise<never>((_, reject) => {
          deadline = setTimeout(() => reject(new Error(`no answer within ${opts.startupTimeoutMs} ms`)), opts.startupTimeoutMs);
        }),
      ]);
      client = c;
      transport.onclose = chain(transport.onclose, () => onLost(c, 'connection closed'));
      listing = fresh;
      status = 'ready';
      reason = undefined;
      failures = 0;
      logger.info({ event: 'upstream_ready', server: name, tools: fresh.tools.length }, `upstream ${name} ready`);
      await opts.onListing(fresh);
    } catch (e) {
      started.catch(() => undefined);
      const stderr = stdio?.stderr.trim();
      await c.close().catch(() => undefined);
      stdio?.kill();
      markUnavailable(`${describe(e)}${stdio?.exit ? ` (process ${stdio.exit})` : ''}`, stderr);
    } finally {
      clearTimeout(deadline);
    }
  }

  function chain(prev: (() => void) | undefined, next: () => void): () => void {
    return () => {
      prev?.();
      next();
    };
  }

  function onLost(c: Client, why: string): void {
    if (closing || client !== c) return;
    client = undefined;
    markUnavailable(`${why}${stdio?.exit ? ` (process ${stdio.exit})` : ''}`, stdio?.stderr.trim());
  }

  function markRefused(why: string): void {
    status = 'refused';
    reason = why;
    listing = EMPTY;
    logger.error({ event: 'upstream_refused', server: name, reason: why }, `upstream ${name} not started: ${why}`);
    void opts.onListing(EMPTY);
  }

  function markUnavailable(why: string, stderr?: string): void {
    status = 'unavailable';
    reason = why;
    listing = EMPTY;
    failures++;
    const delay = Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.min(failures - 1, 16));
    logger.warn(
      { event: 'upstream_unavailable', server: name, reason: why, stderr: stderr?.slice(-1000), retryInMs: delay },
      `upstream ${name} unavailable: ${why}; restarting in ${delay} ms`,
    );
    void opts.onListing(EMPTY);
    if (closing) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      restarts++;
      void start();
    }, delay);
    timer.unref();
  }

  function start(): Promise<void> {
    if (status === 'disabled' || status === 'refused' || closing) return Promise.resolve();
    connecting ??= connect().finally(() => (connecting = undefined));
    return connecting;
  }

  async function relist(): Promise<void> {
    const c = client;
    if (!c || status !== 'ready') return;
    try {
      listing = await fetchListing(c);
      await opts.onListing(listing);
    } catch (e) {
      logger.warn({ event: 'upstream_relist_failed', server: name, reason: describe(e) }, `re-listing ${name} failed`);
    }
  }

  function ready(): Client {
    if (!client || status !== 'ready') throw new UpstreamUnavailableError(`upstream ${name} is unavailable${reason ? ` (${reason})` : ''}`);
    return client;
  }

  /** A call that timed out may mean a hung server: probe it, and restart it if it does not answer. */
  async function probeAfterTimeout(c: Client): Promise<void> {
    try {
      await c.ping({ timeout: Math.min(5_000, opts.callTimeoutMs) });
    } catch {
      if (client !== c) return;
      client = undefined;
      await c.close().catch(() => undefined);
      stdio?.kill();
      markUnavailable('stopped answering (ping timed out after a call timeout)');
    }
  }

  async function withTimeout<T>(fn: (c: Client) => Promise<T>): Promise<T> {
    const c = ready();
    try {
      return await fn(c);
    } catch (e) {
      if (e instanceof SdkError && e.code === SdkErrorCode.RequestTimeout) {
        void probeAfterTimeout(c);
        throw new UpstreamUnavailableError(`upstream ${name} did not answer within ${opts.callTimeoutMs} ms`);
      }
      if (e instanceof SdkError && e.code === SdkErrorCode.ConnectionClosed)
        throw new UpstreamUnavailableError(`upstream ${name} closed the connection`);
      throw e;
    }
  }

  /** A per-user call to an http upstream: a short-lived client carrying the user's own bearer token. */
  async function callAsUser(toolName: string, args: Record<string, unknown>, bearer: string): Promise<CallToolResult> {
    const c = newClient();
    const transport = new StreamableHTTPClientTransport(new URL(config.url!), {
      requestInit: { headers: { ...(config.headers ?? {}), authorization: `Bearer ${bearer}` } },
      fetch: upstreamFetch,
    });
    try {
      await c.connect(transport, { timeout: opts.callTimeoutMs });
      return (await c.callTool({ name: toolName, arguments: args }, { timeout: opts.callTimeoutMs })) as CallToolResult;
    } catch (e) {
      if (e instanceof SdkError && e.code === SdkErrorCode.RequestTimeout)
        throw new UpstreamUnavailableError(`upstream ${name} did not answer within ${opts.callTimeoutMs} ms`);
      throw e;
    } finally {
      await c.close().catch(() => undefined);
    }
  }

  return {
    name,
    get status() {
      return status;
    },
    get reason() {
      return reason;
    },
    get listing() {
      return listing;
    },
    get restarts() {
      return restarts;
    },
    start,
    relist,
    callTool: (toolName, args, o) =>
      o?.bearer && config.forwardUserToken
        ? callAsUser(toolName, args, o.bearer)
        : withTimeout(
            async (c) => (await c.callTool({ name: toolName, arguments: args }, { timeout: opts.callTimeoutMs })) as CallToolResult,
          ),
    readResource: (uri) => withTimeout((c) => c.readResource({ uri }, { timeout: opts.callTimeoutMs, cacheMode: 'bypass' })),
    getPrompt: (promptName, args) =>
      withTimeout((c) => c.getPrompt({ name: promptName, arguments: args }, { timeout: opts.callTimeoutMs })),
    refuse: markRefused,
    async close() {
      closing = true;
      clearTimeout(timer);
      const c = client;
      client = undefined;
      await c?.close().catch(() => undefined);
      stdio?.kill();
      await egress?.close();
      egress = undefined;
    },
  };
}
