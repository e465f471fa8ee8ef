import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTRPCClient, httpBatchLink, httpLink } from '@trpc/client';
import { createDemoRouter, demoRules, type DemoRouter } from '../../src/demo/router.js';
import { PROTOCOLS, connectClient, startServer, type Started } from '../helpers/mcp.js';

describe('demo server over Streamable HTTP with the real SDK client', () => {
  let s: Started;
  beforeAll(async () => {
    s = await startServer({ name: 'demo', version: '1.0.0', router: createDemoRouter(), rules: demoRules, instructions: 'notes demo' });
  });
  afterAll(() => s.close());

  for (const protocol of PROTOCOLS) {
    it(`lists and calls the demo tools, reads the resource and gets the prompt on ${protocol}`, async () => {
      const client = await connectClient(s.url, protocol);
      try {
        const { tools } = await client.listTools();
        expect(tools.map((t) => t.name).sort()).toEqual(['admin_reset', 'notes_add', 'notes_list', 'whoami']);
        const add = tools.find((t) => t.name === 'notes_add');
        expect(add?.inputSchema).toMatchObject({
          type: 'object',
          properties: { text: { type: 'string', maxLength: 2000 } },
          required: ['text'],
        });
        expect(add?.outputSchema).toMatchObject({ type: 'object' });
        expect(add?.annotations).toMatchObject({ readOnlyHint: false });

        const added = await client.callTool({ name: 'notes_add', arguments: { text: `hello ${protocol}` } });
        expect(added.isError).toBeFalsy();
        expect(added.structuredContent).toMatchObject({ text: `hello ${protocol}` });

        const listed = await client.callTool({ name: 'notes_list', arguments: {} });
        const notes = (listed.structuredContent as { notes: { text: string }[] }).notes.map((n) => n.text);
        expect(notes).toContain(`hello ${protocol}`);

        const who = await client.callTool({ name: 'whoami', arguments: {} });
        expect(who.structuredContent).toMatchObject({ subject: 'anonymous', kind: 'anonymous' });

        const resource = await client.readResource({ uri: 'notes://all' });
        const first = resource.contents[0] as { text: string; mimeType: string };
        expect(first.mimeType).toBe('application/json');
        expect(JSON.parse(first.text).notes.map((n: { text: string }) => n.text)).toContain(`hello ${protocol}`);

        const { resources } = await client.listResources();
        expect(resources.map((r) => r.uri)).toEqual(['notes://all']);

        const { prompts } = await client.listPrompts();
        expect(prompts).toEqual([
          expect.objectContaining({ name: 'summarize_notes', arguments: [expect.objectContaining({ name: 'style', required: false })] }),
        ]);
        const prompt = await client.getPrompt({ name: 'summarize_notes', arguments: { style: 'haiku' } });
        const text = (prompt.messages[0]?.content as { text: string }).text;
        expect(text).toContain('as haiku');
        expect(text).toContain(`hello ${protocol}`);
      } finally {
        await client.close();
      }
    });

    it(`returns a useful tool error for invalid input on ${protocol}`, async () => {
      const client = await connectClient(s.url, protocol);
      try {
        const tooLong = await client.callTool({ name: 'notes_add', arguments: { text: 'x'.repeat(2001) } });
        expect(tooLong.isError).toBe(true);
        expect((tooLong.content as { text: string }[])[0]?.text).toMatch(/Invalid input: text: .*2000/);
        const wrongType = await client.callTool({ name: 'notes_add', arguments: { text: 42 } });
        expect(wrongType.isError).toBe(true);
        expect((wrongType.content as { text: string }[])[0]?.text).toMatch(/text: .*expected string/i);
        await expect(client.callTool({ name: 'does_not_exist', arguments: {} })).rejects.toThrow(/Tool does_not_exist not found/);
        await expect(client.readResource({ uri: 'notes://nope' })).rejects.toThrow(/not found/);
      } finally {
        await client.close();
      }
    });
  }

  it('serves the same procedures to a tRPC client over /trpc', async () => {
    for (const link of [httpLink({ url: `${s.url}/trpc` }), httpBatchLink({ url: `${s.url}/trpc` })]) {
      const trpc = createTRPCClient<DemoRouter>({ links: [link] });
      const note = await trpc.notes.add.mutate({ text: 'from trpc' });
      expect(note.text).toBe('from trpc');
      const [who, list] = await Promise.all([trpc.whoami.query(), trpc.notes.list.query()]);
      expect(who.subject).toBe('anonymous');
      expect(list.notes.map((n) => n.text)).toContain('from trpc');
      await expect(trpc.notes.add.mutate({ text: '' })).rejects.toThrow(/too small|>=1/i);
    }
  });

  it('answers /health and 404 for unknown paths, with security headers on every response', async () => {
    const ok = await fetch(`${s.url}/health`);
    expect(ok.status).toBe(200);
    const missing = await fetch(`${s.url}/nope`);
    expect(missing.status).toBe(404);
    for (const res of [ok, missing]) {
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
    }
  });
});
