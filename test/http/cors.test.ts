import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoRouter } from '../../src/demo/router.js';
import { startServer, type Started } from '../helpers/mcp.js';
import { rawHttp } from '../helpers/raw-http.js';

describe('CORS, only from an explicit allow-list', () => {
  let s: Started;
  beforeAll(async () => {
    s = await startServer({
      name: 'c',
      version: '1',
      router: createDemoRouter(),
      http: { cors: { origins: ['https://app.example.com'] } },
    });
  });
  afterAll(() => s.close());

  it('answers a preflight from a listed origin with that origin, never *', async () => {
    const res = await rawHttp(`${s.url}/mcp`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://app.example.com',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type',
      },
    });
    expect(res.headers['access-control-allow-origin']).toBe('https://app.example.com');
    expect(String(res.headers['access-control-allow-headers'])).toContain('authorization');
  });

  it('refuses a preflight and requests from an unlisted origin', async () => {
    const pre = await rawHttp(`${s.url}/mcp`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(pre.status).toBe(403);
    expect(pre.headers['access-control-allow-origin']).toBeUndefined();
  });
});
