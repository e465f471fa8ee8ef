import { chmodSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { keygenCommand, parseTtl, tokenCommand } from '../../../src/cli/keys.js';
import { verifierFromEnv } from '../../../src/auth/verifiers/from-env.js';
import { loadKeyPair, loadOrCreateKeyPair, writeKeyPair } from '../../../src/testing/index.js';
import { expectAuthError, expectConfigError } from './helpers.js';

const tmp = (): string => join(mkdtempSync(join(tmpdir(), 'bastion-keys-')), 'keys');
const AUD = 'http://127.0.0.1:3000/mcp';

describe('key files', () => {
  it('writes the private key with mode 0600 and public files alongside', async () => {
    const dir = tmp();
    const { files, keyPair } = await writeKeyPair(dir);
    expect(statSync(files.privateJwk).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o077).toBe(0);
    const pub = JSON.parse(readFileSync(files.publicJwk, 'utf8')) as Record<string, unknown>;
    expect(pub['d']).toBeUndefined();
    expect(pub['kid']).toBe(keyPair.kid);
    const jwks = JSON.parse(readFileSync(files.jwks, 'utf8')) as { keys: Array<Record<string, unknown>> };
    expect(jwks.keys.every((k) => k['d'] === undefined)).toBe(true);
    expect(readFileSync(files.publicPem, 'utf8')).toContain('BEGIN PUBLIC KEY');
  });

  it('refuses to overwrite an existing key unless forced', async () => {
    const dir = tmp();
    await writeKeyPair(dir);
    await expect(writeKeyPair(dir)).rejects.toThrow(/already exists/);
    await expect(writeKeyPair(dir, { force: true })).resolves.toBeTruthy();
  });

  it('loadOrCreateKeyPair creates once, then loads the same key', async () => {
    const dir = tmp();
    const a = await loadOrCreateKeyPair(dir);
    const b = await loadOrCreateKeyPair(dir);
    expect(a.created).toBe(true);
    expect(b.created).toBe(false);
    expect(b.keyPair.kid).toBe(a.keyPair.kid);
  });

  it('refuses to load a private key other users can read', async () => {
    const dir = tmp();
    const { files } = await writeKeyPair(dir);
    chmodSync(files.privateJwk, 0o644);
    await expect(loadKeyPair(dir)).rejects.toThrow(/chmod 600/);
  });
});

describe('keygen and token commands', () => {
  it('keygen prints where the keys are and how to configure the server, never the private key', async () => {
    const dir = tmp();
    const out = await keygenCommand({ dir });
    expect(out).toContain('MCP_BASTION_JWT_PUBLIC_KEY=@');
    const priv = JSON.parse(readFileSync(join(dir, 'private.jwk.json'), 'utf8')) as { d: string };
    expect(out).not.toContain(priv.d);
  });

  it('a minted token verifies with the configuration keygen suggests, and only for its audience', async () => {
    const dir = tmp();
    await keygenCommand({ dir });
    const token = await tokenCommand({ dir, sub: 'alice', scope: 'mcp:tools read', aud: AUD, ttl: '15m' });
    const claims = decodeJwt(token);
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(900);
    const { verifier } = verifierFromEnv({ MCP_BASTION_AUTH: 'jwt', MCP_BASTION_JWT_PUBLIC_KEY: `@${join(dir, 'public.pem')}` }, AUD);
    await expect(verifier?.verify(token)).resolves.toMatchObject({ subject: 'alice', scopes: ['mcp:tools', 'read'] });
    const other = await tokenCommand({ dir, sub: 'alice', aud: 'http://127.0.0.1:4000/mcp' });
    await expectAuthError(verifier?.verify(other) ?? Promise.resolve(), 'wrong_audience');
  });

  it('token requires --sub, --aud and an existing key, and bounds --ttl', async () => {
    const dir = tmp();
    await expect(tokenCommand({ dir, sub: 'a', aud: AUD })).rejects.toThrow(/keygen/);
    await keygenCommand({ dir });
    await expect(tokenCommand({ dir, sub: '', aud: AUD })).rejects.toThrow(/--sub/);
    await expect(tokenCommand({ dir, sub: 'a', aud: '' })).rejects.toThrow(/--aud/);
    expect(parseTtl('90s')).toBe(90);
    expect(parseTtl('2h')).toBe(7200);
    expect(parseTtl(60)).toBe(60);
    expectConfigError(() => parseTtl('1y'), '--ttl');
    expectConfigError(() => parseTtl('0'), '--ttl');
    expectConfigError(() => parseTtl('31d'), '--ttl');
  });
});
