import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { JwtVerifier } from '../../src/auth/verifiers/jwt.js';
import { generateKeyPair, mintToken } from '../../src/testing/index.js';
import { createDemoRouter, demoRules } from '../../src/demo/router.js';
import { createLogger, REDACT_PATHS } from '../../src/log.js';
import { connectClient, freePort, initializeBody, rawPost, startServer } from '../helpers/mcp.js';

describe('security events in the log', () => {
  it('logs auth failures by class and denials, and never a token value', async () => {
    const lines: string[] = [];
    const logger = pino(
      { level: 'info', redact: { paths: REDACT_PATHS, censor: '[redacted]' } },
      new Writable({ write: (c, _e, cb) => (lines.push(String(c)), cb()) }),
    );
    const keys = await generateKeyPair('ES256');
    const port = await freePort();
    const aud = `http://127.0.0.1:${port}/mcp`;
    const s = await startServer({
      name: 'log',
      version: '1',
      router: createDemoRouter(),
      rules: demoRules,
      logger,
      http: { port },
      auth: new JwtVerifier({ publicKey: keys.publicJwk, issuer: 'iss', audience: aud }),
    });
    try {
      const expired = await mintToken(keys, { sub: 'alice', aud, iss: 'iss', iat: Math.floor(Date.now() / 1000) - 999, ttlSeconds: 10 });
      const wrongAud = await mintToken(keys, { sub: 'alice', aud: 'https://other', iss: 'iss' });
      const reader = await mintToken(keys, { sub: 'bob', aud, iss: 'iss', scope: 'notes:read' });
      await rawPost(s.url, initializeBody(), { authorization: `Bearer ${expired}` });
      await rawPost(s.url, initializeBody(), { authorization: `Bearer ${wrongAud}` });
      await fetch(`${s.url}/mcp?access_token=${reader}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: initializeBody(),
      });
      const client = await connectClient(s.url, '2026-07-28', { authorization: `Bearer ${reader}` });
      await client.callTool({ name: 'admin_reset', arguments: {} }).catch(() => undefined);
      await client.close();

      const events = lines.map((l) => JSON.parse(l) as { event?: string; reason?: string; name?: string });
      expect(events.filter((e) => e.event === 'auth_failed').map((e) => e.reason)).toEqual(['expired', 'wrong_audience', 'token_in_query']);
      expect(events.find((e) => e.event === 'authz_denied')).toMatchObject({ name: 'admin_reset', sub: 'bob' });
      const all = lines.join('');
      for (const token of [expired, wrongAud, reader]) {
        expect(all).not.toContain(token);
        expect(all).not.toContain(token.split('.')[2] as string);
      }
    } finally {
      await s.close();
    }
  });

  it('redacts credentials wherever they appear in a log object', () => {
    const lines: string[] = [];
    const sink = createLogger({ level: 'info', destination: new Writable({ write: (c, _e, cb) => (lines.push(String(c)), cb()) }) });
    sink.info(
      {
        principal: { subject: 'a', extra: { upstream: { accessToken: 'gho_upstream_token' } } },
        req: { headers: { authorization: 'Bearer abc.def.ghi', cookie: 'sid=1' } },
        headers: { authorization: 'Bearer x' },
        upstream: { access_token: 'gho_secret', refresh_token: 'r1' },
        client_secret: 'shh',
      },
      'x',
    );
    const out = lines.join('');
    for (const secret of ['gho_upstream_token', 'abc.def.ghi', 'sid=1', 'Bearer x', 'gho_secret', 'r1', 'shh'])
      expect(out).not.toContain(secret);
    expect(out).toContain('[redacted]');
  });
});
