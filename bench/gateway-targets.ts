/**
 * Processes for the gateway benchmark: the gateway itself (bench/gateway-server.ts) over HTTP or
 * stdio, direct SDK stdio clients, a fixed-length `Client.callTool` loop, and one memory probe.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, realpathSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import type { GatewayConfigInput } from '../src/gateway/index.js';
import { freePort, toolsCallBody, type Target } from './http.js';

export const ROOT = resolve(import.meta.dirname, '..');
// The real path: bubblewrap cannot bind a path that runs through a symlink (a worktree's linked node_modules, pnpm).
export const EVERYTHING = realpathSync(resolve(ROOT, 'node_modules/@modelcontextprotocol/server-everything/dist/index.js'));
const GATEWAY_SERVER = resolve(ROOT, 'bench/gateway-server.ts');

export type Upstreams = NonNullable<GatewayConfigInput['mcpServers']>;
export type OutputMode = 'warn' | 'off';

/** server-everything over stdio, as the gateway launches it: under bubblewrap unless `sandboxed` is false. */
export const everything = (sandboxed: boolean) => ({
  command: process.execPath,
  args: [EVERYTHING, 'stdio'],
  cwd: ROOT,
  ...(sandboxed ? {} : { sandbox: false as const }),
});

const gatewayArgs = (mode: 'http' | 'stdio' | 'memory', spec: object) => [
  '--expose-gc',
  '--import',
  'tsx',
  GATEWAY_SERVER,
  mode,
  JSON.stringify(spec),
];

/** The gateway in its own process, serving HTTP, in front of `mcpServers`; `tool` is the namespaced tool to load. */
export async function startGatewayTarget(mcpServers: Upstreams, output: OutputMode, tool: string): Promise<Target> {
  const port = await freePort();
  const child = spawn(process.execPath, gatewayArgs('http', { mcpServers, output, port }), {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((ok, fail) => {
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('ready')) ok();
    });
    child.on('exit', (code) => fail(new Error(`gateway (${output}) exited ${code} before it was ready`)));
  });
  return { url: `http://127.0.0.1:${port}/mcp`, tool, pid: child.pid, stop: () => child.kill() };
}

/** One real stateless request, so a load run never measures a stream of errors that happen to be HTTP 200. */
export async function probeHttp(target: Target, expect: string): Promise<void> {
  const tool = target.tool ?? 'notes_list';
  const res = await fetch(target.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': '2026-07-28',
      'mcp-method': 'tools/call',
      'mcp-name': tool,
    },
    body: toolsCallBody(tool),
  });
  const text = await res.text();
  if (res.status !== 200 || text.includes('"isError":true') || !text.includes(expect))
    throw new Error(`${target.url} ${tool}: HTTP ${res.status}: ${text.slice(0, 300)}`);
}

export interface StdioTarget {
  readonly client: Client;
  readonly tool: string;
  /** The process the client talks to (the gateway, or server-everything for the direct baseline). */
  readonly pid: number;
  close(): Promise<void>;
}

async function connectStdio(command: string, args: string[], tool: string): Promise<StdioTarget> {
  const client = new Client({ name: 'bench', version: '1' });
  const transport = new StdioClientTransport({ command, args, cwd: ROOT, stderr: 'inherit' });
  await client.connect(transport);
  if (!transport.pid) throw new Error(`${command} started without a pid`);
  return { client, tool, pid: transport.pid, close: () => client.close() };
}

/** A plain SDK stdio client straight to server-everything: the baseline. */
export const directEverything = () => connectStdio(process.execPath, [EVERYTHING, 'stdio'], 'echo');

/** An SDK stdio client to the gateway (served over stdio), which reaches server-everything over stdio. */
export const gatewayEverything = (sandboxed: boolean, output: OutputMode) =>
  connectStdio(process.execPath, gatewayArgs('stdio', { mcpServers: { everything: everything(sandboxed) }, output }), 'everything__echo');

export interface CallLoopResult {
  readonly rps: number;
  readonly p99: number;
  readonly errors: number;
  readonly requests: number;
}

/** About 4 KB of ordinary documentation prose: the size of a typical tool result, where the output guard has real text to read. */
export const PROSE_4K = (() => {
  const sentences = [
    'The service reads its settings from the environment at start and logs the effective values once.',
    'Requests that arrive while a deployment is rolling out are retried by the client with a short backoff.',
    'Each invoice lists the billing period, the plan, the number of seats and the amount due in the account currency.',
    'The nightly job compacts the event table and keeps ninety days of history for the audit report.',
    'When the cache misses, the handler falls back to the primary database and records the latency.',
  ];
  let out = '';
  for (let i = 0; out.length < 4000; i++) out += `${sentences[i % sentences.length]} `;
  return out.trim();
})();

/**
 * `inFlight` workers each calling `echo` (with `filler` appended) back to back for `seconds`; every answer is checked, so a
 * tool error or a wrong echo counts as an error rather than as a fast call.
 */
export async function callLoop(target: StdioTarget, seconds: number, filler = '', inFlight = 10): Promise<CallLoopResult> {
  const latencies: number[] = [];
  let errors = 0;
  const until = performance.now() + seconds * 1000;
  const worker = async (w: number) => {
    for (let i = 0; performance.now() < until; i++) {
      const message = `bench ${w}.${i} ${filler}`;
      const t0 = performance.now();
      try {
        const r = await target.client.callTool({ name: target.tool, arguments: { message } });
        const text = (r.content as Array<{ type: string; text?: string }>).map((c) => c.text ?? '').join('');
        if (r.isError || !text.includes(message)) errors++;
        else latencies.push(performance.now() - t0);
      } catch {
        errors++;
      }
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: inFlight }, (_, w) => worker(w)));
  const elapsed = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  const p99 = latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.99))] ?? Number.NaN;
  return { rps: latencies.length / elapsed, p99, errors, requests: latencies.length };
}

export interface MemorySample {
  readonly rss: number;
  readonly heapUsed: number;
  readonly upstreams: number;
  readonly tools: number;
}

/** Starts a fresh gateway process with `mcpServers`, and reads its own memory after a full GC (children not included). */
export async function gatewayMemory(mcpServers: Upstreams): Promise<MemorySample> {
  const child = spawn(process.execPath, gatewayArgs('memory', { mcpServers }), { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  const deadline = setTimeout(() => child.kill(), 120_000);
  const code = await new Promise<number | null>((r) => child.on('exit', r));
  clearTimeout(deadline);
  // Upstream clients may print SDK warnings on stdout too; the sample is the line with our marker.
  const line = /^memory (\{.*\})$/m.exec(out)?.[1];
  if (code !== 0 || !line) throw new Error(`gateway memory probe exited ${code}: ${out.slice(0, 300)}`);
  return JSON.parse(line) as MemorySample;
}

const TICKS_PER_SECOND = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/**
 * CPU time (user + system, ms) a process has used so far, from /proc (Linux; NaN elsewhere). Unlike throughput it
 * does not depend on how the shared cores were scheduled, so it is the steadier cost figure.
 */
export function cpuMs(pid: number): number {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return Number.NaN; // no /proc (not Linux): the CPU columns read n/a
  }
  // Fields after the parenthesised command name, which may itself contain spaces: state is [0], utime [11], stime [12].
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
}

/** Every live descendant of `pid` (an upstream the gateway launched, with bwrap in between when sandboxed). */
export function descendants(pid: number): number[] {
  const out: number[] = [];
  const visit = (p: number) => {
    let tasks: string[] = [];
    try {
      tasks = readdirSync(`/proc/${p}/task`);
    } catch {
      return;
    }
    for (const t of tasks) {
      let children = '';
      try {
        children = readFileSync(`/proc/${p}/task/${t}/children`, 'utf8');
      } catch {
        continue;
      }
      for (const c of children.split(' ').filter(Boolean).map(Number)) {
        out.push(c);
        visit(c);
      }
    }
  };
  visit(pid);
  return out;
}
