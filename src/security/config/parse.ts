/**
 * Reads MCP client config files of every supported client and normalises their server entries.
 * Formats: `mcpServers` (Claude Desktop, Cursor, Windsurf, Gemini CLI, Kiro, `.mcp.json`),
 * `~/.claude.json` (top level plus `projects.<path>.mcpServers`), VS Code `mcp.json` (`servers`)
 * and `settings.json` (`mcp.servers`, JSONC), and Codex `config.toml` (`[mcp_servers.NAME]`).
 */

import { parseToml } from './toml.js';
import type { ServerConfig } from '../types.js';

export type ConfigFormat = 'mcpServers' | 'claude-code' | 'vscode-mcp' | 'vscode-settings' | 'codex-toml';

/** A client config file (or manifest, accept or pin file) the scanner cannot read. Not the server's ConfigError. */
export class ClientConfigError extends Error {
  constructor(
    message: string,
    readonly path?: string,
  ) {
    super(path ? `${path}: ${message}` : message);
    this.name = 'ClientConfigError';
  }
}

/** JSON with comments and trailing commas (VS Code settings), read without a dependency. */
export function parseJsonc(text: string): unknown {
  let out = '';
  let i = 0;
  let inString = false;
  while (i < text.length) {
    const c = text[i] as string;
    if (inString) {
      out += c;
      if (c === '\\') {
        out += text[i + 1] ?? '';
        i += 2;
        continue;
      }
      if (c === '"') inString = false;
      i++;
      continue;
    }
    if (c === '"') inString = true;
    if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 2;
      continue;
    }
    out += c;
    i++;
  }
  // Trailing commas: a comma followed only by whitespace before a closing bracket.
  return JSON.parse(out.replace(/,(\s*[}\]])/g, '$1').replace(/^\uFEFF/, ''));
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

function stringRecord(v: unknown): Record<string, string> | undefined {
  if (!isObj(v)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(v)) if (val !== null && val !== undefined) out[k] = String(val);
  return out;
}

/** One server entry in any client's dialect → ServerConfig. */
export function normaliseEntry(name: string, raw: unknown, source?: string, client?: string): ServerConfig {
  if (!isObj(raw)) throw new ClientConfigError(`server "${name}" is not an object`, source);
  const cfg: ServerConfig = { name, source, client };
  if (typeof raw.command === 'string') cfg.command = raw.command;
  if (Array.isArray(raw.args)) cfg.args = raw.args.map(String);
  const env = stringRecord(raw.env);
  if (env) cfg.env = env;
  if (typeof raw.cwd === 'string') cfg.cwd = raw.cwd;
  const url = raw.url ?? raw.serverUrl ?? raw.httpUrl ?? raw.uri;
  if (typeof url === 'string') cfg.url = url;
  const headers = stringRecord(raw.headers ?? raw.http_headers);
  if (headers) cfg.headers = headers;
  const type = raw.type ?? raw.transport;
  if (typeof type === 'string') cfg.type = type;
  else if (isObj(type) && typeof type.type === 'string') cfg.type = type.type;
  if (!cfg.command && !cfg.url) throw new ClientConfigError(`server "${name}" has neither "command" nor "url"`, source);
  return cfg;
}

function fromMap(map: unknown, source: string | undefined, client: string | undefined, suffix = ''): ServerConfig[] {
  if (!isObj(map)) return [];
  return Object.entries(map)
    .filter(([, v]) => !(isObj(v) && v.disabled === true))
    .map(([name, v]) => normaliseEntry(`${name}${suffix}`, v, source, client));
}

export interface ParsedConfig {
  format: ConfigFormat;
  servers: ServerConfig[];
}

/** Detect the format from content (the file name only breaks ties for TOML). */
export function parseConfigText(text: string, source?: string, client?: string): ParsedConfig {
  const trimmed = text.trim();
  if (source?.endsWith('.toml') || (!trimmed.startsWith('{') && /^\s*\[mcp_servers\./m.test(text))) {
    let doc;
    try {
      doc = parseToml(text);
    } catch (e) {
      throw new ClientConfigError((e as Error).message, source);
    }
    return { format: 'codex-toml', servers: fromMap(doc.mcp_servers, source, client ?? 'codex') };
  }
  let doc: unknown;
  try {
    doc = parseJsonc(text);
  } catch (e) {
    throw new ClientConfigError(`not valid JSON: ${(e as Error).message}`, source);
  }
  if (!isObj(doc)) throw new ClientConfigError('expected a JSON object', source);
  if (isObj(doc.projects)) {
    const servers = fromMap(doc.mcpServers, source, client ?? 'claude-code');
    const names = new Set(servers.map((s) => s.name));
    for (const [path, proj] of Object.entries(doc.projects)) {
      if (!isObj(proj)) continue;
      for (const s of fromMap(proj.mcpServers, source, client ?? 'claude-code')) {
        // Same name in several projects: keep them apart by project path.
        const name = names.has(s.name) ? `${s.name} (${path})` : s.name;
        names.add(name);
        servers.push({ ...s, name });
      }
    }
    return { format: 'claude-code', servers };
  }
  if (isObj(doc.mcpServers)) return { format: 'mcpServers', servers: fromMap(doc.mcpServers, source, client) };
  if (isObj(doc.mcp_servers)) return { format: 'codex-toml', servers: fromMap(doc.mcp_servers, source, client) };
  if (isObj(doc.servers)) return { format: 'vscode-mcp', servers: fromMap(doc.servers, source, client ?? 'vscode') };
  const settings = isObj(doc.mcp) ? doc.mcp.servers : doc['mcp.servers'];
  if (settings !== undefined) return { format: 'vscode-settings', servers: fromMap(settings, source, client ?? 'vscode') };
  throw new ClientConfigError(
    'no MCP servers section found (mcpServers, servers, mcp.servers, projects.*.mcpServers or [mcp_servers.*])',
    source,
  );
}

/** Settings files hold much more than MCP; a missing section there just means "no servers". */
export function parseConfigLenient(text: string, source: string, client?: string): ParsedConfig | undefined {
  try {
    return parseConfigText(text, source, client);
  } catch (e) {
    if (e instanceof ClientConfigError && /no MCP servers section/.test(e.message)) return undefined;
    throw e;
  }
}
