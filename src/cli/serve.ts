import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { ConfigError } from '../errors.js';
import { createMcpServer, type McpServerOptions } from '../server/create.js';
import { createLogger, type Logger } from '../log.js';
import type { HttpOptions } from '../config.js';
import { authFromEnv } from '../auth/env-provider.js';
import { demoBaseUrl } from '../demo/options.js';

export interface ServeFlags {
  config?: string;
  host?: string;
  port?: string;
  stdio?: boolean;
  allowAllInterfaces?: boolean;
}

/** Loads a JS or TS module exporting the server options (`export const config`, `export const options`, or default). */
export async function loadConfigModule(file: string): Promise<McpServerOptions> {
  const path = resolve(file);
  if (!existsSync(path)) throw new ConfigError('--config', `file not found: ${path}`);
  if (/\.[cm]?tsx?$/.test(path)) {
    const { register } = await import('tsx/esm/api');
    register();
  }
  const mod = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  const candidate = mod.config ?? mod.options ?? mod.default;
  const value = typeof candidate === 'function' ? await (candidate as () => unknown)() : candidate;
  if (!value || typeof value !== 'object' || !('router' in value)) {
    throw new ConfigError('--config', `${file} must export the server options (with a router) as \`config\`, \`options\` or default`);
  }
  return value as McpServerOptions;
}

export type DemoOptionsFactory = (
  http: HttpOptions,
  logger: Logger,
) => Promise<{ options: McpServerOptions; banner?: (url: string) => string }>;

export async function runServe(flags: ServeFlags, demo: DemoOptionsFactory): Promise<void> {
  const logger = createLogger();
  const flagHttp: HttpOptions = {
    ...(flags.host !== undefined ? { host: flags.host } : {}),
    ...(flags.port !== undefined ? { port: Number(flags.port) } : {}),
    ...(flags.allowAllInterfaces ? { allowAllInterfaces: true } : {}),
  };
  let loaded: { options: McpServerOptions; banner?: (url: string) => string };
  if (flags.config) {
    const options = await loadConfigModule(flags.config);
    const http = { ...options.http, ...flagHttp };
    // A config without its own auth takes it from MCP_BASTION_AUTH, like the demo.
    const auth =
      options.auth ?? (flags.stdio ? undefined : await authFromEnv(process.env, { resourceUrl: `${demoBaseUrl(http)}/mcp`, logger }));
    loaded = { options: { ...options, ...(auth ? { auth } : {}) } };
  } else {
    loaded = await demo(flagHttp, logger);
  }
  const options: McpServerOptions = {
    ...loaded.options,
    logger: loaded.options.logger ?? logger,
    http: { ...loaded.options.http, ...flagHttp },
  };
  const server = createMcpServer(options);
  if (flags.stdio) {
    const handle = server.serveStdio();
    logger.info({ event: 'stdio_ready' }, 'serving MCP on stdio');
    const stop = () => void handle.close().finally(() => process.exit(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    return;
  }
  const running = await server.listen();
  logger.info({ event: 'listening', url: running.url, mcp: `${running.url}/mcp` }, 'mcp-bastion listening');
  if (loaded.banner) process.stderr.write(loaded.banner(running.url));
  const stop = () => void server.close().finally(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

export function registerServeCommand(program: Command, demo: DemoOptionsFactory): void {
  program
    .command('serve')
    .description('serve a tRPC router over MCP (Streamable HTTP at /mcp, tRPC at /trpc) or stdio; without --config, the demo')
    .option('-c, --config <file>', 'JS or TS module exporting the server options')
    .option('--host <host>', 'address to bind (default 127.0.0.1)')
    .option('-p, --port <port>', 'port (default 3000)')
    .option('--stdio', 'serve MCP over stdin/stdout instead of HTTP')
    .option('--allow-all-interfaces', 'allow binding a non-loopback address such as 0.0.0.0')
    .action(async (flags: ServeFlags) => runServe(flags, demo));
}
