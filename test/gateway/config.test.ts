import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configError } from '../helpers/errors.js';
import { loadGatewayConfig, parseGatewayConfig } from '../../src/gateway/config.js';
import { checkSupplyChain, isExactVersion, launchedPackage } from '../../src/gateway/supply-chain.js';

describe('gateway config: bad input fails at start naming the field', () => {
  it('an unknown key, at the root and inside an upstream', () => {
    expect(configError(() => parseGatewayConfig({ mcpServer: {} })).message).toMatch(/\(root\).*unknown key "mcpServer"/);
    const e = configError(() => parseGatewayConfig({ mcpServers: { gh: { command: 'node', argz: [] } } }));
    expect(e.message).toMatch(/mcpServers\.gh.*unknown key "argz"/);
  });

  it('a bad URL, a non-http scheme and the deprecated SSE transport', () => {
    expect(configError(() => parseGatewayConfig({ mcpServers: { docs: { url: 'not a url' } } })).message).toMatch(
      /mcpServers\.docs\.url.*not a valid URL/,
    );
    expect(configError(() => parseGatewayConfig({ mcpServers: { docs: { url: 'file:///etc/passwd' } } })).message).toMatch(
      /mcpServers\.docs\.url.*http/,
    );
    expect(configError(() => parseGatewayConfig({ mcpServers: { docs: { url: 'https://x.example', type: 'sse' } } })).message).toMatch(
      /SSE/,
    );
  });

  it('a missing command, or both command and url', () => {
    expect(configError(() => parseGatewayConfig({ mcpServers: { fs: { args: ['x'] } } })).message).toMatch(
      /mcpServers\.fs.*"command".*"url"/,
    );
    expect(configError(() => parseGatewayConfig({ mcpServers: { fs: { command: 'node', url: 'https://x.example' } } })).message).toMatch(
      /both/,
    );
  });

  it('server names that would break namespacing', () => {
    expect(configError(() => parseGatewayConfig({ mcpServers: { a__b: { command: 'node' } } })).message).toMatch(/separator/);
    expect(configError(() => parseGatewayConfig({ mcpServers: { 'bad name': { command: 'node' } } })).message).toMatch(
      /mcpServers\.bad name/,
    );
    expect(configError(() => parseGatewayConfig({ separator: '/' })).message).toMatch(/separator/);
  });

  it('wrong types in policies and rate limits', () => {
    expect(configError(() => parseGatewayConfig({ policies: [{ match: 'x*', scopes: 'admin' }] })).message).toMatch(/policies\.0\.scopes/);
    expect(configError(() => parseGatewayConfig({ rateLimits: [{ match: '*' }] })).message).toMatch(/rateLimits\.0.*perPrincipal/);
    expect(configError(() => parseGatewayConfig({ output: { mode: 'loud' } })).message).toMatch(/output\.mode/);
  });

  it('a config file that is not JSON, names the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gwcfg-'));
    writeFileSync(join(dir, 'g.json'), '{ mcpServers: ');
    expect(configError(() => loadGatewayConfig(join(dir, 'g.json'))).message).toMatch(/g\.json.*not valid JSON/);
    expect(configError(() => loadGatewayConfig(join(dir, 'missing.json'))).option).toBe('--config');
  });

  it('imports a Cursor-style client config with --from; the gateway entry wins a clash', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gwcfg-'));
    writeFileSync(
      join(dir, 'mcp.json'),
      JSON.stringify({ mcpServers: { a: { command: 'node', args: ['a.js'] }, b: { url: 'https://b.example/mcp' } } }),
    );
    writeFileSync(join(dir, 'g.json'), JSON.stringify({ from: ['mcp.json'], mcpServers: { a: { command: 'node', args: ['mine.js'] } } }));
    const c = loadGatewayConfig(join(dir, 'g.json'));
    expect(c.mcpServers.a?.args).toEqual(['mine.js']);
    expect(c.mcpServers.b?.url).toBe('https://b.example/mcp');
  });
});

describe('server supply chain', () => {
  it('finds the package an npx / uvx / pnpm dlx launch fetches', () => {
    expect(launchedPackage('npx', ['-y', '@modelcontextprotocol/server-github@2025.4.8'])).toBe(
      '@modelcontextprotocol/server-github@2025.4.8',
    );
    expect(launchedPackage('/usr/bin/npx', ['--yes', '-p', 'pkg@1.0.0', 'bin'])).toBe('pkg@1.0.0');
    expect(launchedPackage('uvx', ['--from', 'mcp-server-git==0.6.2', 'mcp-server-git'])).toBe('mcp-server-git==0.6.2');
    expect(launchedPackage('pnpm', ['dlx', 'tool@2.0.0'])).toBe('tool@2.0.0');
    expect(launchedPackage('node', ['server.js'])).toBeUndefined();
  });

  it('only exact versions count as pinned', () => {
    for (const ok of ['a@1.2.3', '@s/a@1.2.3', '@s/a@1.2.3-beta.1', 'pkg==0.6.2']) expect(isExactVersion(ok)).toBe(true);
    for (const bad of ['a', '@s/a', 'a@latest', 'a@^1.2.3', 'a@1', 'a@1.x', 'pkg>=0.6', '@s/a@next'])
      expect(isExactVersion(bad)).toBe(false);
  });

  it('refuses an unpinned launch unless the entry says allowUnpinned', () => {
    const unpinned = { command: 'npx', args: ['-y', '@modelcontextprotocol/server-github'] };
    const v = checkSupplyChain('gh', unpinned, {});
    expect(v.ok).toBe(false);
    expect(!v.ok && v.reason).toMatch(/no exact version.*allowUnpinned/);
    expect(checkSupplyChain('gh', { ...unpinned, allowUnpinned: true }, {}).ok).toBe(true);
    expect(checkSupplyChain('gh', { command: 'npx', args: ['-y'] }, {}).ok).toBe(false);
  });

  it('the declared package must be what is launched', () => {
    const v = checkSupplyChain('gh', { command: 'npx', args: ['-y', 'evil-github@1.0.0'], package: 'github-mcp@1.0.0' }, {});
    expect(!v.ok && v.reason).toMatch(/declares package github-mcp@1.0.0 but launches evil-github@1.0.0/);
  });

  it('with an allow-list only listed servers start: by package, URL, exact command or name', () => {
    const allowedServers = [
      { package: 'good@1.0.0' },
      { url: 'https://mcp.example.com/mcp' },
      { command: 'node /opt/srv.js' },
      { name: 'local' },
    ];
    expect(checkSupplyChain('x', { command: 'npx', args: ['good@1.0.0'] }, { allowedServers }).ok).toBe(true);
    expect(checkSupplyChain('x', { command: 'npx', args: ['good@1.0.1'] }, { allowedServers }).ok).toBe(false);
    expect(checkSupplyChain('x', { url: 'https://mcp.example.com/mcp' }, { allowedServers }).ok).toBe(true);
    expect(checkSupplyChain('x', { url: 'https://mcp.example.com.evil.net/mcp' }, { allowedServers }).ok).toBe(false);
    expect(checkSupplyChain('x', { command: 'node', args: ['/opt/srv.js'] }, { allowedServers }).ok).toBe(true);
    expect(checkSupplyChain('x', { command: 'node', args: ['/opt/srv.js', '--evil'] }, { allowedServers }).ok).toBe(false);
    expect(checkSupplyChain('local', { command: 'anything' }, { allowedServers }).ok).toBe(true);
    const refused = checkSupplyChain('shadow', { command: 'node', args: ['/tmp/x.js'] }, { allowedServers });
    expect(!refused.ok && refused.reason).toMatch(/not on the allow-list/);
  });
});
