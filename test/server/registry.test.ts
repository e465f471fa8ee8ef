import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { initTRPC, TRPCError } from '@trpc/server';
import { z } from 'zod';
import { pino } from 'pino';
import { buildRegistry } from '../../src/server/registry.js';
import { ConfigError } from '../../src/errors.js';
import type { BastionMeta } from '../../src/server/meta.js';
import type { Principal } from '../../src/auth/principal.js';
import { connectClient, startServer } from '../helpers/mcp.js';

const t = initTRPC.context<{ auth: Principal; tenant?: string }>().meta<BastionMeta>().create();

describe('registry from router meta', () => {
  it('exposes only procedures with MCP meta, names them from the path, and derives JSON Schema from zod 4', () => {
    const router = t.router({
      a: t.router({
        b: t.procedure
          .meta({ mcp: { description: 'nested' } })
          .input(z.object({ n: z.number().int().min(1).describe('count') }))
          .query(() => 1),
      }),
      hidden: t.procedure.query(() => 'no meta'),
      other: t.procedure.meta({}).query(() => 'empty meta'),
      multi: t.procedure
        .meta({ mcp: { name: 'multi_input', description: 'two chained inputs' } })
        .input(z.object({ x: z.string() }))
        .input(z.object({ y: z.boolean().optional() }))
        .query(() => 1),
    });
    const reg = buildRegistry(router);
    expect([...reg.tools.keys()].sort()).toEqual(['a_b', 'multi_input']);
    expect(reg.tools.get('a_b')?.inputSchema).toMatchObject({
      type: 'object',
      properties: { n: { type: 'integer', minimum: 1, description: 'count' } },
      required: ['n'],
    });
    expect(reg.tools.get('a_b')?.inputSchema).not.toHaveProperty('$schema');
    expect(reg.tools.get('multi_input')?.inputSchema).toMatchObject({
      properties: { x: { type: 'string' }, y: { type: 'boolean' } },
      required: ['x'],
    });
  });

  it('refuses definitions it cannot describe safely, naming the procedure', () => {
    const cases: [() => unknown, RegExp][] = [
      [
        () => buildRegistry(t.router({ p: t.procedure.meta({ mcp: { description: '' } }).query(() => 1) })),
        /router\.p\.meta\.mcp\.description/,
      ],
      [
        () => buildRegistry(t.router({ p: t.procedure.meta({ mcp: { name: 'bad name!', description: 'x' } }).query(() => 1) })),
        /not a valid MCP tool name/,
      ],
      [
        () =>
          buildRegistry(
            t.router({
              p: t.procedure
                .meta({ mcp: { description: 'x' } })
                .input(z.string())
                .query(() => 1),
            }),
          ),
        /must be a z\.object/,
      ],
      [
        () =>
          buildRegistry(
            t.router({
              p: t.procedure.meta({ mcp: { name: 'same', description: 'x' } }).query(() => 1),
              q: t.procedure.meta({ mcp: { name: 'same', description: 'y' } }).query(() => 1),
            }),
          ),
        /duplicate tool name "same"/,
      ],
      [
        () => buildRegistry(t.router({ r: t.procedure.meta({ mcpResource: { name: 'r' } }).query(() => 1) })),
        /exactly one of uri or uriTemplate/,
      ],
    ];
    for (const [fn, message] of cases) {
      expect(fn).toThrow(ConfigError);
      expect(fn).toThrow(message);
    }
  });
});

describe('calls go through the tRPC caller', () => {
  it('runs the procedure’s own middleware (auth, context) on every MCP call', async () => {
    const lines: string[] = [];
    const seen: string[] = [];
    const authed = t.procedure.use(({ ctx, next, path }) => {
      seen.push(`${path}:${ctx.auth.kind}:${ctx.tenant ?? '-'}`);
      if (ctx.auth.kind !== 'local') throw new TRPCError({ code: 'UNAUTHORIZED', message: 'login required' });
      return next();
    });
    const router = t.router({
      secret: authed.meta({ mcp: { description: 'guarded by middleware' } }).query(() => 'the secret'),
      tenant: t.procedure.meta({ mcp: { description: 'reads custom context' } }).query(({ ctx }) => `tenant=${ctx.tenant}`),
    });
    const s = await startServer({
      name: 'mw',
      version: '1',
      router,
      createContext: ({ transport }) => ({ tenant: `acme-${transport}` }),
      logger: pino({ level: 'info' }, new Writable({ write: (c, _e, cb) => (lines.push(String(c)), cb()) })),
    });
    try {
      const client = await connectClient(s.url, '2025-11-25');
      const r = await client.callTool({ name: 'secret', arguments: {} });
      expect(r.isError).toBe(true);
      expect((r.content as { text: string }[])[0]?.text).toBe('UNAUTHORIZED: login required');
      expect(seen).toEqual(['secret:anonymous:acme-http']);
      expect((await client.callTool({ name: 'tenant', arguments: {} })).content).toEqual([{ type: 'text', text: 'tenant=acme-http' }]);
      await client.close();
      expect(lines.join('')).toContain('authentication is off');
    } finally {
      await s.close();
    }
  });
});
