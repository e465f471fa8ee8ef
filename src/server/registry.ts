import type { AnyTRPCRouter } from '@trpc/server';
import { UriTemplate } from '@modelcontextprotocol/server';
import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { requireScopes, toList, type AuthCheck } from '../auth/authorization.js';
import type { BastionMeta, McpPromptMeta, McpResourceMeta, McpToolMeta, ToolAnnotations } from './meta.js';

export type JsonSchema = Record<string, unknown>;

interface EntryBase {
  /** Dotted tRPC path, e.g. `notes.add`. */
  readonly path: string;
  readonly procedureType: 'query' | 'mutation';
  readonly tags: readonly string[];
  readonly checks: readonly AuthCheck[];
}

export interface ToolEntry extends EntryBase {
  readonly kind: 'tool';
  readonly name: string;
  readonly title?: string | undefined;
  readonly description: string;
  readonly annotations?: ToolAnnotations | undefined;
  readonly inputSchema: JsonSchema;
  readonly outputSchema?: JsonSchema | undefined;
}

export interface ResourceEntry extends EntryBase {
  readonly kind: 'resource';
  readonly name: string;
  readonly uri?: string | undefined;
  readonly template?: UriTemplate | undefined;
  readonly uriTemplate?: string | undefined;
  readonly title?: string | undefined;
  readonly description?: string | undefined;
  readonly mimeType?: string | undefined;
}

export interface PromptArgument {
  readonly name: string;
  readonly description?: string | undefined;
  readonly required: boolean;
}

export interface PromptEntry extends EntryBase {
  readonly kind: 'prompt';
  readonly name: string;
  readonly title?: string | undefined;
  readonly description?: string | undefined;
  readonly arguments: readonly PromptArgument[];
}

export interface Registry {
  readonly tools: ReadonlyMap<string, ToolEntry>;
  readonly resources: readonly ResourceEntry[];
  readonly prompts: ReadonlyMap<string, PromptEntry>;
  /** tRPC path → the checks of the component(s) built from it, so `/trpc` enforces the same rules. */
  readonly procedureChecks: ReadonlyMap<string, { tags: readonly string[]; checks: readonly AuthCheck[]; name: string }>;
}

interface ProcedureDef {
  type: 'query' | 'mutation' | 'subscription';
  meta?: BastionMeta;
  inputs: unknown[];
  output?: unknown;
}

// MCP (2025-06-18 and later) tool names: 1-128 chars of this set.
const TOOL_NAME = /^[A-Za-z0-9_.-]{1,128}$/;

/** Walks a tRPC v11 router and builds the MCP surface from procedure meta. Throws ConfigError on a bad definition. */
export function buildRegistry(router: AnyTRPCRouter): Registry {
  const procedures = router._def.procedures as Record<string, { _def: ProcedureDef }>;
  const tools = new Map<string, ToolEntry>();
  const resources: ResourceEntry[] = [];
  const prompts = new Map<string, PromptEntry>();
  const procedureChecks = new Map<string, { tags: readonly string[]; checks: readonly AuthCheck[]; name: string }>();

  for (const [path, procedure] of Object.entries(procedures)) {
    const def = procedure._def;
    const meta = def.meta;
    if (!meta || (!meta.mcp && !meta.mcpResource && !meta.mcpPrompt)) continue;
    if (def.type === 'subscription') throw new ConfigError(`router.${path}`, 'subscriptions cannot be exposed over MCP');
    const procedureType = def.type;

    if (meta.mcp) {
      const tool = toolEntry(path, procedureType, def, meta.mcp);
      if (tools.has(tool.name)) throw new ConfigError(`router.${path}.meta.mcp.name`, `duplicate tool name "${tool.name}"`);
      tools.set(tool.name, tool);
      procedureChecks.set(path, { tags: tool.tags, checks: tool.checks, name: tool.name });
    }
    if (meta.mcpResource) {
      const resource = resourceEntry(path, procedureType, meta.mcpResource);
      resources.push(resource);
      if (!procedureChecks.has(path)) procedureChecks.set(path, { tags: resource.tags, checks: resource.checks, name: resource.name });
    }
    if (meta.mcpPrompt) {
      const prompt = promptEntry(path, procedureType, def, meta.mcpPrompt);
      if (prompts.has(prompt.name)) throw new ConfigError(`router.${path}.meta.mcpPrompt.name`, `duplicate prompt name "${prompt.name}"`);
      prompts.set(prompt.name, prompt);
      if (!procedureChecks.has(path)) procedureChecks.set(path, { tags: prompt.tags, checks: prompt.checks, name: prompt.name });
    }
  }
  const uris = new Set<string>();
  for (const r of resources) {
    const key = r.uri ?? r.uriTemplate ?? '';
    if (uris.has(key)) throw new ConfigError(`router.${r.path}.meta.mcpResource`, `duplicate resource URI "${key}"`);
    uris.add(key);
  }
  return { tools, resources, prompts, procedureChecks };
}

function checksOf(meta: { scopes?: string[] | undefined; auth?: AuthCheck | AuthCheck[] | undefined }): AuthCheck[] {
  const checks = toList(meta.auth);
  if (meta.scopes && meta.scopes.length > 0) checks.unshift(requireScopes(...meta.scopes));
  return checks;
}

function toolEntry(path: string, procedureType: 'query' | 'mutation', def: ProcedureDef, meta: McpToolMeta): ToolEntry {
  const name = meta.name ?? path.replaceAll('.', '_');
  if (!TOOL_NAME.test(name))
    throw new ConfigError(`router.${path}.meta.mcp.name`, `"${name}" is not a valid MCP tool name (1-128 of A-Z a-z 0-9 _ . -)`);
  if (typeof meta.description !== 'string' || meta.description.trim() === '') {
    throw new ConfigError(`router.${path}.meta.mcp.description`, 'a tool needs a description: it is what the model reads');
  }
  const inputSchema = inputJsonSchema(path, def.inputs);
  const outputSchema = def.output === undefined ? undefined : outputJsonSchema(path, def.output);
  return {
    kind: 'tool',
    path,
    procedureType,
    name,
    title: meta.title,
    description: meta.description,
    annotations: meta.annotations,
    tags: Object.freeze([...(meta.tags ?? [])]),
    checks: checksOf(meta),
    inputSchema,
    outputSchema,
  };
}

function resourceEntry(path: string, procedureType: 'query' | 'mutation', meta: McpResourceMeta): ResourceEntry {
  if ((meta.uri === undefined) === (meta.uriTemplate === undefined)) {
    throw new ConfigError(`router.${path}.meta.mcpResource`, 'set exactly one of uri or uriTemplate');
  }
  if (meta.uri !== undefined && !URL.canParse(meta.uri))
    throw new ConfigError(`router.${path}.meta.mcpResource.uri`, `"${meta.uri}" is not a URI`);
  return {
    kind: 'resource',
    path,
    procedureType,
    name: meta.name,
    uri: meta.uri,
    uriTemplate: meta.uriTemplate,
    template: meta.uriTemplate === undefined ? undefined : new UriTemplate(meta.uriTemplate),
    title: meta.title,
    description: meta.description,
    mimeType: meta.mimeType,
    tags: Object.freeze([...(meta.tags ?? [])]),
    checks: checksOf(meta),
  };
}

function promptEntry(path: string, procedureType: 'query' | 'mutation', def: ProcedureDef, meta: McpPromptMeta): PromptEntry {
  const schema = inputJsonSchema(path, def.inputs);
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((schema.required ?? []) as string[]);
  const args: PromptArgument[] = Object.entries(properties).map(([name, prop]) => ({
    name,
    description: typeof prop.description === 'string' ? prop.description : undefined,
    required: required.has(name),
  }));
  return {
    kind: 'prompt',
    path,
    procedureType,
    name: meta.name ?? path.replaceAll('.', '_'),
    title: meta.title,
    description: meta.description,
    arguments: args,
    tags: Object.freeze([...(meta.tags ?? [])]),
    checks: checksOf(meta),
  };
}

function toJsonSchema(path: string, schema: unknown, io: 'input' | 'output'): JsonSchema {
  if (!(schema instanceof z.ZodType)) {
    throw new ConfigError(`router.${path}`, `the ${io} parser is not a zod 4 schema; only zod schemas can be described to MCP clients`);
  }
  const json = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  delete json.$schema;
  return json;
}

function inputJsonSchema(path: string, inputs: unknown[]): JsonSchema {
  if (inputs.length === 0) return { type: 'object', properties: {} };
  const parts = inputs.map((i) => toJsonSchema(path, i, 'input'));
  for (const p of parts) {
    if (p.type !== 'object')
      throw new ConfigError(`router.${path}`, 'an MCP tool, resource template or prompt input must be a z.object(...)');
  }
  if (parts.length === 1) return parts[0] as JsonSchema;
  // tRPC merges chained .input() objects; describe the merge the same way.
  const properties: Record<string, unknown> = {};
  const required = new Set<string>();
  for (const p of parts) {
    Object.assign(properties, p.properties ?? {});
    for (const r of (p.required ?? []) as string[]) required.add(r);
  }
  return { type: 'object', properties, required: [...required], additionalProperties: false };
}

function outputJsonSchema(path: string, output: unknown): JsonSchema | undefined {
  const schema = toJsonSchema(path, output, 'output');
  // MCP output schemas describe structuredContent, which must be an object.
  return schema.type === 'object' ? schema : undefined;
}
