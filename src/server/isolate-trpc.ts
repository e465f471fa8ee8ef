/**
 * `/trpc` goes through tRPC's fetch adapter, not through our procedure caller, so isolated
 * procedures would run on the main thread there. This builds the router the adapter should
 * serve: the same procedures and the same root config (transformer, error formatter), except
 * that each `isolate: true` procedure is replaced by a thin one that hands the raw input to a
 * worker. Parsers and middleware of the original then run in the worker, as over MCP.
 */

import { initTRPC, type AnyTRPCRouter } from '@trpc/server';
import { createRouterFactory } from '@trpc/server/unstable-core-do-not-import';
import type { Principal } from '../auth/principal.js';
import { callIsolated, isolationMeta } from './isolate.js';
import type { BastionMeta } from './meta.js';

type ProcedureLike = { _def: { type: 'query' | 'mutation' | 'subscription'; meta?: BastionMeta } };
type Tree = { [key: string]: Tree | unknown };

const t = initTRPC.context<{ auth: Principal }>().meta<BastionMeta>().create();

function isolatedStandIn(router: AnyTRPCRouter, path: string, original: ProcedureLike): unknown {
  const base = t.procedure.meta(original._def.meta ?? {}).input((raw: unknown) => raw);
  const run = ({ ctx, input }: { ctx: { auth: Principal }; input: unknown }) =>
    callIsolated(router, { path, input, auth: ctx.auth, transport: 'http' });
  return original._def.type === 'mutation' ? base.mutation(run) : base.query(run);
}

/** The router for the `/trpc` endpoint; the router itself when nothing is isolated. */
export function trpcRouterWithIsolation(router: AnyTRPCRouter): AnyTRPCRouter {
  const procedures = router._def.procedures as Record<string, ProcedureLike>;
  const isolated = Object.keys(procedures).filter((p) => isolationMeta(router, p));
  if (isolated.length === 0) return router;
  const tree: Tree = {};
  for (const [path, procedure] of Object.entries(procedures)) {
    const segments = path.split('.');
    let node = tree;
    for (const s of segments.slice(0, -1)) node = (node[s] ??= {}) as Tree;
    node[segments.at(-1) as string] = isolated.includes(path) ? isolatedStandIn(router, path, procedure) : procedure;
  }
  const build = createRouterFactory(router._def._config as Parameters<typeof createRouterFactory>[0]);
  return build(tree as Parameters<typeof build>[0]) as AnyTRPCRouter;
}
