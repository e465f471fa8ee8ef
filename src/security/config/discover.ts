/**
 * Well-known client config locations per platform. Home, platform, cwd and the Windows
 * AppData folder are parameters so tests can point discovery at a temporary directory.
 */

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfigLenient, type ParsedConfig } from './parse.js';

export type Platform = 'linux' | 'darwin' | 'win32';

export interface DiscoverOptions {
  home: string;
  platform: Platform;
  cwd: string;
  /** %APPDATA% on Windows; defaults to <home>/AppData/Roaming. */
  appData?: string;
  /** $XDG_CONFIG_HOME on Linux; defaults to <home>/.config. */
  xdgConfig?: string;
}

export interface ConfigLocation {
  client: string;
  path: string;
  scope: 'user' | 'project';
}

/** Every place a supported client may keep MCP servers, whether or not it exists. */
export function knownConfigLocations(o: DiscoverOptions): ConfigLocation[] {
  const h = o.home;
  const appData = o.appData ?? join(h, 'AppData', 'Roaming');
  const xdg = o.xdgConfig ?? join(h, '.config');
  // Per-OS folder for "application support" style settings.
  const appSupport = o.platform === 'darwin' ? join(h, 'Library', 'Application Support') : o.platform === 'win32' ? appData : xdg;
  const user = (client: string, ...parts: string[]): ConfigLocation => ({ client, path: join(...parts), scope: 'user' });
  const project = (client: string, ...parts: string[]): ConfigLocation => ({ client, path: join(o.cwd, ...parts), scope: 'project' });
  const list: ConfigLocation[] = [
    user('claude-code', h, '.claude.json'),
    project('claude-code', '.mcp.json'),
    user('cursor', h, '.cursor', 'mcp.json'),
    project('cursor', '.cursor', 'mcp.json'),
    user('windsurf', h, '.codeium', 'windsurf', 'mcp_config.json'),
    user('gemini-cli', h, '.gemini', 'settings.json'),
    project('gemini-cli', '.gemini', 'settings.json'),
    user('kiro', h, '.kiro', 'settings', 'mcp.json'),
    project('kiro', '.kiro', 'settings', 'mcp.json'),
    user('codex', h, '.codex', 'config.toml'),
    user('vscode', appSupport, 'Code', 'User', 'mcp.json'),
    user('vscode', appSupport, 'Code', 'User', 'settings.json'),
    user('vscode-insiders', appSupport, 'Code - Insiders', 'User', 'mcp.json'),
    user('vscode', h, '.vscode', 'mcp.json'),
    project('vscode', '.vscode', 'mcp.json'),
    project('vscode', '.vscode', 'settings.json'),
  ];
  // Claude Desktop has no Linux build; the folder is the common community port's location.
  if (o.platform === 'darwin') list.push(user('claude-desktop', appSupport, 'Claude', 'claude_desktop_config.json'));
  else if (o.platform === 'win32') list.push(user('claude-desktop', appData, 'Claude', 'claude_desktop_config.json'));
  else list.push(user('claude-desktop', xdg, 'Claude', 'claude_desktop_config.json'));
  // When cwd is the home directory, project and user entries coincide: keep one.
  const seen = new Set<string>();
  return list.filter((l) => !seen.has(l.path) && seen.add(l.path));
}

export interface DiscoveredConfig extends ParsedConfig {
  location: ConfigLocation;
}

export interface DiscoverResult {
  configs: DiscoveredConfig[];
  errors: { path: string; message: string }[];
}

/** Read and parse every existing well-known config; unreadable files are reported, not fatal. */
export function discoverConfigs(o: DiscoverOptions): DiscoverResult {
  const result: DiscoverResult = { configs: [], errors: [] };
  for (const location of knownConfigLocations(o)) {
    if (!existsSync(location.path)) continue;
    try {
      const parsed = parseConfigLenient(readFileSync(location.path, 'utf8'), location.path, location.client);
      if (parsed && parsed.servers.length > 0) result.configs.push({ ...parsed, location });
    } catch (e) {
      result.errors.push({ path: location.path, message: (e as Error).message });
    }
  }
  return result;
}
