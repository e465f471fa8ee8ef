import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { discoverConfigs, knownConfigLocations } from '../../src/security/config/discover.js';
import { ClientConfigError, parseConfigText, parseJsonc } from '../../src/security/config/parse.js';
import { parseToml, TomlError } from '../../src/security/config/toml.js';

describe('TOML subset parser', () => {
  it('reads Codex [mcp_servers.NAME] tables with strings, arrays and env sub-tables', () => {
    const doc = parseToml(`
model = "o3" # comment
[mcp_servers.docs]
command = "npx"
args = ["-y", "@acme/docs-mcp@1.2.3", 'literal\\path']
startup_timeout_sec = 20

[mcp_servers.docs.env]
API_KEY = "abc"
"quoted.key" = "v"

[mcp_servers.remote]
url = "https://mcp.example.com/mcp"
http_headers = { Authorization = "Bearer x", "X-Team" = "a" }
`);
    expect(doc).toEqual({
      model: 'o3',
      mcp_servers: {
        docs: {
          command: 'npx',
          args: ['-y', '@acme/docs-mcp@1.2.3', 'literal\\path'],
          startup_timeout_sec: 20,
          env: { API_KEY: 'abc', 'quoted.key': 'v' },
        },
        remote: { url: 'https://mcp.example.com/mcp', http_headers: { Authorization: 'Bearer x', 'X-Team': 'a' } },
      },
    });
  });

  it('handles escapes, multi-line strings and arrays, dotted keys, booleans, floats, arrays of tables', () => {
    const doc = parseToml(`
a.b.c = true
s = "tab\\tquote\\" \\u00e9"
m = """
line1
line2"""
lit = '''raw \\n'''
arr = [
  "x", # first
  "y",
]
f = 1.5
[[items]]
n = 1
[[items]]
n = 2
`);
    expect(doc).toEqual({
      a: { b: { c: true } },
      s: 'tab\tquote" é',
      m: 'line1\nline2',
      lit: 'raw \\n',
      arr: ['x', 'y'],
      f: 1.5,
      items: [{ n: 1 }, { n: 2 }],
    });
  });

  it.each([
    ['unterminated string', 'a = "x'],
    ['duplicate key', 'a = 1\na = 2'],
    ['garbage after value', 'a = 1 2 3 x'],
    ['missing =', 'a 1'],
  ])('rejects %s with a line number', (_l, src) => {
    expect(() => parseToml(src)).toThrow(TomlError);
  });
});

describe('config formats', () => {
  it('reads mcpServers (Claude Desktop / Cursor / Windsurf / Gemini / Kiro) with url variants', () => {
    const r = parseConfigText(
      JSON.stringify({
        mcpServers: {
          a: { command: 'npx', args: ['x'], env: { K: 'v' } },
          b: { serverUrl: 'https://w.example.com/mcp' },
          c: { httpUrl: 'https://g.example.com', headers: { A: 'b' } },
        },
      }),
      'x.json',
    );
    expect(r.format).toBe('mcpServers');
    expect(r.servers.map((s) => [s.name, s.command ?? s.url])).toEqual([
      ['a', 'npx'],
      ['b', 'https://w.example.com/mcp'],
      ['c', 'https://g.example.com'],
    ]);
  });

  it('reads ~/.claude.json top-level and per-project servers', () => {
    const r = parseConfigText(
      JSON.stringify({
        mcpServers: { g: { command: 'a' } },
        projects: { '/p1': { mcpServers: { x: { command: 'b' } } }, '/p2': { mcpServers: { x: { command: 'c' } } } },
      }),
    );
    expect(r.format).toBe('claude-code');
    expect(r.servers.map((s) => s.name)).toEqual(['g', 'x', 'x (/p2)']);
  });

  it('reads VS Code mcp.json (servers) and settings.json (JSONC with mcp.servers)', () => {
    expect(parseConfigText('{"servers":{"s":{"type":"stdio","command":"node"}},"inputs":[]}').format).toBe('vscode-mcp');
    const settings = `{
      // user settings
      "editor.fontSize": 14,
      "mcp": { "servers": { "gh": { "url": "https://api.example.com/mcp", }, }, },
      /* block */
    }`;
    const r = parseConfigText(settings);
    expect(r.format).toBe('vscode-settings');
    expect(r.servers[0]?.url).toBe('https://api.example.com/mcp');
  });

  it('reads Codex config.toml', () => {
    const r = parseConfigText('[mcp_servers.x]\ncommand = "uvx"\nargs = ["pkg"]\n[mcp_servers.x.env]\nA = "1"\n', '/h/.codex/config.toml');
    expect(r).toMatchObject({
      format: 'codex-toml',
      servers: [{ name: 'x', command: 'uvx', args: ['pkg'], env: { A: '1' }, client: 'codex' }],
    });
  });

  it('keeps JSONC comment markers inside strings', () => {
    expect(parseJsonc('{"u":"https://x//y","c":"/* no */"}')).toEqual({ u: 'https://x//y', c: '/* no */' });
  });

  it('reports malformed configs as ClientConfigError', () => {
    expect(() => parseConfigText('{ nope', 'bad.json')).toThrow(ClientConfigError);
    expect(() => parseConfigText('{"mcpServers":{"a":{"args":[]}}}')).toThrow(/neither "command" nor "url"/);
    expect(() => parseConfigText('{"other":1}')).toThrow(/no MCP servers section/);
  });
});

describe('discovery of well-known client configs', () => {
  function write(path: string, content: string): void {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
  }

  it('knows per-platform locations for Claude Desktop and VS Code', () => {
    const paths = (platform: 'linux' | 'darwin' | 'win32') => knownConfigLocations({ home: '/h', platform, cwd: '/w' }).map((l) => l.path);
    expect(paths('darwin')).toContain(join('/h', 'Library', 'Application Support', 'Claude', 'claude_desktop_config.json'));
    expect(paths('darwin')).toContain(join('/h', 'Library', 'Application Support', 'Code', 'User', 'mcp.json'));
    expect(paths('win32')).toContain(join('/h', 'AppData', 'Roaming', 'Claude', 'claude_desktop_config.json'));
    expect(paths('linux')).toContain(join('/h', '.config', 'Code', 'User', 'settings.json'));
    expect(paths('linux')).toContain(join('/w', '.vscode', 'mcp.json'));
    expect(paths('linux')).toContain(join('/h', '.codex', 'config.toml'));
  });

  it('finds user and project configs under a temporary home and skips settings without MCP', () => {
    const home = mkdtempSync(join(tmpdir(), 'mb-home-'));
    const cwd = mkdtempSync(join(tmpdir(), 'mb-cwd-'));
    write(join(home, '.claude.json'), JSON.stringify({ projects: { [cwd]: { mcpServers: { proj: { command: 'node' } } } } }));
    write(join(home, '.cursor', 'mcp.json'), JSON.stringify({ mcpServers: { cur: { url: 'https://c.example.com' } } }));
    write(join(home, '.codex', 'config.toml'), '[mcp_servers.cx]\ncommand = "uvx"\n');
    write(join(home, '.config', 'Code', 'User', 'settings.json'), '{ "editor.tabSize": 2 }');
    write(join(home, '.gemini', 'settings.json'), '{ broken');
    write(join(cwd, '.mcp.json'), JSON.stringify({ mcpServers: { local: { command: 'x' } } }));
    write(join(cwd, '.vscode', 'mcp.json'), JSON.stringify({ servers: { vs: { command: 'y' } } }));
    const r = discoverConfigs({ home, platform: 'linux', cwd });
    expect(r.configs.flatMap((c) => c.servers.map((s) => `${c.location.client}:${s.name}`)).sort()).toEqual([
      'claude-code:local',
      'claude-code:proj',
      'codex:cx',
      'cursor:cur',
      'vscode:vs',
    ]);
    expect(r.errors.map((e) => e.path)).toEqual([join(home, '.gemini', 'settings.json')]);
  });
});
