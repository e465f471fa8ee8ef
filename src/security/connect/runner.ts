/**
 * Runs collection over many servers: consent before launching any stdio server (third-party
 * code), the sandbox precondition, bounded concurrency and per-server progress callbacks.
 * Never throws for one server's failure; each ends as `ok` with its definitions or `error`
 * with a reason (and the server's stderr tail when it had one).
 */

import { collectServer, CollectError, type CollectOptions } from './collect.js';
import type { ScannedServer, ServerConfig } from '../types.js';

export interface ServerOutcome {
  name: string;
  status: 'ok' | 'error';
  server?: ScannedServer;
  error?: string;
  stderr?: string;
  source?: string;
}

export interface RunOptions extends CollectOptions {
  concurrency: number;
  /** Ask whether a stdio server may be launched; undefined = no consent mechanism (refuse). */
  consent?: (cfg: ServerConfig) => Promise<boolean>;
  onProgress?: (event: { name: string; phase: 'start' | 'done'; outcome?: ServerOutcome }) => void;
}

/** Map with at most `limit` tasks in flight, preserving input order in the result. */
export async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}

export async function collectAll(configs: ServerConfig[], o: RunOptions): Promise<ServerOutcome[]> {
  // Consent is asked up front and one at a time: prompts must not interleave on the terminal.
  const allowed = new Map<string, string | undefined>();
  for (const cfg of configs) {
    if (!cfg.command) continue;
    if (o.sandbox.sandbox && !o.sandbox.bwrap) {
      allowed.set(cfg.name, 'sandbox unavailable: bubblewrap (bwrap) is not installed; install it or pass --no-sandbox');
      continue;
    }
    const ok = o.consent ? await o.consent(cfg) : false;
    allowed.set(cfg.name, ok ? undefined : 'not launched: no consent to run this stdio server (interactive approval or --yes)');
  }
  return mapLimit(configs, o.concurrency, async (cfg): Promise<ServerOutcome> => {
    const refusal = allowed.get(cfg.name);
    if (refusal) {
      const outcome: ServerOutcome = { name: cfg.name, status: 'error', error: refusal, source: cfg.source };
      o.onProgress?.({ name: cfg.name, phase: 'done', outcome });
      return outcome;
    }
    o.onProgress?.({ name: cfg.name, phase: 'start' });
    let outcome: ServerOutcome;
    try {
      const server = await collectServer(cfg, o);
      outcome = { name: cfg.name, status: 'ok', server, source: cfg.source };
    } catch (e) {
      outcome = {
        name: cfg.name,
        status: 'error',
        error: e instanceof Error ? e.message : String(e),
        stderr: e instanceof CollectError ? e.stderr : undefined,
        source: cfg.source,
      };
    }
    o.onProgress?.({ name: cfg.name, phase: 'done', outcome });
    return outcome;
  });
}
