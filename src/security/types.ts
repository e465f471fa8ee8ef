/**
 * Shared shapes for the scanner: what we collect from a server, and what a check reports.
 * Kept free of runtime code so the runtime guard can import it cheaply.
 */

export type Severity = 'low' | 'medium' | 'high' | 'critical';

export const SEVERITIES: readonly Severity[] = ['low', 'medium', 'high', 'critical'];

export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

export function maxSeverity(a: Severity, b: Severity): Severity {
  return severityRank(a) >= severityRank(b) ? a : b;
}

export type EntityKind = 'tool' | 'prompt' | 'resource' | 'server' | 'config';

export interface EntityRef {
  kind: EntityKind;
  name: string;
}

/** A finding exactly as it appears in `--json` output (extra fields are allowed by the schema). */
export interface Finding {
  code: string;
  severity: Severity;
  server: string;
  entity: EntityRef;
  message: string;
  evidence: string;
  /** Other entities involved (toxic flows, shadowing, duplicates). */
  related?: { server: string; kind: EntityKind; name: string }[];
  /** Where in the entity the text was found, e.g. `inputSchema.properties.path.description`. */
  field?: string;
  /** Config file the server came from, when known (used for SARIF locations). */
  source?: string;
  /** Check-specific extras (flow legs, pin diffs); allowed by the JSON schema. */
  [extra: string]: unknown;
}

/** JSON-Schema-ish object; we only walk it, never validate with it. */
export type JsonObject = { [key: string]: unknown };

export interface ToolAnnotations {
  title?: string;
  readOnlyHint?: boolean;
  destructiveHint?: boolean;
  idempotentHint?: boolean;
  openWorldHint?: boolean;
  [key: string]: unknown;
}

export interface ToolDef {
  name: string;
  title?: string;
  description?: string;
  inputSchema?: JsonObject;
  outputSchema?: JsonObject;
  annotations?: ToolAnnotations;
  [key: string]: unknown;
}

export interface PromptDef {
  name: string;
  title?: string;
  description?: string;
  arguments?: { name: string; title?: string; description?: string; required?: boolean }[];
  [key: string]: unknown;
}

export interface ResourceDef {
  name: string;
  uri?: string;
  uriTemplate?: string;
  title?: string;
  description?: string;
  mimeType?: string;
  [key: string]: unknown;
}

/** Launch/connection details from a client config; used by config checks and connectors. */
export interface ServerConfig {
  name: string;
  /** Path of the config file the entry came from. */
  source?: string;
  /** Client whose config it is (claude-desktop, cursor, ...), when discovered. */
  client?: string;
  command?: string;
  args?: string[];
  env?: Record<string, string>;
  cwd?: string;
  url?: string;
  headers?: Record<string, string>;
  type?: string;
}

/** Everything the checks look at for one server. */
export interface ScannedServer {
  name: string;
  tools: ToolDef[];
  prompts?: PromptDef[];
  resources?: ResourceDef[];
  resourceTemplates?: ResourceDef[];
  instructions?: string;
  config?: ServerConfig;
  /** Where the definitions came from (config path, URL or manifest path). */
  source?: string;
}

export interface ScanOptions {
  /** Codes to drop from the results. */
  ignore?: string[];
  /** Accepted findings: `{ code, server?, entity? }`. */
  allowlist?: AllowlistEntry[];
  /** Run the whole-toolset flow analysis (default true). */
  flows?: boolean;
  /** Thresholds for the large-toolset check. */
  maxTools?: number;
  maxDescriptionChars?: number;
  /**
   * Let the learned model add its signal (default true); false gives the rules-only verdict. A
   * function replaces the shipped model (text → probability), e.g. one trained without a source
   * for leave-one-source-out evaluation.
   */
  model?: boolean | ((text: string) => number);
}

export interface AllowlistEntry {
  code: string;
  server?: string;
  /** Entity name, or `kind:name`. */
  entity?: string;
}
