import { afterEach, describe, expect, it } from 'vitest';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { connectClient, freePort } from '../helpers/mcp.js';
import { rawHttp } from '../helpers/raw-http.js';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');
const CLI = [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), join(ROOT, 'src/cli/main.ts')];

let child: ChildProcess | undefined;
afterEach(() => {
  child?.kill();
  child = undefined;
});

/** Starts `mcp-bastion serve` and resolves with everything it wrote to stderr once it listens. */
function serve(args: string[], env: Record<string, string>, cwd: string): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    child = spawn(process.execPath, [...CLI, 'serve', ...args], { cwd, env: { ...process.env, MCP_BASTION_AUTH: '', ...env } });
    let err = '';
    const timer = setTimeout(() => reject(new Error(`server did not start: ${err}`)), 20_000);
    child.stderr?.on('data', (c: Buffer) => {
      err += c.toString();
      if (
        err.includes('mcp-bastion listening') &&
        (err.includes('tRPC at') || err.includes('Or over tRPC') || !err.includes('mcp-bastion demo'))
      ) {
        setTimeout(() => {
          clearTimeout(timer);
          resolvePromise(err);
        }, 150);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}: ${err}`));
    });
  });
}

describe('the demo (`npm start`) and the CLI', () => {
  it('runs the demo with JWT auth: creates a key pair, prints two tokens and a curl command that works', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'bastion-demo-'));
    const port = await freePort();
    const out = await serve(['--port', String(port)], {}, cwd);
    expect(statSync(join(cwd, '.mcp-bastion/keys/private.jwk.json')).mode & 0o077).toBe(0);
    const rw = /export TOKEN=(\S+)/.exec(out)?.[1] as string;
    const ro = /export TOKEN_RO=(\S+)/.exec(out)?.[1] as string;
    expect(rw).toMatch(/^eyJ/);
    const curl = out.slice(out.indexOf('  curl -s'), out.indexOf('Or over tRPC')).trim();
    const { stdout } = await run('bash', ['-c', curl], { env: { ...process.env, TOKEN: rw } });
    expect(JSON.parse(stdout).result.structuredContent).toMatchObject({ text: 'hello' });

    const reader = await connectClient(`http://127.0.0.1:${port}`, '2025-11-25', { authorization: `Bearer ${ro}` });
    expect((await reader.listTools()).tools.map((t) => t.name).sort()).toEqual(['notes_list', 'whoami']);
    await reader.close();
    const unauth = await fetch(`http://127.0.0.1:${port}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(unauth.status).toBe(401);
  });

  it('keygen + token + serve with MCP_BASTION_AUTH=jwt and MCP_BASTION_JWT_PUBLIC_KEY=@file', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'bastion-cli-'));
    const port = await freePort();
    const aud = `http://127.0.0.1:${port}/mcp`;
    await run(process.execPath, [...CLI, 'keygen'], { cwd });
    const { stdout: token } = await run(
      process.execPath,
      [...CLI, 'token', '--sub', 'erin', '--scope', 'notes:read,notes:write', '--aud', aud, '--ttl', '10m'],
      { cwd },
    );
    await serve(
      ['--port', String(port)],
      { MCP_BASTION_AUTH: 'jwt', MCP_BASTION_JWT_PUBLIC_KEY: '@.mcp-bastion/keys/public.pem', MCP_BASTION_JWT_ISSUER: 'mcp-bastion-demo' },
      cwd,
    );
    const client = await connectClient(`http://127.0.0.1:${port}`, '2026-07-28', { authorization: `Bearer ${token.trim()}` });
    const who = await client.callTool({ name: 'whoami', arguments: {} });
    expect(who.structuredContent).toMatchObject({ subject: 'erin', scopes: ['notes:read', 'notes:write'] });
    await client.close();
  });

  it('serves an OAuth proxy for GitHub from the environment (old GITHUB_CLIENT_ID names accepted)', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'bastion-gh-'));
    const port = await freePort();
    await serve(
      ['--port', String(port)],
      {
        MCP_BASTION_AUTH: 'github',
        GITHUB_CLIENT_ID: 'Iv1.abc',
        GITHUB_CLIENT_SECRET: 'gh-secret',
        MCP_BASTION_BASE_URL: 'https://mcp.example.com',
        MCP_BASTION_STORAGE: 'memory',
        MCP_BASTION_STORAGE_KEY: Buffer.alloc(32, 7).toString('base64'),
      },
      cwd,
    );
    const meta = await rawHttp(`http://127.0.0.1:${port}/.well-known/oauth-authorization-server`, { headers: { host: 'mcp.example.com' } });
    expect(JSON.parse(meta.body)).toMatchObject({
      issuer: 'https://mcp.example.com',
      code_challenge_methods_supported: ['S256'],
      authorization_response_iss_parameter_supported: true,
    });
    const challenge = await rawHttp(`http://127.0.0.1:${port}/mcp`, {
      method: 'POST',
      headers: { host: 'mcp.example.com', 'content-type': 'application/json' },
      body: '{}',
    });
    expect(challenge.status).toBe(401);
    expect(String(challenge.headers['www-authenticate'])).toContain(
      'resource_metadata="https://mcp.example.com/.well-known/oauth-protected-resource/mcp"',
    );
  });

  it('fails at start with a message naming the variable at fault, and exit code 2', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'bastion-bad-'));
    const cases: [Record<string, string>, RegExp][] = [
      [{ MCP_BASTION_AUTH: 'jwt', MCP_BASTION_JWT_SECRET: 'short' }, /MCP_BASTION_JWT_SECRET/],
      [{ MCP_BASTION_AUTH: 'kerberos' }, /MCP_BASTION_AUTH/],
      [{ MCP_BASTION_AUTH: 'none', MCP_BASTION_ALLOWED_ORIGINS: 'not a url' }, /MCP_BASTION_ALLOWED_ORIGINS/],
      [{ MCP_BASTION_AUTH: 'none', MCP_BASTION_HOST: 'localhost' }, /MCP_BASTION_HOST/],
      [
        { MCP_BASTION_AUTH: 'github', MCP_BASTION_STORAGE: 'memory', MCP_BASTION_BASE_URL: 'https://mcp.example.com' },
        /MCP_BASTION_GITHUB_CLIENT_ID/,
      ],
      [
        { MCP_BASTION_AUTH: 'github', GITHUB_CLIENT_ID: 'x', GITHUB_CLIENT_SECRET: 'y', MCP_BASTION_STORAGE: 'sqlite' },
        /MCP_BASTION_STORAGE/,
      ],
      [
        // A loopback http base URL is fine for development (test/e2e/proxy-localhost.test.ts); any other http host is not.
        {
          MCP_BASTION_AUTH: 'google',
          MCP_BASTION_STORAGE: 'memory',
          GOOGLE_CLIENT_ID: 'x',
          GOOGLE_CLIENT_SECRET: 'y',
          MCP_BASTION_BASE_URL: 'http://mcp.example.com',
        },
        /MCP_BASTION_BASE_URL: must use https/,
      ],
    ];
    for (const [env, pattern] of cases) {
      const result = await run(process.execPath, [...CLI, 'serve', '--port', '0'], { cwd, env: { ...process.env, ...env } }).then(
        () => ({ code: 0, stderr: '' }),
        (e: { code: number; stderr: string }) => e,
      );
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(pattern);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
  }, 90_000);
});
