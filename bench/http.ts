import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import autocannon from 'autocannon';

export interface LoadResult {
  readonly rps: number;
  readonly p99: number;
  readonly errors: number;
  readonly non2xx: number;
  /** Requests completed in the run. */
  readonly requests: number;
}

const META = {
  'io.modelcontextprotocol/protocolVersion': '2026-07-28',
  'io.modelcontextprotocol/clientInfo': { name: 'bench', version: '1' },
  'io.modelcontextprotocol/clientCapabilities': {},
};
/** A stateless 2026-07-28 `tools/call` body (the `_meta` fields stand in for the initialize handshake). */
export const toolsCallBody = (name: string, args: Record<string, unknown> = {}) =>
  JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name, arguments: args, _meta: META } });
export const TOOLS_CALL = toolsCallBody('notes_list');

export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const p = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return p;
}

export interface Target {
  readonly url: string;
  readonly token?: string | undefined;
  /** The tool to call; default `notes_list`. */
  readonly tool?: string | undefined;
  /** The serving process, for CPU accounting. */
  readonly pid?: number | undefined;
  stop(): void;
}

export async function startTarget(kind: 'bastion' | 'bastion-auth' | 'bastion-io' | 'bare'): Promise<Target> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'bench/server.ts', kind, String(port)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let token: string | undefined;
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      const t = /token (\S+)/.exec(out);
      if (t) token = readFileSync(t[1] as string, 'utf8');
      if (out.includes('ready')) resolve();
    });
    child.on('exit', (code) => reject(new Error(`${kind} exited ${code}`)));
  });
  return { url: `http://127.0.0.1:${port}/mcp`, token, pid: child.pid, stop: () => child.kill() };
}

/** One autocannon run of `tools/call` (the target's tool, default notes_list) on the 2026-07-28 per-request path. */
export async function load(target: Target, seconds: number, connections = 10): Promise<LoadResult> {
  const result = await autocannon({
    url: target.url,
    method: 'POST',
    duration: seconds,
    connections,
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': '2026-07-28',
      'mcp-method': 'tools/call',
      'mcp-name': target.tool ?? 'notes_list',
      ...(target.token ? { authorization: `Bearer ${target.token}` } : {}),
    },
    body: target.tool ? toolsCallBody(target.tool) : TOOLS_CALL,
  });
  return {
    rps: result.requests.average,
    p99: result.latency.p99,
    errors: result.errors,
    non2xx: result.non2xx,
    requests: result.requests.total,
  };
}
