import { Server, ProtocolError, ProtocolErrorCode, type ServerContext, type CallToolResult } from '@modelcontextprotocol/server';
import type { AnyTRPCRouter } from '@trpc/server';
import type { Logger } from '../log.js';
import { maskedMessage } from '../errors.js';
import type { Principal } from '../auth/principal.js';
import { accessDecision, isListed, type AccessPolicy, type ServerRule } from '../auth/authorization.js';
import { principalOf as principalOfAuthInfo } from '../auth/auth-info.js';
import { buildContext, type ContextFactory, type Transport } from './context.js';
import { GuardBlocked, type AuditDecision, type CallGuards } from '../guard/hooks.js';
import { classifyError, createProcedureCaller } from './invoke.js';
import type { PromptEntry, Registry, ResourceEntry, ToolEntry } from './registry.js';

export type { ContextFactory, Transport } from './context.js';

export interface ProtocolOptions {
  readonly name: string;
  readonly version: string;
  readonly instructions?: string | undefined;
  readonly router: AnyTRPCRouter;
  readonly registry: Registry;
  readonly rules: readonly ServerRule[];
  readonly createContext?: ContextFactory | undefined;
  readonly logger: Logger;
  /** `challenge`: components denied only for missing scopes stay listed (calls get 403 at the HTTP layer). */
  readonly onInsufficientScope?: 'hide' | 'challenge' | undefined;
  /** securityGuard(): rate limits, output guard and audit around every call. */
  readonly guards?: CallGuards | undefined;
}

export interface Binding {
  readonly transport: Transport;
  /** Principal used when the request carries none (stdio: the local user; HTTP without auth: anonymous). */
  readonly fallback: Principal;
  /** False on stdio and when HTTP auth is off: per-component checks are skipped (dual mode). */
  readonly enforce: boolean;
}

/** The principal put on the request by the HTTP layer, carried through the SDK in `authInfo.extra`. */
export function principalOf(ctx: ServerContext, fallback: Principal): Principal {
  return principalOfAuthInfo(ctx.http?.authInfo, fallback);
}

/** The access policy of one protocol binding. */
export function policyOf(opts: Pick<ProtocolOptions, 'rules' | 'onInsufficientScope'>, enforce: boolean): AccessPolicy {
  return { rules: opts.rules, enforce, onInsufficientScope: opts.onInsufficientScope ?? 'hide' };
}

/** JSON-RPC error code for a call refused by a rate limit (implementation-defined server error range). */
export const RATE_LIMITED = -32029;

// The same error for "does not exist" and "you may not use it", so nothing leaks about what exists.
const toolNotFound = (name: string) => new ProtocolError(ProtocolErrorCode.InvalidParams, `Tool ${name} not found`);
const resourceNotFound = (uri: string) => new ProtocolError(ProtocolErrorCode.InvalidParams, `Resource ${uri} not found`, { uri });
const promptNotFound = (name: string) => new ProtocolError(ProtocolErrorCode.InvalidParams, `Prompt ${name} not found`);

/**
 * One MCP server instance over the registry. Built on the SDK's low-level `Server` so that
 * visibility is decided per request from the caller's principal, not fixed at registration.
 */
export function createProtocolServer(opts: ProtocolOptions, binding: Binding): Server {
  const { registry, logger } = opts;
  const server = new Server(
    { name: opts.name, version: opts.version },
    {
      capabilities: { tools: { listChanged: false }, resources: {}, prompts: { listChanged: false } },
      ...(opts.instructions ? { instructions: opts.instructions } : {}),
    },
  );

  const policy = policyOf(opts, binding.enforce);
  const listable = async (principal: Principal, entry: ToolEntry | ResourceEntry | PromptEntry) =>
    isListed(await accessDecision(principal, entry, policy));
  const visible = async (principal: Principal, entry: ToolEntry | ResourceEntry | PromptEntry) =>
    (await accessDecision(principal, entry, policy)).kind === 'allow';
  /** For calls: a denial is a security event worth a log line (lists are filtered silently). */
  const usable = async (principal: Principal, entry: ToolEntry | ResourceEntry | PromptEntry) => {
    const ok = await visible(principal, entry);
    if (!ok)
      logger.warn(
        { event: 'authz_denied', kind: entry.kind, name: entry.name, sub: principal.subject, clientId: principal.clientId },
        'call denied',
      );
    return ok;
  };

  const call = async (ctx: ServerContext, principal: Principal, path: string, input: unknown) => {
    const context = await buildContext(opts.createContext, principal, binding.transport, ctx.http?.req);
    return createProcedureCaller(opts.router, context)(path, input);
  };

  const masked = (err: unknown, where: Record<string, unknown>) => {
    const c = classifyError(err);
    if (c.visible) return c;
    logger.error({ errorId: c.errorId, err: c.cause, ...where }, 'procedure failed');
    return c;
  };

  server.setRequestHandler('tools/list', async (_req, ctx) => {
    const principal = principalOf(ctx, binding.fallback);
    const tools = [];
    for (const t of registry.tools.values()) {
      if (!(await listable(principal, t))) continue;
      tools.push({
        name: t.name,
        ...(t.title ? { title: t.title } : {}),
        description: t.description,
        inputSchema: t.inputSchema as { type: 'object' },
        ...(t.outputSchema ? { outputSchema: t.outputSchema as { type: 'object' } } : {}),
        ...(t.annotations ? { annotations: t.annotations } : {}),
      });
    }
    return { tools };
  });

  const audit = (
    kind: 'tool_call' | 'resource_read' | 'prompt_get',
    principal: Principal,
    name: string,
    decision: AuditDecision,
    started: number,
    extra: { findings?: string[]; redactions?: number; resultBytes?: number; arguments?: unknown } = {},
  ) =>
    opts.guards?.audit({
      event: kind,
      principal,
      tool: name,
      decision,
      durationMs: Date.now() - started,
      findings: extra.findings ?? [],
      redactions: extra.redactions ?? 0,
      resultBytes: extra.resultBytes,
      arguments: extra.arguments,
    });

  server.setRequestHandler('tools/call', async (req, ctx): Promise<CallToolResult> => {
    const started = Date.now();
    const principal = principalOf(ctx, binding.fallback);
    const tool = registry.tools.get(req.params.name);
    if (!tool || !(await usable(principal, tool))) {
      audit('tool_call', principal, req.params.name, 'denied', started);
      throw toolNotFound(req.params.name);
    }
    if (opts.guards) {
      const limit = await opts.guards.beforeCall(principal, tool.name);
      if (!limit.allowed) {
        audit('tool_call', principal, tool.name, 'rate_limited', started);
        throw new ProtocolError(RATE_LIMITED, `Rate limit exceeded for ${tool.name}; retry after ${limit.retryAfterSeconds} s`, {
          retryAfterSeconds: limit.retryAfterSeconds,
        });
      }
    }
    let result: CallToolResult;
    try {
      const output = await call(ctx, principal, tool.path, req.params.arguments ?? {});
      result = tool.outputSchema
        ? { content: [{ type: 'text', text: JSON.stringify(output) }], structuredContent: output as Record<string, unknown> }
        : { content: [{ type: 'text', text: typeof output === 'string' ? output : JSON.stringify(output ?? null) }] };
    } catch (err) {
      const c = masked(err, { tool: tool.name });
      const text = c.visible ? (c.code === 'BAD_REQUEST' ? c.message : `${c.code}: ${c.message}`) : maskedMessage(c.errorId);
      audit('tool_call', principal, tool.name, 'error', started, { arguments: req.params.arguments });
      return { content: [{ type: 'text', text }], isError: true };
    }
    if (opts.guards) {
      const g = await opts.guards.toolResult(result, { tool: tool.name });
      audit('tool_call', principal, tool.name, g.blocked ? 'blocked' : 'allowed', started, {
        findings: g.findings,
        redactions: g.redactions,
        resultBytes: g.bytes,
        arguments: req.params.arguments,
      });
      // A blocked or annotated result no longer matches the output schema: send it as it is.
      if (g.blocked || g.findings.length > 0 || g.redactions > 0) return g.result;
      result = g.result;
    }
    return server.projectCallToolResult(result, tool.outputSchema);
  });

  server.setRequestHandler('resources/list', async (_req, ctx) => {
    const principal = principalOf(ctx, binding.fallback);
    const resources = [];
    for (const r of registry.resources) {
      if (r.uri === undefined || !(await listable(principal, r))) continue;
      resources.push({ uri: r.uri, name: r.name, ...optional(r) });
    }
    return { resources };
  });

  server.setRequestHandler('resources/templates/list', async (_req, ctx) => {
    const principal = principalOf(ctx, binding.fallback);
    const resourceTemplates = [];
    for (const r of registry.resources) {
      if (r.uriTemplate === undefined || !(await listable(principal, r))) continue;
      resourceTemplates.push({ uriTemplate: r.uriTemplate, name: r.name, ...optional(r) });
    }
    return { resourceTemplates };
  });

  server.setRequestHandler('resources/read', async (req, ctx) => {
    const principal = principalOf(ctx, binding.fallback);
    const uri = req.params.uri;
    const match = matchResource(registry.resources, uri);
    if (!match || !(await usable(principal, match.entry))) throw resourceNotFound(uri);
    const started = Date.now();
    let output: unknown;
    try {
      output = await call(ctx, principal, match.entry.path, match.variables);
    } catch (err) {
      audit('resource_read', principal, uri, 'error', started);
      throw protocolErrorFor(masked(err, { resource: uri }), () => resourceNotFound(uri));
    }
    const text = typeof output === 'string' ? output : JSON.stringify(output ?? null);
    const mimeType = match.entry.mimeType ?? (typeof output === 'string' ? 'text/plain' : 'application/json');
    const read = { contents: [{ uri, mimeType, text }] };
    if (!opts.guards) return read;
    try {
      const g = await opts.guards.resourceContents(read, { tool: match.entry.name });
      audit('resource_read', principal, uri, 'allowed', started, { findings: g.findings, redactions: g.redactions, resultBytes: g.bytes });
      return g.result;
    } catch (e) {
      if (!(e instanceof GuardBlocked)) throw e;
      audit('resource_read', principal, uri, 'blocked', started, { findings: e.codes });
      throw new ProtocolError(ProtocolErrorCode.InternalError, e.message);
    }
  });

  server.setRequestHandler('prompts/list', async (_req, ctx) => {
    const principal = principalOf(ctx, binding.fallback);
    const prompts = [];
    for (const p of registry.prompts.values()) {
      if (!(await listable(principal, p))) continue;
      prompts.push({
        name: p.name,
        ...(p.title ? { title: p.title } : {}),
        ...(p.description ? { description: p.description } : {}),
        arguments: p.arguments.map((a) => ({
          name: a.name,
          required: a.required,
          ...(a.description ? { description: a.description } : {}),
        })),
      });
    }
    return { prompts };
  });

  server.setRequestHandler('prompts/get', async (req, ctx) => {
    const principal = principalOf(ctx, binding.fallback);
    const prompt = registry.prompts.get(req.params.name);
    if (!prompt || !(await usable(principal, prompt))) throw promptNotFound(req.params.name);
    const started = Date.now();
    let output: unknown;
    try {
      output = await call(ctx, principal, prompt.path, req.params.arguments ?? {});
    } catch (err) {
      audit('prompt_get', principal, prompt.name, 'error', started);
      throw protocolErrorFor(masked(err, { prompt: prompt.name }), () => promptNotFound(prompt.name));
    }
    const result = toPromptResult(output, prompt.description);
    if (!opts.guards) return result;
    try {
      const g = await opts.guards.promptMessages(result, { tool: prompt.name });
      audit('prompt_get', principal, prompt.name, 'allowed', started, {
        findings: g.findings,
        redactions: g.redactions,
        resultBytes: g.bytes,
      });
      return g.result as typeof result;
    } catch (e) {
      if (!(e instanceof GuardBlocked)) throw e;
      audit('prompt_get', principal, prompt.name, 'blocked', started, { findings: e.codes });
      throw new ProtocolError(ProtocolErrorCode.InternalError, e.message);
    }
  });

  return server;
}

function optional(r: ResourceEntry) {
  return {
    ...(r.title ? { title: r.title } : {}),
    ...(r.description ? { description: r.description } : {}),
    ...(r.mimeType ? { mimeType: r.mimeType } : {}),
  };
}

export function matchResource(
  resources: readonly ResourceEntry[],
  uri: string,
): { entry: ResourceEntry; variables: Record<string, string> } | undefined {
  for (const r of resources) if (r.uri === uri) return { entry: r, variables: {} };
  for (const r of resources) {
    if (!r.template) continue;
    const vars = r.template.match(uri);
    if (vars) {
      const variables: Record<string, string> = {};
      for (const [k, v] of Object.entries(vars)) variables[k] = Array.isArray(v) ? v.join(',') : String(v);
      return { entry: r, variables };
    }
  }
  return undefined;
}

/** JSON-RPC errors for resource and prompt failures (tools report failures in-band instead). */
function protocolErrorFor(c: ReturnType<typeof classifyError>, notFound: () => ProtocolError): ProtocolError {
  if (!c.visible) return new ProtocolError(ProtocolErrorCode.InternalError, maskedMessage(c.errorId));
  switch (c.code) {
    case 'NOT_FOUND':
      return notFound();
    case 'BAD_REQUEST':
    case 'PARSE_ERROR':
      return new ProtocolError(ProtocolErrorCode.InvalidParams, c.message);
    case 'UNAUTHORIZED':
      return new ProtocolError(-32001, c.message);
    case 'FORBIDDEN':
      return new ProtocolError(-32003, c.message);
    default:
      return new ProtocolError(ProtocolErrorCode.InvalidRequest, `${c.code}: ${c.message}`);
  }
}

type PromptMessage = { role: 'user' | 'assistant'; content: { type: 'text'; text: string } };

function toPromptResult(output: unknown, description: string | undefined): { description?: string; messages: PromptMessage[] } {
  const base = description ? { description } : {};
  if (typeof output === 'string') return { ...base, messages: [{ role: 'user', content: { type: 'text', text: output } }] };
  if (output && typeof output === 'object' && Array.isArray((output as { messages?: unknown }).messages)) {
    return { ...base, ...(output as { messages: PromptMessage[] }) };
  }
  return { ...base, messages: [{ role: 'user', content: { type: 'text', text: JSON.stringify(output ?? null) } }] };
}

/**
 * Step-up for `/mcp`: the scopes to challenge for when the request addresses a component of the
 * registry that the caller may see but not use. Same decision as the handlers above.
 */
export function registryChallenge(
  registry: Registry,
  policy: AccessPolicy,
): (principal: Principal, message: { method?: unknown; params?: unknown }) => Promise<readonly string[] | undefined> {
  return async (principal, message) => {
    const params = (message.params ?? {}) as { name?: unknown; uri?: unknown };
    const entry =
      message.method === 'tools/call'
        ? registry.tools.get(String(params.name))
        : message.method === 'prompts/get'
          ? registry.prompts.get(String(params.name))
          : message.method === 'resources/read'
            ? matchResource(registry.resources, String(params.uri))?.entry
            : undefined;
    if (!entry) return undefined;
    const outcome = await accessDecision(principal, entry, policy);
    return outcome.kind === 'challenge' ? outcome.scopes : undefined;
  };
}
