import { describe, expect, it } from 'vitest';
import { checkConfig } from '../../src/security/checks/config-risks.js';
import type { ServerConfig } from '../../src/security/index.js';

const codes = (cfg: Omit<ServerConfig, 'name'>): string[] => checkConfig({ name: 's', ...cfg }).map((f) => `${f.code}:${f.severity}`);

describe('config risks', () => {
  it.each([
    ['npx -y with no version', 'npx', ['-y', '@acme/mcp']],
    ['npx @latest', 'npx', ['-y', '@acme/mcp@latest']],
    ['npx with a range', 'npx', ['mcp-thing@^1.2.0']],
    ['uvx without version', 'uvx', ['mcp-server-fetch']],
    ['pipx run', 'pipx', ['run', 'mcp-tool']],
    ['bunx', 'bunx', ['mcp-tool']],
    ['pnpm dlx', 'pnpm', ['dlx', 'mcp-tool']],
    ['docker latest', 'docker', ['run', '-i', '--rm', 'acme/mcp:latest']],
    ['npx.cmd on Windows', 'C:\\Program Files\\nodejs\\npx.cmd', ['-y', 'pkg']],
  ])('flags an unpinned launcher: %s', (_l, command, args) => {
    expect(codes({ command, args })).toContain('CF001:medium');
  });

  it.each([
    ['npx exact version', 'npx', ['-y', '@acme/mcp@1.4.2']],
    ['uvx ==version', 'uvx', ['mcp-server-fetch==2025.1.17']],
    ['uvx --from pinned', 'uvx', ['--from', 'pkg==1.0.0', 'pkg-cli']],
    ['docker digest', 'docker', ['run', '-i', `acme/mcp@sha256:${'a'.repeat(64)}`]],
    ['plain node', 'node', ['server.js']],
  ])('accepts a pinned launcher: %s', (_l, command, args) => {
    expect(codes({ command, args })).not.toContain('CF001:medium');
  });

  it('flags plain-http remote URLs but not loopback; high when credentials travel in clear', () => {
    expect(codes({ url: 'http://mcp.example.com/mcp' })).toContain('CF002:medium');
    expect(codes({ url: 'http://mcp.example.com/mcp', headers: { Authorization: 'Bearer ${TOKEN}' } })).toContain('CF002:high');
    expect(codes({ url: 'http://127.0.0.1:3000/mcp' })).toEqual([]);
    expect(codes({ url: 'http://localhost:3000/mcp' })).toEqual([]);
    expect(codes({ url: 'https://mcp.example.com/mcp' })).toEqual([]);
  });

  it('flags inline secrets by known prefix or entropy, redacts them, and ignores placeholders', () => {
    const gh = `ghp_${'A1b2C3d4E5'.repeat(4)}`;
    const f = checkConfig({ name: 's', command: 'node', env: { GITHUB_TOKEN: gh, OTHER: 'x' } });
    expect(f.map((x) => x.code)).toEqual(['CF003']);
    expect(f[0]?.evidence).not.toContain(gh);
    expect(codes({ command: 'node', env: { SERVICE_API_KEY: 'q8Zr2LmX9vTb4NcW7pKe' } })).toContain('CF003:high');
    expect(codes({ url: 'https://x.example.com', headers: { Authorization: 'Bearer sk-ant-api03-abcdefghijklmnopqrstuv' } })).toContain(
      'CF003:high',
    );
    expect(codes({ command: 'node', args: ['--api-key', 'sk-proj-abcdefghijklmnopqrstu'] })).toContain('CF003:high');
    expect(
      codes({
        command: 'node',
        env: { API_KEY: '${input:apiKey}', TOKEN: '${GITHUB_TOKEN}', PASSWORD: 'your-password-here', DEBUG_KEY: 'true' },
      }),
    ).toEqual([]);
  });

  it('flags servers told to bind all interfaces', () => {
    expect(codes({ command: 'node', args: ['server.js', '--host', '0.0.0.0'] })).toContain('CF004:medium');
    expect(codes({ command: 'node', env: { HOST: '0.0.0.0' } })).toContain('CF004:medium');
    expect(codes({ command: 'node', args: ['--host', '127.0.0.1'] })).toEqual([]);
  });
});
