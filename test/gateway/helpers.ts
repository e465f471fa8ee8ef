import { resolve } from 'node:path';
import { Writable } from 'node:stream';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { createLogger, type Logger } from '../../src/log.js';

export const ROOT = resolve(import.meta.dirname, '../..');
export const EVERYTHING = resolve(ROOT, 'node_modules/@modelcontextprotocol/server-everything/dist/index.js');
export const FILESYSTEM = resolve(ROOT, 'node_modules/@modelcontextprotocol/server-filesystem/dist/index.js');
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
