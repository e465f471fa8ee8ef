import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, CLIENT_REDIRECT, authorizeUrl, pkce, registerClient, startStack, type Stack } from './harness.js';

describe('the upstream callback: errors go back to the client, sanitised', () => {
  let s: Stack;
  let clientId: string;
  beforeAll(async () => {
    s = await startStack();
    clientId = (await registerClient(s.base)).client_id;
  });
  afterAll(async () => s?.close());

  /** Runs a flow up to the callback and returns the browser and the callback URL. */
  async function atCallback(): Promise<{ browser: Browser; url: URL }> {
    const browser = new Browser({ consent: 'approve' });
    const r = await browser.run(
      authorizeUrl(s.base, { clientId, challenge: pkce().challenge, method: 'S256', resource: s.resource, state: 'cs' }),
      `${s.base}/auth/callback`,
    );
    if (!('url' in r)) throw new Error('did not reach the callback');
    return { browser, url: r.url };
  }

  const clientRedirect = (res: Response): URLSearchParams => {
    expect(res.status).toBe(302);
    const loc = res.headers.get('location') as string;
    expect(loc.startsWith(CLIENT_REDIRECT)).toBe(true);
    return new URL(loc).searchParams;
  };

  it('an upstream error with attacker text becomes access_denied with our own description', async () => {
    const { browser, url } = await atCallback();
    const bad = new URL(url);
    bad.searchParams.delete('code');
    bad.searchParams.set('error', '<script>alert(1)</script>');
    bad.searchParams.set('error_description', 'visit https://evil.example to fix');
    const q = clientRedirect(await browser.fetch(bad.href));
    expect(q.get('error')).toBe('access_denied');
    expect(q.get('error_description')).not.toContain('evil');
    expect(q.get('state')).toBe('cs');
    expect(q.get('iss')).toBe(s.base);
    expect(q.get('code')).toBeNull();
  });

  it('an upstream temporarily_unavailable stays temporarily_unavailable', async () => {
    const { browser, url } = await atCallback();
    const bad = new URL(url);
    bad.searchParams.delete('code');
    bad.searchParams.set('error', 'temporarily_unavailable');
    expect(clientRedirect(await browser.fetch(bad.href)).get('error')).toBe('temporarily_unavailable');
  });

  it('a forged upstream code is refused upstream and reported to the client without a code', async () => {
    const { browser, url } = await atCallback();
    const bad = new URL(url);
    bad.searchParams.set('code', 'forged-code');
    const q = clientRedirect(await browser.fetch(bad.href));
    expect(q.get('error')).toBe('access_denied');
    expect(q.get('code')).toBeNull();
  });

  it('a mismatching RFC 9207 iss from the upstream (mix-up attack) is refused', async () => {
    const { browser, url } = await atCallback();
    const bad = new URL(url);
    bad.searchParams.set('iss', 'https://evil.example');
    const q = clientRedirect(await browser.fetch(bad.href));
    expect(q.get('error')).toBe('access_denied');
    expect(q.get('code')).toBeNull();
  });
});
