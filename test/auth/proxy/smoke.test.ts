import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fullFlow, startStack, type Stack } from './harness.js';

describe('smoke', () => {
  let s: Stack;
  beforeAll(async () => {
    s = await startStack();
  });
  afterAll(async () => s?.close());
  it('runs a flow', async () => {
    const { tokens } = await fullFlow(s);
    expect(tokens.access_token).toBeTruthy();
    const res = await fetch(`${s.base}/mcp`, { method: 'POST', headers: { authorization: `Bearer ${String(tokens.access_token)}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'x', version: '1' } } }) });
    expect(res.status).toBe(200);
  });
});
