/**
 * `npm run bench`: every figure is measured against a baseline in the same run and reported as a ratio.
 *   BENCH_SECONDS (default 5) sets the length of each load run.
 */
import { benchSessionMemory } from './sessions.js';
import { load, startTarget, type LoadResult, type Target } from './http.js';
import { benchStorage } from './storage.js';
import { benchScan } from './scan.js';
import { benchGateway } from './gateway.js';

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const fmt = (n: number, d = 0) => n.toFixed(d);

async function mcpThroughput(): Promise<void> {
  console.log(`\n## MCP tools/call notes_list over Streamable HTTP (2026-07-28), autocannon, 10 connections, ${seconds}s runs, 2 rounds`);
  const kinds = ['bare', 'bastion', 'bastion-auth'] as const;
  const targets = new Map<string, Target>();
  for (const k of kinds) targets.set(k, await startTarget(k));
  try {
    for (const k of kinds) await load(targets.get(k) as Target, 1);
    const runs = new Map<string, LoadResult[]>(kinds.map((k) => [k, []]));
    for (let round = 0; round < 2; round++) {
      for (const k of kinds) runs.get(k)?.push(await load(targets.get(k) as Target, seconds));
    }
    const avg = (k: string) => {
      const r = runs.get(k) ?? [];
      return {
        rps: r.reduce((a, b) => a + b.rps, 0) / r.length,
        p99: r.reduce((a, b) => a + b.p99, 0) / r.length,
        bad: r.reduce((a, b) => a + b.errors + b.non2xx, 0),
      };
    };
    const bare = avg('bare');
    console.log('| server | req/s | p99 ms | errors+non-2xx | throughput ratio vs bare SDK | p99 ratio vs bare SDK |');
    console.log('|---|---|---|---|---|---|');
    for (const k of kinds) {
      const a = avg(k);
      console.log(
        `| ${k} | ${fmt(a.rps)} | ${fmt(a.p99, 1)} | ${a.bad} | ${fmt(a.rps / bare.rps, 2)} | ${fmt(a.p99 / Math.max(bare.p99, 0.01), 2)} |`,
      );
    }
    console.log(`ratio a/b (mcp-bastion / bare SDK v2): ${fmt(avg('bastion').rps / bare.rps, 2)} (target >= 0.9)`);
    console.log(
      `ratio a/b authenticated (JWT ES256 + scope check / bare SDK v2): ${fmt(avg('bastion-auth').rps / bare.rps, 2)} (target >= 0.9)`,
    );
  } finally {
    for (const t of targets.values()) t.stop();
  }
}

async function sessions(): Promise<void> {
  const m = await benchSessionMemory(1000);
  console.log(
    `\n## Memory per 1,000 idle 2025-era sessions (${m.sessions} measured${m.gcExposed ? '' : '; run with --expose-gc for steadier figures'})`,
  );
  // RSS moves with what the allocator hands back to the OS; heap is the steadier figure.
  const rss = m.rssMiBPer1000 > 0 ? `${fmt(m.rssMiBPer1000, 1)} MiB` : 'n/a (memory was returned to the OS during the run)';
  console.log(`heap: ${fmt(m.heapMiBPer1000, 1)} MiB, rss: ${rss}`);
}

async function storage(): Promise<void> {
  console.log('\n## Store operations per second (ratio vs the memory backend)');
  const rows = await benchStorage();
  console.log('| backend | op | ops/s | vs memory |');
  console.log('|---|---|---|---|');
  for (const r of rows) console.log(`| ${r.backend} | ${r.op} | ${fmt(r.opsPerSec)} | ${fmt(r.relativeToMemory, 3)} |`);
}

async function scan(): Promise<void> {
  const r = await benchScan();
  console.log(
    `\n## Static scan of ${r.tools} tools (CPU time): rules + model ${fmt(r.ms)} ms, rules only ${fmt(r.rulesMs)} ms; ` +
      `model cost ratio ${fmt(r.ratio, 2)}; ratio to the 500 ms target ${fmt(r.ms / 500, 2)}; ` +
      `rules with no prefilter (every expression run whole) ${fmt(r.plainMs)} ms, split matchers ÷ that ${fmt(r.splitRatio, 2)}`,
  );
}

async function proxy(): Promise<void> {
  let mod: { benchProxy?: () => Promise<Record<string, number>> };
  try {
    // Resolved at run time: the proxy benchmark ships with the OAuth proxy.
    const path = './proxy.js';
    mod = (await import(path)) as typeof mod;
  } catch {
    return;
  }
  if (!mod.benchProxy) return;
  const r = await mod.benchProxy();
  // Baseline in the same run: signing one ES256 access token, the one step no implementation avoids.
  const { SignJWT, generateKeyPair } = await import('jose');
  const { privateKey } = await generateKeyPair('ES256');
  let signed = 0;
  const until = performance.now() + 1000;
  while (performance.now() < until) {
    await new SignJWT({ sub: 'x', scope: 'a b' }).setProtectedHeader({ alg: 'ES256' }).setExpirationTime('1h').sign(privateKey);
    signed++;
  }
  console.log('\n## OAuth proxy token endpoint, in-process web requests through the full app (memory store, upstream stubbed)');
  for (const [k, v] of Object.entries(r)) console.log(`${k}: ${fmt(v, 1)}`);
  console.log(
    `baseline: ${signed} bare ES256 signatures/s; code exchange runs at ${fmt((r.codeExchangePerSec ?? 0) / signed, 3)} and refresh at ${fmt((r.refreshPerSec ?? 0) / signed, 3)} of that rate`,
  );
}

const gateway = () => benchGateway(seconds);

const only = process.argv[2];
const sections: Record<string, () => Promise<void>> = { mcp: mcpThroughput, sessions, storage, scan, proxy, gateway };
for (const [name, fn] of Object.entries(sections)) {
  if (only && only !== name) continue;
  try {
    await fn();
  } catch (err) {
    console.log(`\n## ${name}: failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  }
}
