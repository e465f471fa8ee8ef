/**
 * Inside the isolation worker: import the router module, call one procedure through tRPC's
 * caller (middleware and parsers run here), post back the result or a plain description of the
 * error. Runs once per worker; the main thread terminates the worker afterwards.
 */

import { parentPort, workerData } from 'node:worker_threads';
import { TRPCError, type AnyTRPCRouter } from '@trpc/server';
import type { Principal } from '../auth/principal.js';

export interface WorkerTask {
  module: string;
  exportName: string;
  contextExport?: string;
  path: string;
  input: unknown;
  auth: Principal;
  transport: string;
}

export type WorkerReply =
  | { ok: true; output: unknown }
  | {
      ok: false;
      error: { trpc: true; code: string; message: string; issues?: unknown[] } | { trpc: false; name: string; message: string };
    };

type CallerNode = { [key: string]: CallerNode } & ((input?: unknown) => Promise<unknown>);

function isRouter(v: unknown): v is AnyTRPCRouter {
  return typeof v === 'object' && v !== null && '_def' in v && typeof (v as AnyTRPCRouter).createCaller === 'function';
}

async function loadRouter(task: WorkerTask): Promise<{ router: AnyTRPCRouter; mod: Record<string, unknown> }> {
  const mod = (await import(task.module)) as Record<string, unknown>;
  const exported = mod[task.exportName];
  const router = typeof exported === 'function' && !isRouter(exported) ? await (exported as () => unknown)() : exported;
  if (!isRouter(router)) throw new Error(`${task.module} has no router export "${task.exportName}"`);
  return { router, mod };
}

function describe(err: unknown): WorkerReply {
  if (err instanceof TRPCError) {
    const issues = (err.cause as { issues?: unknown } | undefined)?.issues;
    return {
      ok: false,
      error: {
        trpc: true,
        code: err.code,
        message: err.message,
        ...(Array.isArray(issues) ? { issues: JSON.parse(JSON.stringify(issues)) as unknown[] } : {}),
      },
    };
  }
  const e = err instanceof Error ? err : new Error(String(err));
  return { ok: false, error: { trpc: false, name: e.name, message: e.message } };
}

async function run(task: WorkerTask): Promise<WorkerReply> {
  try {
    const { router, mod } = await loadRouter(task);
    const makeContext = task.contextExport ? mod[task.contextExport] : undefined;
    if (task.contextExport && typeof makeContext !== 'function')
      throw new Error(`${task.module} has no function export "${task.contextExport}"`);
    const base = { auth: task.auth, transport: task.transport };
    const ctx = makeContext
      ? { ...((await (makeContext as (o: typeof base) => unknown)(base)) as object), auth: task.auth }
      : { ...base, isolated: true };
    let node = router.createCaller(ctx) as unknown as CallerNode;
    for (const segment of task.path.split('.')) node = node[segment] as CallerNode;
    return { ok: true, output: await node(task.input) };
  } catch (err) {
    return describe(err);
  }
}

const port = parentPort;
if (port && (workerData as { task?: WorkerTask } | null)?.task) {
  const reply = await run((workerData as { task: WorkerTask }).task);
  try {
    port.postMessage(reply);
  } catch {
    // Results must be plain data (structured clone); a function or class instance cannot leave the worker.
    port.postMessage({
      ok: false,
      error: { trpc: false, name: 'DataCloneError', message: 'the result is not plain data' },
    } satisfies WorkerReply);
  }
}
