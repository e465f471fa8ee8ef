/**
 * The gateway's MCP surface: an SDK low-level Server whose lists are the catalog filtered by
 * quarantine and policy, and whose calls go through rate limits, the upstream, the output guard and
 * the audit trail, in that order. Hidden and missing components give the same "not found".
 */

import { Server, ProtocolError, ProtocolErrorCode, UriTemplate, type CallToolResult } from '@modelcontextprotocol/server';
import type { Logger } from '../log.js';
import type { Principal } from '../auth/principal.js';
import { accessDecision, isListed, type AccessPolicy } from '../auth/authorization.js';
import { principalOf } from '../auth/auth-info.js';
import { newErrorId, maskedMessage } from '../errors.js';
import type { Binding } from '../server/protocol.js';
import type { Catalog, GatewayPrompt, GatewayResource, GatewayTool } from './catalog.js';
import type { PinBook } from './quarantine.js';
import { UpstreamUnavailableError, type Upstream } from './upstream.js';
import { GuardBlocked, type AuditDecision, type CallGuards, type Guarded } from '../guard/hooks.js';

/** JSON-RPC error code for a call refused by a rate limit (implementation-defined server error range). */
export const RATE_LIMITED = -32029;

export interface SurfaceOptions {
  readonly name: string;
  readonly version: string;
  readonly instructions?: string | undefined;
  readonly catalog: Catalog;
  readonly upstreams: ReadonlyMap<string, Upstream>;
  readonly pins: PinBook;
  readonly guards: CallGuards;
  readonly logger: Logger;
  readonly rules: AccessPolicy['rules'];
  readonly onInsufficientScope: 'hide' | 'challenge';
}

const toolNotFound = (name: string) => new ProtocolError(ProtocolErrorCode.InvalidParams, `Tool ${name} not found`);
const resourceNotFound = (uri: string) => new ProtocolError(ProtocolErrorCode.InvalidParams, `Resource ${uri} not found`, { uri });
const promptNotFound = (name: string) => new ProtocolError(ProtocolErrorCode.InvalidParams, `Prompt ${name} not found`);

type Entry = GatewayTool | GatewayPrompt | GatewayResource;

export function policyFor(opts: Pick<SurfaceOptions, 'rules' | 'onInsufficientScope'>, enforce: boolean): AccessPolicy {
  return { rules: opts.rules, enforce, onInsufficientScope: opts.onInsufficientScope };
}

/** Resolves the entry a request addresses, for the HTTP step-up (same decision as the handlers). */
export function gatewayChallenge(catalog: Catalog, policy: AccessPolicy) {
  return async (principal: Principal, message: { method?: unknown; params?: unknown }): Promise<readonly string[] | undefined> => {
    const p = (message.params ?? {}) as { name?: unknown; uri?: unknown };
    const entry: Entry | undefined =
      message.method === 'tools/call'
        ? catalog.tools.get(String(p.name))
        : message.method === 'prompts/get'
          ? catalog.prompts.get(String(p.name))
          : message.method === 'resources/read'
            ? catalog.resources.get(String(p.uri))
            : undefined;
    if (!entry) return undefined;
    const outcome = await accessDecision(principal, entry, policy);
    return outcome.kind === 'challenge' ? outcome.scopes : undefined;
  };
}

export function createGatewayServer(opts: SurfaceOptions, binding: Binding): Server {
  const { catalog, logger, guards } = opts;
  const policy = policyFor(opts, binding.enforce);
  const server = new Server(
    { name: opts.name, version: opts.version },
    {
      capabilities: { tools: { listChanged: false }, resources: {}, prompts: { listChanged: false } },
      ...(opts.instructions ? { instructions: opts.instructions } : {}),
    },
  );

  /** Quarantine is re-read from the Store so an approval on another instance or from the CLI applies at once. */
  const usable = async (e: Entry): Promise<boolean> => {
    if (e.status.usable) return true;
    e.status = await opts.pins.status(e.upstream, e.input);
    return e.status.usable;
  };
  const upstreamUp = (e: Entry) => opts.upstreams.get(e.upstream)?.status === 'ready';
  const listed = async (principal: Principal, e: Entry) =>
    upstreamUp(e) && (await usable(e)) && isListed(await accessDecision(principal, e, policy));
  const allowed = async (principal: Principal, e: Entry) => (await accessDecision(principal, e, policy)).kind === 'allow';

  function audit(
    principal: Principal,
    e: Entry | undefined,
    name: string,
    decision: AuditDecision,
    started: number,
    extra: Partial<Parameters<CallGuards['audit']>[0]> = {},
  ) {
    guards.audit({
      event: e?.kind === 'prompt' ? 'prompt_get' : e?.kind === 'resource' ? 'resource_read' : 'tool_call',
      principal,
      tool: name,
      upstream: e?.upstream,
      decision,
      durationMs: Date.now() - started,
      findings: [],
      redactions: 0,
      ...extra,
    });
  }

  const upstreamError = (e: unknown, where: string): { text: string; decision: AuditDecision } => {
    if (e instanceof UpstreamUnavailableError) return { text: e.message, decision: 'error' };
    if (e instanceof ProtocolError) return { text: `upstream error: ${e.message}`, decision: 'error' };
    const errorId = newErrorId();
    logger.error({ errorId, err: e, where }, 'upstream call failed');
    return { text: maskedMessage(errorId), decision: 'error' };
  };

  /** Resources and prompts: the upstream's answer through the guard, audited; failures become JSON-RPC errors. */
  async function forward<T>(principal: Principal, e: Entry, name: string, started: number, run: () => Promise<Guarded<T>>): Promise<T> {
    try {
      const guarded = await run();
      audit(principal, e, name, 'allowed', started, {
        findings: guarded.findings,
        redactions: guarded.redactions,
        resultBytes: guarded.bytes,
      });
      return guarded.result;
    } catch (err) {
      if (err instanceof GuardBlocked) {
        audit(principal, e, name, 'blocked', started, { findings: err.codes });
        throw new ProtocolError(ProtocolErrorCode.InternalError, err.message);
      }
      const { text } = upstreamError(err, name);
      audit(principal, e, name, 'error', started);
      throw new ProtocolError(ProtocolErrorCode.InternalError, text);
    }
  }

  server.setRequestHandler('tools/list', async (_req, ctx) => {
    const principal = principalOf(ctx.http?.authInfo, binding.fallback);
    const tools = [];
    for (const t of catalog.tools.values()) {
      if (!(await listed(principal, t))) continue;
      const { name: _n, ...rest } = t.def;
      tools.push({ ...rest, name: t.name, inputSchema: (t.def.inputSchema ?? { type: 'object' }) as { type: 'object' } });
    }
    return { tools };
  });

  server.setRequestHandler('tools/call', async (req, ctx): Promise<CallToolResult> => {
    const started = Date.now();
    const principal = principalOf(ctx.http?.authInfo, binding.fallback);
    const name = req.params.name;
    const tool = catalog.tools.get(name);
    if (!tool || !(await allowed(principal, tool))) {
      audit(principal, tool, name, 'denied', started);
      throw toolNotFound(name);
    }
    if (!(await usable(tool))) {
      audit(principal, tool, name, 'quarantined', started);
      const s = tool.status as { reason: string; detail: string };
      return {
        isError: true,
        content: [
          {
            type: 'text',
            text: `Tool ${name} is quarantined by mcp-bastion (${s.reason}): ${s.detail}. An operator must approve it: mcp-bastion gateway approve ${name}`,
          },
        ],
      };
    }
    const limit = await guards.beforeCall(principal, name);
    if (!limit.allowed) {
      audit(principal, tool, name, 'rate_limited', started);
      throw new ProtocolError(RATE_LIMITED, `Rate limit exceeded for ${name}; retry after ${limit.retryAfterSeconds} s`, {
        retryAfterSeconds: limit.retryAfterSeconds,
      });
    }
    const upstream = opts.upstreams.get(tool.upstream)!;
    let result: CallToolResult;
    try {
      const bearer = (principal.extra?.upstream as { accessToken?: string } | undefined)?.accessToken;
      result = await upstream.callTool(tool.original, (req.params.arguments ?? {}) as Record<string, unknown>, { bearer });
    } catch (e) {
      const { text, decision } = upstreamError(e, name);
      audit(principal, tool, name, decision, started, { arguments: req.params.arguments });
      return { isError: true, content: [{ type: 'text', text }] };
    }
    const guarded = await guards.toolResult(result, { tool: name, upstream: tool.upstream });
    audit(principal, tool, name, guarded.blocked ? 'blocked' : 'allowed', started, {
      findings: guarded.findings,
      redactions: guarded.redactions,
      resultBytes: guarded.bytes,
      arguments: req.params.arguments,
    });
    return guarded.result;
  });

  server.setRequestHandler('resources/list', async (_req, ctx) => {
    const principal = principalOf(ctx.http?.authInfo, binding.fallback);
    const resources = [];
    for (const r of catalog.resources.values()) {
      if (r.def.uri === undefined || !(await listed(principal, r))) continue;
      resources.push({ ...r.def, uri: r.def.uri, name: r.name });
    }
    return { resources };
  });

  server.setRequestHandler('resources/templates/list', async (_req, ctx) => {
    const principal = principalOf(ctx.http?.authInfo, binding.fallback);
    const resourceTemplates = [];
    for (const r of catalog.resources.values()) {
      if (r.def.uriTemplate === undefined || !(await listed(principal, r))) continue;
      resourceTemplates.push({ ...r.def, uriTemplate: r.def.uriTemplate, name: r.name });
    }
    return { resourceTemplates };
  });

  server.setRequestHandler('resources/read', async (req, ctx) => {
    const started = Date.now();
    const principal = principalOf(ctx.http?.authInfo, binding.fallback);
    const uri = req.params.uri;
    const r = resourceFor(catalog, uri, logger);
    if (!r || !upstreamUp(r) || !(await usable(r)) || !(await allowed(principal, r))) {
      audit(principal, r, uri, r ? 'denied' : 'error', started);
      throw resourceNotFound(uri);
    }
    return forward(principal, r, uri, started, async () =>
      guards.resourceContents(await opts.upstreams.get(r.upstream)!.readResource(uri), { tool: r.name, upstream: r.upstream }),
    );
  });

  server.setRequestHandler('prompts/list', async (_req, ctx) => {
    const principal = principalOf(ctx.http?.authInfo, binding.fallback);
    const prompts = [];
    for (const p of catalog.prompts.values()) {
      if (!(await listed(principal, p))) continue;
      prompts.push({ ...p.def, name: p.name });
    }
    return { prompts };
  });

  server.setRequestHandler('prompts/get', async (req, ctx) => {
    const started = Date.now();
    const principal = principalOf(ctx.http?.authInfo, binding.fallback);
    const name = req.params.name;
    const p = catalog.prompts.get(name);
    if (!p || !upstreamUp(p) || !(await usable(p)) || !(await allowed(principal, p))) {
      audit(principal, p, name, 'denied', started);
      throw promptNotFound(name);
    }
    const args = (req.params.arguments ?? {}) as Record<string, string>;
    return forward(principal, p, name, started, async () =>
      guards.promptMessages(await opts.upstreams.get(p.upstream)!.getPrompt(p.original, args), { tool: name, upstream: p.upstream }),
    );
  });

  return server;
}

/**
 * The one resource entry that serves `uri`: its static entry or the templates that produce it. A URI
 * that entries of two servers could serve (or that several servers list) is served by none, so a
 * server cannot take over another's URIs with a static entry or a wider template.
 */
function resourceFor(catalog: Catalog, uri: string, logger: Logger): GatewayResource | undefined {
  if (catalog.contested.has(uri)) return undefined;
  const candidates: GatewayResource[] = [];
  const exact = catalog.resources.get(uri);
  if (exact) candidates.push(exact);
  for (const r of catalog.resources.values()) {
    const t = r.def.uriTemplate;
    if (t === undefined || r === exact) continue;
    try {
      if (new UriTemplate(t).match(uri)) candidates.push(r);
    } catch {
      // an upstream template we cannot parse matches nothing
    }
  }
  const servers = [...new Set(candidates.map((r) => r.upstream))];
  if (servers.length > 1) {
    logger.warn({ event: 'resource_ambiguous', uri, servers }, `resource ${uri} could be served by ${servers.join(' and ')}; refused`);
    return undefined;
  }
  return exact ?? candidates[0];
}
