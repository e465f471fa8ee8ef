/**
 * Talks to one server (stdio or Streamable HTTP) and collects everything the model would see:
 * tools, prompts, resources, resource templates and the server's instructions. Every server
 * gets a hard time limit; on expiry its process group is killed and the stderr tail reported.
 */

import { Client, StreamableHTTPClientTransport, type Transport } from '@modelcontextprotocol/client';
import { buildLaunch, type SandboxOptions } from './sandbox.js';
import { GroupStdioTransport } from './stdio-transport.js';
import type { PromptDef, ResourceDef, ScannedServer, ServerConfig, ToolDef } from '../types.js';

export interface CollectOptions {
  timeoutMs: number;
  sandbox: SandboxOptions;
}

export class CollectError extends Error {
  constructor(
    message: string,
    readonly stderr?: string,
  ) {
    super(message);
    this.name = 'CollectError';
  }
}

function withTimeout<T>(p: Promise<T>, ms: number, onTimeout: () => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout();
      reject(new CollectError(`timed out after ${ms} ms`));
    }, ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

/**
 * Everything a server offers the model. `timeout` bounds each list call; `refresh` bypasses the
 * client's response cache (the gateway re-lists after list_changed and must see the change).
 */
export async function listAll(client: Client, o: { timeout?: number; refresh?: boolean } = {}): Promise<Omit<ScannedServer, 'name'>> {
  const caps = client.getServerCapabilities() ?? {};
  const req = { ...(o.timeout ? { timeout: o.timeout } : {}), ...(o.refresh ? { cacheMode: 'refresh' as const } : {}) };
  const tools = caps.tools ? ((await client.listTools(undefined, req)).tools as unknown as ToolDef[]) : [];
  // Optional lists: a server that advertises them but fails still yields its tools.
  const optional = async <T>(enabled: unknown, fn: () => Promise<T[]>): Promise<T[]> => {
    if (!enabled) return [];
    try {
      return await fn();
    } catch {
      return [];
    }
  };
  const prompts = await optional(caps.prompts, async () => (await client.listPrompts(undefined, req)).prompts as unknown as PromptDef[]);
  const resources = await optional(
    caps.resources,
    async () => (await client.listResources(undefined, req)).resources as unknown as ResourceDef[],
  );
  const resourceTemplates = await optional(
    caps.resources,
    async () => (await client.listResourceTemplates(undefined, req)).resourceTemplates as unknown as ResourceDef[],
  );
  return { tools, prompts, resources, resourceTemplates, instructions: client.getInstructions() };
}

function httpTransport(cfg: ServerConfig): Transport {
  if (!cfg.url) throw new CollectError('no url');
  let url: URL;
  try {
    url = new URL(cfg.url);
  } catch {
    throw new CollectError(`invalid url ${cfg.url}`);
  }
  return new StreamableHTTPClientTransport(url, { requestInit: { headers: cfg.headers ?? {} } });
}

/** Connect, list, disconnect. Throws CollectError with the stderr tail on failure. */
export async function collectServer(cfg: ServerConfig, o: CollectOptions): Promise<ScannedServer> {
  const stdio = cfg.command ? new GroupStdioTransport(buildLaunch(cfg, o.sandbox)) : undefined;
  const transport = stdio ?? httpTransport(cfg);
  const client = new Client({ name: 'mcp-bastion-scan', version: '1' });
  const work = (async () => {
    await client.connect(transport);
    return listAll(client);
  })();
  try {
    const lists = await withTimeout(work, o.timeoutMs, () => stdio?.kill());
    return { name: cfg.name, ...lists, config: cfg, source: cfg.source };
  } catch (e) {
    const base = e instanceof Error ? e.message : String(e);
    const exit = stdio?.exit ? ` (process ${stdio.exit})` : '';
    throw new CollectError(`${base}${exit}`, stdio?.stderr.trim() || undefined);
  } finally {
    work.catch(() => undefined); // the race loser must not become an unhandled rejection
    await client.close().catch(() => undefined);
    stdio?.kill();
  }
}
