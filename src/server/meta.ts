import type { AuthCheck } from '../auth/authorization.js';
import type { ToolAnnotations } from '../security/types.js';

/** MCP tool annotations (hints only; a client must not rely on them for security). Same type the scanner reads. */
export type { ToolAnnotations };

/** `.meta({ mcp: { … } })`: expose a query or mutation as an MCP tool. */
export interface McpToolMeta {
  /** Tool name; defaults to the procedure path with dots replaced by underscores. */
  name?: string;
  title?: string;
  description: string;
  tags?: string[];
  annotations?: ToolAnnotations;
  /** Shorthand for `auth: requireScopes(...scopes)`. */
  scopes?: string[];
  /** Checks that must all pass for the caller to see and call the tool. */
  auth?: AuthCheck | AuthCheck[];
  /**
   * Run each call in a fresh worker thread with heap limits and a timeout, so a runaway tool
   * cannot stall the server. Needs `isolation.routerModule` on the server; the context in the
   * worker is `{ auth, transport, isolated: true }` (or `isolation.contextExport`'s result).
   */
  isolate?: boolean;
  /** Wall-clock limit for an isolated call (default 10 000 ms); the worker is terminated after it. */
  isolateTimeoutMs?: number;
  isolateLimits?: IsolateLimits;
}

/** V8 limits of an isolation worker (`worker_threads` `resourceLimits`). Defaults 128 / 32 / 4 MB. */
export interface IsolateLimits {
  maxOldGenerationSizeMb?: number;
  maxYoungGenerationSizeMb?: number;
  stackSizeMb?: number;
}

/**
 * `.meta({ mcpResource: { … } })`: expose a query as an MCP resource.
 * Give `uri` for a static resource, or `uriTemplate` (RFC 6570 level 1, `{var}`)
 * for a templated one whose variables become the procedure's input.
 */
export interface McpResourceMeta {
  uri?: string;
  uriTemplate?: string;
  name: string;
  title?: string;
  description?: string;
  mimeType?: string;
  tags?: string[];
  scopes?: string[];
  auth?: AuthCheck | AuthCheck[];
}

/** `.meta({ mcpPrompt: { … } })`: expose a procedure as an MCP prompt; its input fields become the arguments. */
export interface McpPromptMeta {
  name?: string;
  title?: string;
  description?: string;
  tags?: string[];
  scopes?: string[];
  auth?: AuthCheck | AuthCheck[];
}

/** Add this to your `initTRPC.meta<…>()` type so `.meta({ mcp })` type-checks. */
export interface BastionMeta {
  mcp?: McpToolMeta;
  mcpResource?: McpResourceMeta;
  mcpPrompt?: McpPromptMeta;
}
