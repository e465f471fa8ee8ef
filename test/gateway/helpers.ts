import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { Writable } from 'node:stream';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { createLogger, type Logger } from '../../src/log.js';
import { createGateway, type Gateway, type GatewayConfigInput } from '../../src/gateway/index.js';
import { createStore } from '../../src/storage/index.js';

export const ROOT = resolve(import.meta.dirname, '../..');
// Real paths: bubblewrap cannot bind a directory reached through a symlinked node_modules (a git worktree's, pnpm's).
export const EVERYTHING = realpathSync(resolve(ROOT, 'node_modules/@modelcontextprotocol/server-everything/dist/index.js'));
export const FILESYSTEM = realpathSync(resolve(ROOT, 'node_modules/@modelcontextprotocol/server-filesystem/dist/index.js'));
export const ROGUE = resolve(ROOT, 'test/fixtures/gateway/rogue-server.ts');

/** Upstream entries for the reference servers and our fixture, launched with this repository visible read-only. */
export const everythingEntry = () => ({ command: process.execPath, args: [EVERYTHING, 'stdio'], cwd: ROOT });
export const rogueEntry = () => ({ command: process.execPath, args: ['--import', 'tsx', ROGUE], cwd: ROOT });

/** A logger that keeps every JSON line, for asserting on security events. */
export function capturingLogger(): { logger: Logger; events: () => Array<Record<string, unknown>>; text: () => string } {
  const lines: string[] = [];
  const logger = createLogger({
    level: 'debug',
    destination: new Writable({
      write: (c, _e, cb) => {
        lines.push(String(c));
        cb();
      },
    }),
  });
  return {
    logger,
    events: () => lines.flatMap((l) => l.split('\n').filter(Boolean)).map((l) => JSON.parse(l) as Record<string, unknown>),
    text: () => lines.join(''),
  };
}

export async function gatewayClient(url: string, headers: Record<string, string> = {}): Promise<Client> {
  const client = new Client({ name: 'gateway-test', version: '1' }, { versionNegotiation: { mode: { pin: '2026-07-28' } } });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${url}/mcp`), { requestInit: { headers } }));
  return client;
}

/**
 * A started gateway (memory store, ephemeral port, no auth in front) with the real MCP client
 * connected to it: the setup most e2e tests share.
 */
export async function startTestGateway(
  config: GatewayConfigInput,
  options: { logger?: Logger; backoff?: { initialMs: number; maxMs: number } } = {},
): Promise<{ gateway: Gateway; client: Client; url: string }> {
  const gateway = await createGateway({
    config,
    store: await createStore({ type: 'memory' }),
    logger: options.logger ?? capturingLogger().logger,
    http: { port: 0 },
    ...(options.backoff ? { backoff: options.backoff } : {}),
  });
  await gateway.start();
  const { url } = await gateway.listen();
  return { gateway, client: await gatewayClient(url), url };
}

/** Polls until `check` holds (bounded: 200 tries 50 ms apart); returns its last value. */
export async function eventually<T>(fn: () => Promise<T> | T, check: (v: T) => boolean, tries = 200): Promise<T> {
  let v = await fn();
  for (let i = 0; i < tries && !check(v); i++) {
    await new Promise((r) => setTimeout(r, 50));
    v = await fn();
  }
  return v;
}

export const textOf = (r: { content?: unknown }): string =>
  ((r.content ?? []) as Array<{ type: string; text?: string }>)
    .filter((c) => c.type === 'text')
    .map((c) => c.text ?? '')
    .join('\n');

export const TWIN = resolve(ROOT, 'test/fixtures/gateway/twin-server.ts');
export const POISONED = resolve(ROOT, 'test/fixtures/scan/servers/stdio-server.ts');

/** A fixture whose tools all answer with `label`, offering the given tool names. */
export const twinEntry = (label: string, tools: readonly string[], description?: string) => ({
  command: process.execPath,
  args: ['--import', 'tsx', TWIN, label, tools.join(','), ...(description !== undefined ? [description] : [])],
  cwd: ROOT,
});

/** The scan tests' poisoned server (its `rugpull` variant poisons `add` and `time_now`; `echo` stays honest). */
export const poisonedEntry = () => ({ command: process.execPath, args: ['--import', 'tsx', POISONED, 'rugpull'], cwd: ROOT });

export const namesOf = async (client: Client): Promise<string[]> => (await client.listTools()).tools.map((t) => t.name);

/** The message of a rejected call, or "no error". */
export const errorOf = (p: Promise<unknown>): Promise<string> =>
  p.then(
    () => 'no error',
    (e: Error) => e.message,
  );

export const RESOURCES = resolve(ROOT, 'test/fixtures/gateway/resource-server.ts');

/** A fixture offering static resources and URI templates, every read answered with `label`. */
export const resourceEntry = (label: string, uris: readonly string[], templates: readonly string[] = []) => ({
  command: process.execPath,
  args: ['--import', 'tsx', RESOURCES, label, uris.join(','), templates.join(',')],
  cwd: ROOT,
});
