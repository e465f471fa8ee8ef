/**
 * The `gateway` section: `tools/call` through `mcp-bastion gateway` ÷ the same call made directly
 * to the same upstream in the same run, for an HTTP upstream and a stdio upstream, with the output
 * guard on (`warn`, the default) and off; then the gateway process's own memory with 10 upstreams
 * ÷ with none.
 */
import { which } from '../src/security/connect/sandbox.js';
import { load, startTarget, type LoadResult, type Target } from './http.js';
import {
  callLoop,
  directEverything,
  everything,
  gatewayEverything,
  gatewayMemory,
  probeHttp,
  startGatewayTarget,
  type CallLoopResult,
  type StdioTarget,
  type Upstreams,
} from './gateway-targets.js';

const fmt = (n: number, d = 0) => n.toFixed(d);
const mib = (bytes: number) => bytes / (1024 * 1024);
const ROUNDS = 3;

interface Row {
  readonly rps: number;
  readonly p99: number;
  readonly bad: number;
}

function mean<R extends { rps: number; p99: number }>(runs: readonly R[], bad: (r: R) => number): Row {
  return {
    rps: runs.reduce((a, b) => a + b.rps, 0) / runs.length,
    p99: runs.reduce((a, b) => a + b.p99, 0) / runs.length,
    bad: runs.reduce((a, b) => a + bad(b), 0),
  };
}

/** Runs every target once per round, reversing the order on odd rounds so slow drift of the machine cancels out. */
async function alternate<T, R>(targets: readonly [string, T][], run: (t: T) => Promise<R>): Promise<Map<string, R[]>> {
  const runs = new Map<string, R[]>(targets.map(([k]) => [k, []]));
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? targets : [...targets].reverse();
    for (const [k, t] of order) runs.get(k)?.push(await run(t));
  }
  return runs;
}

function table(unit: string, baseline: string, rows: readonly [string, Row][]): void {
  const base = rows.find(([k]) => k === baseline)?.[1];
  if (!base) throw new Error(`no baseline row ${baseline}`);
  console.log(`| path | ${unit} | p99 ms | errors | throughput ratio vs ${baseline} | p99 ratio vs ${baseline} |`);
  console.log('|---|---|---|---|---|---|');
  for (const [k, a] of rows)
    console.log(
      `| ${k} | ${fmt(a.rps)} | ${fmt(a.p99, 1)} | ${a.bad} | ${fmt(a.rps / base.rps, 2)} | ${fmt(a.p99 / Math.max(base.p99, 0.01), 2)} |`,
    );
}

async function httpUpstream(seconds: number): Promise<void> {
  console.log(
    `\n### HTTP upstream (our createMcpServer, demo router, tools/call notes_list), 2026-07-28 stateless POSTs, autocannon, 10 connections, ${seconds}s runs, ${ROUNDS} rounds alternated`,
  );
  const upstream = await startTarget('bastion');
  const targets: [string, Target][] = [];
  try {
    const mcpServers: Upstreams = { up: { url: upstream.url } };
    targets.push(['direct', upstream]);
    targets.push(['gateway warn', await startGatewayTarget(mcpServers, 'warn', 'up__notes_list')]);
    targets.push(['gateway off', await startGatewayTarget(mcpServers, 'off', 'up__notes_list')]);
    for (const [, t] of targets) await probeHttp(t, 'notes');
    for (const [, t] of targets) await load(t, 1);
    const runs = await alternate(targets, (t) => load(t, seconds));
    const rows = targets.map(([k]): [string, Row] => [k, mean(runs.get(k) ?? [], (r: LoadResult) => r.errors + r.non2xx)]);
    table('req/s', 'direct', rows);
    const [direct, warn, off] = rows.map(([, r]) => r) as [Row, Row, Row];
    console.log(`ratio gateway/direct (HTTP upstream, output warn): ${fmt(warn.rps / direct.rps, 2)} (target >= 0.8)`);
    console.log(`ratio gateway/direct (HTTP upstream, output off): ${fmt(off.rps / direct.rps, 2)}`);
    console.log(
      `output guard cost (gateway warn / gateway off): throughput ${fmt(warn.rps / off.rps, 2)}, p99 ${fmt(warn.p99 / off.p99, 2)}`,
    );
  } finally {
    for (const [k, t] of targets) if (k !== 'direct') t.stop();
    upstream.stop();
  }
}

async function stdioUpstream(seconds: number): Promise<void> {
  const sandbox = which('bwrap') !== undefined;
  console.log(
    `\n### stdio upstream (server-everything echo): client → gateway over stdio → server-everything over stdio, vs a direct SDK stdio client; Client.callTool loop, 10 in flight, ${seconds}s runs, ${ROUNDS} rounds alternated`,
  );
  if (!sandbox) console.log('(bwrap not installed: sandboxed rows left out)');
  const targets: [string, StdioTarget][] = [];
  try {
    targets.push(['direct', await directEverything()]);
    targets.push(['gateway unsandboxed warn', await gatewayEverything(false, 'warn')]);
    targets.push(['gateway unsandboxed off', await gatewayEverything(false, 'off')]);
    if (sandbox) {
      targets.push(['gateway sandboxed warn', await gatewayEverything(true, 'warn')]);
      targets.push(['gateway sandboxed off', await gatewayEverything(true, 'off')]);
    }
    for (const [k, t] of targets) {
      const warm = await callLoop(t, 1);
      if (warm.errors > 0 || warm.rps === 0) throw new Error(`${k}: ${warm.errors} failed calls while warming up`);
    }
    const runs = await alternate(targets, (t) => callLoop(t, seconds));
    const rows = targets.map(([k]): [string, Row] => [k, mean(runs.get(k) ?? [], (r: CallLoopResult) => r.errors)]);
    table('calls/s', 'direct', rows);
    const by = new Map(rows);
    const direct = by.get('direct') as Row;
    for (const k of ['gateway unsandboxed warn', 'gateway sandboxed warn']) {
      const r = by.get(k);
      if (r) console.log(`ratio gateway/direct (stdio upstream, ${k.replace('gateway ', '')}): ${fmt(r.rps / direct.rps, 2)}`);
    }
    const w = by.get('gateway unsandboxed warn') as Row;
    const o = by.get('gateway unsandboxed off') as Row;
    console.log(`output guard cost (unsandboxed warn / off): throughput ${fmt(w.rps / o.rps, 2)}, p99 ${fmt(w.p99 / o.p99, 2)}`);
  } finally {
    await Promise.all(targets.map(([, t]) => t.close()));
  }
}

async function memory(): Promise<void> {
  console.log(
    '\n### Gateway process memory (its own rss and heap after a full GC, upstream processes not included; each figure from a fresh process)',
  );
  const upstream = await startTarget('bastion');
  try {
    const ten = (entry: () => Upstreams[string]) => Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`s${i}`, entry()]));
    const samples: [string, Awaited<ReturnType<typeof gatewayMemory>>][] = [
      ['0 upstreams', await gatewayMemory({})],
      ['10 × server-everything (stdio, unsandboxed)', await gatewayMemory(ten(() => everything(false)))],
      ['10 × our HTTP server (demo router)', await gatewayMemory(ten(() => ({ url: upstream.url })))],
    ];
    const base = samples[0]![1];
    console.log(
      '| gateway with | upstream tools | rss MiB | heap MiB | rss ratio vs 0 upstreams | heap ratio vs 0 upstreams | per upstream rss / heap MiB |',
    );
    console.log('|---|---|---|---|---|---|---|');
    for (const [k, m] of samples) {
      const per =
        m.upstreams > 0 ? `${fmt(mib(m.rss - base.rss) / m.upstreams, 2)} / ${fmt(mib(m.heapUsed - base.heapUsed) / m.upstreams, 2)}` : '-';
      console.log(
        `| ${k} | ${m.tools} | ${fmt(mib(m.rss), 1)} | ${fmt(mib(m.heapUsed), 1)} | ${fmt(m.rss / base.rss, 2)} | ${fmt(m.heapUsed / base.heapUsed, 2)} | ${per} |`,
      );
    }
  } finally {
    upstream.stop();
  }
}

export async function benchGateway(seconds: number): Promise<void> {
  console.log('\n## Gateway: tools/call through mcp-bastion gateway ÷ direct to the same upstream (same run), and memory');
  await httpUpstream(seconds);
  await stdioUpstream(seconds);
  await memory();
}
