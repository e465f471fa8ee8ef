/**
 * Per-call isolation for procedures with `meta.mcp.isolate: true`: each call runs in a fresh
 * worker thread with V8 heap limits and a wall-clock timeout, so an endless loop or a memory
 * bomb costs one worker, never the server's event loop.
 *
 * A procedure is a closure in the main thread's router and cannot be sent to a worker. The
 * worker therefore imports the module that exports the router (`routerModule`, usually
 * `new URL('./router.js', import.meta.url)`) and calls the same path through tRPC's own caller,
 * so the procedure's middleware and parsers run there as they would here. Only data crosses:
 * the input, the principal (as plain JSON) and the result or error.
 */

import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { TRPCError, type AnyTRPCRouter } from '@trpc/server';
import { ConfigError } from '../errors.js';
import type { Principal } from '../auth/principal.js';
import type { BastionMeta, IsolateLimits } from './meta.js';
import type { WorkerReply, WorkerTask } from './isolate-worker.js';

export interface IsolationOptions {
  /** The module exporting the router (file URL, `URL` or absolute path); the worker imports it. */
  routerModule: string | URL;
  /** Export holding the router, or a function returning it (called once per worker). Default `router`. */
  exportName?: string;
  /** Optional export `({ auth, transport }) => ctx` run inside the worker; default ctx is `{ auth, transport, isolated: true }`. */
  contextExport?: string;
  /** Default 10 s; `meta.mcp.isolateTimeoutMs` overrides per procedure. */
  timeoutMs?: number;
  /** Defaults for every isolated procedure; `meta.mcp.isolateLimits` overrides. */
  limits?: IsolateLimits;
  /** Isolated calls in flight at once (default 4); more are refused with TOO_MANY_REQUESTS. */
  maxConcurrent?: number;
}

export const DEFAULT_ISOLATE_TIMEOUT_MS = 10_000;
const DEFAULT_LIMITS: Required<IsolateLimits> = { maxOldGenerationSizeMb: 128, maxYoungGenerationSizeMb: 32, stackSizeMb: 4 };

interface Binding {
  readonly module: string;
  readonly options: IsolationOptions;
  inFlight: number;
}

const bindings = new WeakMap<AnyTRPCRouter, Binding>();

function moduleHref(m: string | URL, option: string): string {
  if (m instanceof URL) return m.href;
  if (/^file:/.test(m)) return m;
  if (isAbsolute(m)) return pathToFileURL(m).href;
  throw new ConfigError(option, `must be a file URL or an absolute path (got "${m}"); use new URL('./router.js', import.meta.url)`);
}

/**
 * Tells mcp-bastion where the worker finds this router. `createMcpServer({ isolation })` calls it;
 * a router module may also call it on itself (`bindIsolation(router, { routerModule: import.meta.url })`).
 */
export function bindIsolation(router: AnyTRPCRouter, options: IsolationOptions): void {
  const module = moduleHref(options.routerModule, 'isolation.routerModule');
  if (options.timeoutMs !== undefined && !(options.timeoutMs > 0))
    throw new ConfigError('isolation.timeoutMs', 'must be a positive number of milliseconds');
  if (options.maxConcurrent !== undefined && !(Number.isInteger(options.maxConcurrent) && options.maxConcurrent > 0))
    throw new ConfigError('isolation.maxConcurrent', 'must be a positive integer');
  bindings.set(router, { module, options, inFlight: 0 });
}

/** Isolated calls of this router running now (for metrics and tests). */
export function isolatedCallsInFlight(router: AnyTRPCRouter): number {
  return bindings.get(router)?.inFlight ?? 0;
}

type ProcedureMap = Record<string, { _def: { meta?: BastionMeta } }>;

export function isolationMeta(router: AnyTRPCRouter, path: string): BastionMeta['mcp'] | undefined {
  const meta = (router._def.procedures as ProcedureMap)[path]?._def.meta?.mcp;
  return meta?.isolate ? meta : undefined;
}

/** Start-up check: every `isolate: true` procedure must have somewhere to run. */
export function assertIsolationReady(router: AnyTRPCRouter): void {
  for (const path of Object.keys(router._def.procedures as ProcedureMap)) {
    if (isolationMeta(router, path) && !bindings.has(router))
      throw new ConfigError(
        'isolation.routerModule',
        `router.${path} has meta.mcp.isolate but the server has no isolation.routerModule (the module that exports the router, for the worker to import)`,
      );
  }
}

// The worker entry sits next to this file: .ts when running from source (tests, tsx), .js when built.
const TYPESCRIPT = import.meta.url.endsWith('.ts');
const WORKER_ENTRY = new URL(`./isolate-worker.${TYPESCRIPT ? 'ts' : 'js'}`, import.meta.url).href;
// Plain script: load tsx first when the entry or the router module is TypeScript, then the real worker.
const BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
(async () => {
  if (workerData.typescript) (await import('tsx/esm/api')).register();
  await import(workerData.entry);
})().catch((e) => { process.exitCode = 1; throw e; });
`;

/** Principals may carry class instances or functions in `extra`; only plain data goes to the worker. */
function plain<T>(value: T): T {
  return JSON.parse(JSON.stringify(value ?? null)) as T;
}

function rebuild(reply: Extract<WorkerReply, { ok: false }>): Error {
  const e = reply.error;
  if (e.trpc) {
    const cause = e.issues ? Object.assign(new Error('validation'), { issues: e.issues }) : undefined;
    return new TRPCError({ code: e.code as TRPCError['code'], message: e.message, ...(cause ? { cause } : {}) });
  }
  // Not client-facing: classifyError masks it and the caller logs this message under an error id.
  return new Error(`isolated procedure failed: ${e.name}: ${e.message}`);
}

export interface IsolatedCall {
  path: string;
  input: unknown;
  auth: Principal;
  transport: string;
}

/** Runs one call in a fresh worker. Rejects with TRPCError TIMEOUT / TOO_MANY_REQUESTS, or the procedure's own error. */
export function callIsolated(router: AnyTRPCRouter, call: IsolatedCall): Promise<unknown> {
  const binding = bindings.get(router);
  const meta = isolationMeta(router, call.path);
  if (!binding) return Promise.reject(new Error(`router.${call.path} is isolated but no isolation.routerModule is configured`));
  const o = binding.options;
  if (binding.inFlight >= (o.maxConcurrent ?? 4))
    return Promise.reject(new TRPCError({ code: 'TOO_MANY_REQUESTS', message: 'too many isolated calls in progress; retry shortly' }));
  const timeoutMs = meta?.isolateTimeoutMs ?? o.timeoutMs ?? DEFAULT_ISOLATE_TIMEOUT_MS;
  const limits = { ...DEFAULT_LIMITS, ...o.limits, ...meta?.isolateLimits };
  const task: WorkerTask = {
    module: binding.module,
    exportName: o.exportName ?? 'router',
    ...(o.contextExport ? { contextExport: o.contextExport } : {}),
    path: call.path,
    input: plain(call.input),
    auth: plain(call.auth),
    transport: call.transport,
  };
  binding.inFlight++;
  return new Promise<unknown>((resolve, reject) => {
    let settled = false;
    const worker = new Worker(BOOTSTRAP, {
      eval: true,
      workerData: { entry: WORKER_ENTRY, typescript: TYPESCRIPT || /\.[cm]?ts$/.test(binding.module), task },
      resourceLimits: limits,
      // A tool's console output must never reach stdout, which may be the stdio protocol stream.
      stdout: true,
      stderr: true,
    });
    worker.stdout.on('data', (c: Buffer) => process.stderr.write(c));
    worker.stderr.on('data', (c: Buffer) => process.stderr.write(c));
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      binding.inFlight--;
      fn();
      void worker.terminate();
    };
    const timer = setTimeout(
      () =>
        finish(() => reject(new TRPCError({ code: 'TIMEOUT', message: `the tool did not finish within ${timeoutMs} ms and was stopped` }))),
      timeoutMs,
    );
    worker.once('message', (reply: WorkerReply) => finish(() => (reply.ok ? resolve(reply.output) : reject(rebuild(reply)))));
    worker.once('error', (err: Error & { code?: string }) =>
      finish(() =>
        reject(
          err.code === 'ERR_WORKER_OUT_OF_MEMORY'
            ? new Error(
                `isolated procedure router.${call.path} exceeded its memory limit (${limits.maxOldGenerationSizeMb} MB old generation)`,
              )
            : err,
        ),
      ),
    );
    worker.once('exit', (code) =>
      finish(() => reject(new Error(`isolated worker for router.${call.path} exited (code ${code}) without a result`))),
    );
  });
}
