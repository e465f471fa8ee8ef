import { pino } from 'pino';
import { createMcpServer } from '../src/server/create.js';
import { createDemoRouter } from '../src/demo/router.js';

function gc(): void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) for (let i = 0; i < 3; i++) g();
}

/** Resident and heap memory held by `count` idle 2025-era sessions, scaled to 1,000. */
export async function benchSessionMemory(
  count = 1000,
): Promise<{ sessions: number; rssMiBPer1000: number; heapMiBPer1000: number; gcExposed: boolean }> {
  const server = createMcpServer({
    name: 'mem',
    version: '1',
    router: createDemoRouter(),
    logger: pino({ level: 'silent' }),
    http: { port: 0 },
    sessions: { maxSessions: count + 100, maxSessionsPerPrincipal: count + 100 },
  });
  const running = await server.listen();
  const init = JSON.stringify({
    jsonrpc: '2.0',
    id: 1,
    method: 'initialize',
    params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'mem', version: '1' } },
  });
  const open = async () => {
    const res = await fetch(`${running.url}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: init,
    });
    await res.text();
  };
  for (let i = 0; i < 50; i++) await open();
  gc();
  const before = process.memoryUsage();
  for (let i = 0; i < count; i += 25) await Promise.all(Array.from({ length: Math.min(25, count - i) }, open));
  gc();
  const after = process.memoryUsage();
  const sessions = server.sessionCount - 50;
  await server.close();
  const scale = 1000 / sessions / (1024 * 1024);
  return {
    sessions,
    rssMiBPer1000: (after.rss - before.rss) * scale,
    heapMiBPer1000: (after.heapUsed - before.heapUsed) * scale,
    gcExposed: typeof (globalThis as { gc?: unknown }).gc === 'function',
  };
}
