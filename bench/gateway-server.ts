/**
 * A gateway benchmark target in its own process, so the load generator and the upstreams do not
 * share its event loop or its heap.
 *   node --expose-gc --import tsx bench/gateway-server.ts <http|stdio|memory> '<json>'
 * json: { "mcpServers": { ... }, "output": "warn" | "off", "port": 0 }
 *   http:   serves /mcp and prints `ready <port>` on stdout
 *   stdio:  serves MCP on stdin/stdout (stdout carries nothing else)
 *   memory: starts the gateway (listening, upstreams connected), then prints one line
 *           `memory {"rss","heapUsed","upstreams","tools"}` after a full GC and exits
 * BENCH_GATEWAY_LOG=debug shows the gateway's own log on stderr (an upstream that will not start says why there).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { createGateway, type GatewayConfigInput } from '../src/gateway/index.js';
import { createStore } from '../src/storage/index.js';

interface TargetSpec {
  readonly mcpServers: NonNullable<GatewayConfigInput['mcpServers']>;
  readonly output?: 'warn' | 'off';
  readonly port?: number;
}

const [mode, json] = process.argv.slice(2);
if (mode !== 'http' && mode !== 'stdio' && mode !== 'memory') throw new Error(`usage: gateway-server.ts <http|stdio|memory> '<json>'`);
const spec = JSON.parse(json ?? '{}') as TargetSpec;

// The audit trail goes to a real file, as a deployment would have it; a silent logger would drop it and flatter the figures.
const auditDir = mkdtempSync(join(tmpdir(), 'bench-gw-audit-'));
const gateway = await createGateway({
  config: {
    mcpServers: spec.mcpServers,
    pins: { trustOnFirstUse: true, relistIntervalSeconds: 0 },
    output: { mode: spec.output ?? 'warn' },
    audit: { file: join(auditDir, 'audit.log') },
  },
  store: await createStore({ type: 'memory' }),
  logger: pino({ level: process.env.BENCH_GATEWAY_LOG ?? 'silent' }, pino.destination(2)),
  http: { port: spec.port ?? 0 },
});
await gateway.start();
const down = gateway.upstreams().filter((u) => u.status !== 'ready');
if (down.length > 0) throw new Error(`upstreams not ready: ${down.map((u) => `${u.name} ${u.status} ${u.reason ?? ''}`).join('; ')}`);

const shutdown = async () => {
  await gateway.close();
  rmSync(auditDir, { recursive: true, force: true });
  process.exit(0);
};
process.on('SIGTERM', () => void shutdown());

if (mode === 'stdio') {
  const handle = gateway.serveStdio();
  process.stdin.on('end', () => void handle.close().then(shutdown));
} else {
  const running = await gateway.listen();
  if (mode === 'http') process.stdout.write(`ready ${running.port}\n`);
  else {
    const gc = (globalThis as { gc?: () => void }).gc;
    if (!gc) throw new Error('memory mode needs node --expose-gc');
    // Let the upstreams' first list_changed notifications and timers settle before measuring.
    await new Promise((r) => setTimeout(r, 500));
    for (let i = 0; i < 4; i++) gc();
    const m = process.memoryUsage();
    const tools = gateway.upstreams().reduce((n, u) => n + u.tools, 0);
    process.stdout.write(`memory ${JSON.stringify({ rss: m.rss, heapUsed: m.heapUsed, upstreams: gateway.upstreams().length, tools })}\n`);
    await shutdown();
  }
}
