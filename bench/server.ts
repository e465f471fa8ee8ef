/**
 * A benchmark target in its own process, so the load generator does not share its event loop.
 *   node --import tsx bench/server.ts <bastion|bastion-auth|bastion-io|bare> <port>
 * bastion-io serves one tool, `lookup`, that waits IO_MS before answering: a tool backed by a
 * database or an API, where the time is spent waiting, not computing.
 * Prints `ready <port>` on stdout when listening.
 */
import { createServer } from 'node:http';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { McpServer, createMcpHandler } from '@modelcontextprotocol/server';
import { initTRPC } from '@trpc/server';
import type { Principal } from '../src/auth/principal.js';
import type { BastionMeta } from '../src/server/meta.js';
import { IO_MS } from './io.js';
import { toNodeHandler } from '@modelcontextprotocol/node';
import { z } from 'zod';
import { pino } from 'pino';
import { createMcpServer } from '../src/server/create.js';
import { createDemoRouter, demoRules } from '../src/demo/router.js';
import { JwtVerifier } from '../src/auth/verifiers/jwt.js';
import { generateKeyPair, mintToken } from '../src/testing/index.js';

const [kind, portArg] = process.argv.slice(2);

function ioRouter() {
  const t = initTRPC.context<{ auth: Principal }>().meta<BastionMeta>().create();
  return t.router({
    lookup: t.procedure
      .meta({ mcp: { description: 'Looks a record up in the slow backend.', annotations: { readOnlyHint: true } } })
      .output(z.object({ found: z.boolean() }))
      .query(async () => {
        await new Promise((r) => setTimeout(r, IO_MS));
        return { found: true };
      }),
  });
}
const port = Number(portArg);

if (kind === 'bare') {
  // The same tool, the same response shape, nothing else: the SDK's own per-request factory.
  const notes: { id: number; text: string; createdAt: string }[] = [];
  const factory = () => {
    const server = new McpServer({ name: 'bare', version: '1' });
    server.registerTool(
      'notes_list',
      {
        description: "Lists the caller's notes, newest last.",
        outputSchema: z.object({ notes: z.array(z.object({ id: z.number(), text: z.string(), createdAt: z.string() })) }),
      },
      async () => ({ content: [{ type: 'text', text: JSON.stringify({ notes }) }], structuredContent: { notes } }),
    );
    return server;
  };
  const handler = createMcpHandler(factory);
  createServer(toNodeHandler(handler)).listen(port, '127.0.0.1', () => process.stdout.write(`ready ${port}\n`));
} else {
  const silent = pino({ level: 'silent' });
  let auth;
  if (kind === 'bastion-auth') {
    const keys = await generateKeyPair('ES256');
    const aud = `http://127.0.0.1:${port}/mcp`;
    auth = new JwtVerifier({ publicKey: keys.publicJwk, algorithms: ['ES256'], issuer: 'bench', audience: aud });
    const token = await mintToken(keys, { sub: 'bench', aud, iss: 'bench', scope: 'notes:read', ttlSeconds: 3600 });
    const dir = mkdtempSync(join(tmpdir(), 'bench-'));
    writeFileSync(join(dir, 'token'), token);
    process.stdout.write(`token ${join(dir, 'token')}\n`);
  }
  const server = createMcpServer({
    name: 'bench',
    version: '1',
    ...(kind === 'bastion-io' ? { router: ioRouter() } : { router: createDemoRouter(), rules: demoRules }),
    logger: silent,
    http: { port },
    ...(auth ? { auth } : {}),
  });
  await server.listen();
  process.stdout.write(`ready ${port}\n`);
}
