import { createServer } from 'node:net';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { createMcpServer, type McpServerOptions, type McpBastionServer, type RunningServer } from '../../src/server/create.js';
import { createLogger } from '../../src/log.js';

export type ProtocolChoice = '2025-06-18' | '2025-11-25' | '2026-07-28';
export const PROTOCOLS: ProtocolChoice[] = ['2025-06-18', '2025-11-25', '2026-07-28'];

export interface Started {
  server: McpBastionServer;
  running: RunningServer;
  url: string;
  close(): Promise<void>;
}

/** Starts a real server on 127.0.0.1 with an ephemeral port. Logs are silenced unless MCP_BASTION_TEST_LOGS is set. */
export async function startServer(options: McpServerOptions): Promise<Started> {
  const server = createMcpServer({
    logger: createLogger({ level: process.env.MCP_BASTION_TEST_LOGS ? 'debug' : 'silent' }),
    ...options,
    http: { port: 0, ...options.http },
  });
  const running = await server.listen();
  return { server, running, url: running.url, close: () => server.close() };
}

/** A real SDK v2 client speaking the given protocol revision. */
export async function connectClient(url: string, protocol: ProtocolChoice, headers: Record<string, string> = {}): Promise<Client> {
  const client =
    protocol === '2026-07-28'
      ? new Client({ name: 'bastion-test', version: '1.0.0' }, { versionNegotiation: { mode: { pin: '2026-07-28' } } })
      : new Client({ name: 'bastion-test', version: '1.0.0' }, { supportedProtocolVersions: [protocol] });
  const transport = new StreamableHTTPClientTransport(new URL(`${url}/mcp`), { requestInit: { headers } });
  await client.connect(transport);
  return client;
}

/** Raw JSON-RPC POST, for tests that must send what no well-behaved client sends. */
export async function rawPost(url: string, body: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${url}/mcp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
    body,
  });
}

export function initializeBody(version = '2025-11-25'): string {
  return JSON.stringify({
    jsonrpc: '2.0',
    id: 1,
    method: 'initialize',
    params: { protocolVersion: version, capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
  });
}

/** A port that was free a moment ago, for servers whose resource URL must be known before they start. */
export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}
